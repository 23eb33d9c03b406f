"""The pager of every list page (core.pagination): pages are not counted, so the pager offers the previous and the
next page, never a total or a last page; whatever is typed as a page number, the list answers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(county):
    return [SchoolFactory(code=f"37130200{n:02d}", name=f"分页学校{n:02d}", county=county) for n in range(55)]


def pager(response) -> str:
    html = response.content.decode()
    return html[html.index('class="pagination"') : html.index("</main>")]


def test_first_page_offers_the_next_page_and_names_its_rows_without_a_total(client, clerk, schools):
    client.force_login(clerk)
    first = client.get("/schools/")
    assert "第 1 页" in pager(first) and "第 1–50 条" in pager(first)
    assert 'rel="next"' in pager(first) and 'rel="prev"' not in pager(first)
    assert "55" not in pager(first) and "末页" not in pager(first)


def test_last_page_offers_the_previous_and_the_first_page_but_no_next(client, clerk, schools):
    client.force_login(clerk)
    last = client.get("/schools/", {"page": 2})
    assert [s.name for s in last.context["page"]] == [f"分页学校{n}" for n in range(50, 55)]
    assert "第 2 页" in pager(last) and "第 51–55 条" in pager(last)
    assert 'rel="prev"' in pager(last) and "page=1" in pager(last) and 'rel="next"' not in pager(last)


def test_a_list_of_exactly_one_page_shows_no_pager(client, clerk, county):
    for n in range(50):
        SchoolFactory(code=f"37130200{n:02d}", county=county)
    client.force_login(clerk)
    html = client.get("/schools/").content.decode()
    assert 'class="pagination"' not in html and "第 1–50 条" in html


@pytest.mark.parametrize("number", ["0", "-1", "abc", "3", "999999999999"])
def test_a_page_number_that_is_no_page_of_the_list_shows_the_first_page(client, clerk, schools, number):
    client.force_login(clerk)
    response = client.get("/schools/", {"page": number})
    assert response.status_code == 200
    assert response.context["page"].number == 1 and len(response.context["page"]) == 50


def test_the_list_is_never_counted(client, official, schools):
    client.force_login(official)
    with CaptureQueriesContext(connection) as captured:
        client.get("/schools/", {"page": 2})
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


def test_the_pager_reads_in_english(client, clerk, schools):
    client.force_login(clerk)
    client.cookies["django_language"] = "en"
    second = pager(client.get("/schools/", {"page": 2}))
    assert "Page 2" in second and "Rows 51–55" in second and "First" in second and "Previous" in second
