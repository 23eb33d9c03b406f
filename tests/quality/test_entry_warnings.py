"""Warnings where a person types: the same rules, narrowed to the school being edited, shown next to the field (or
as a message after a save that leaves the page). Saving is never refused, and the county's data-quality list then
names the same record."""

import re

import pytest
from django.test import Client

from quality import services
from quality.models import Violation
from schools.models import School, SchoolYear
from tests.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory, TeacherFactory

pytestmark = pytest.mark.django_db
YEAR = 2024


@pytest.fixture(autouse=True)
def rules(db):
    services.rules_seed_defaults()


@pytest.fixture
def school(county):
    return SchoolFactory(county=county, code="3713020001", name="兰山一小")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def warnings_of(html: str) -> list[str]:
    return re.findall(r'<p class="warning" data-entry-warning>([^<]*)</p>', html)


def test_boarders_above_enrolment_are_saved_and_warned_next_to_the_field(
    school, clerk, django_capture_on_commit_callbacks
):
    client = client_for(clerk)
    url = f"/schools/{school.code}/years/{YEAR}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"primary_students": "300", "boarders": "450"})
    assert response.status_code == 302  # saved: a warning never refuses
    assert SchoolYear.objects.get(school=school, year=YEAR).boarders == 450
    html = client.get(url).content.decode()
    assert warnings_of(html) == ["寄宿生数不超过在校生数：寄宿生 450 人，多于在校生 300 人"]
    # next to the boarders field, not elsewhere
    field = html.split('id="id_boarders"')[1].split('class="field')[0]
    assert "data-entry-warning" in field
    # and the county's data-quality list names the same record
    assert Violation.objects.filter(rule__code="boarders_within_enrolment", school=school).count() == 1


def test_a_large_class_is_warned_in_its_row_and_the_class_total_above_the_table(school, clerk):
    SchoolYearFactory(school=school, year=YEAR, primary_students=200)
    SchoolClassFactory(school=school, year=YEAR, name="一年级1班", students=40)
    big = SchoolClassFactory(school=school, year=YEAR, name="一年级2班", students=58)
    huge = SchoolClassFactory(school=school, year=YEAR, name="一年级3班", students=70)
    html = client_for(clerk).get(f"/schools/{school.code}/years/{YEAR}/classes/").content.decode()
    assert warnings_of(html) == [
        "大班额（56–65 人）：班级 一年级2班 有 58 名学生，在 56–65 人之间",
        "超大班额（66 人及以上）：班级 一年级3班 有 70 名学生，达到 66 人及以上",
    ]
    rows = html.split("<tr")
    assert "data-entry-warning" in next(r for r in rows if f'value="{big.pk}"' in r)
    assert "data-entry-warning" in next(r for r in rows if f'value="{huge.pk}"' in r)
    # 40 + 58 + 70 = 168 pupils in classes against 200 enrolled: 32 apart, more than max(3, 4)
    top = html.split("data-entry-warnings")[1].split("</div>")[0]
    assert "小学各班学生合计 168 人，与小学在校生数 200 人不一致" in top


def test_the_clean_school_gets_no_warning(school, clerk):
    SchoolYearFactory(school=school, year=YEAR, primary_students=80, boarders=20, staff=10)
    SchoolClassFactory(school=school, year=YEAR, name="一年级1班", students=40)
    SchoolClassFactory(school=school, year=YEAR, name="一年级2班", students=40)
    client = client_for(clerk)
    for url in (f"/schools/{school.code}/years/{YEAR}/", f"/schools/{school.code}/years/{YEAR}/classes/"):
        html = client.get(url).content.decode()
        assert "data-entry-warning" not in html, url


def test_a_teacher_beyond_the_reported_staff_is_saved_with_a_warning(school, clerk):
    SchoolYearFactory(school=school, year=YEAR, primary_students=300, staff=1)
    TeacherFactory(school=school, year=YEAR)
    response = client_for(clerk).post(
        "/teachers/new/",
        {
            "school": school.code,
            "year": YEAR,
            "teacher_id": "T7000001",
            "name": "李四",
            "stage": "primary",
            "full_time": "on",
            "degree": "bachelor",
            "backbone_level": "none",
            "certified": "unknown",
            "rotation_eligible": "unknown",
            "rotated": "unknown",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "教师名册有 2 人，多于填报的教职工数 1 人" in text
    assert "李四" not in "".join(str(m) for m in response.context["messages"])


def test_a_school_code_with_another_countys_prefix_is_created_with_a_warning(clerk, county, other_county):
    response = client_for(clerk).post(
        "/schools/new/",
        {
            "code": "3713110009",
            "name": "新校",
            "county": county.pk,
            "kind": "primary",
            "urban_rural_code": "111",
            "ownership": "public",
        },
        follow=True,
    )
    assert School.objects.filter(code="3713110009", county=county).exists()
    assert "前几位 371311 是另一区县的行政区划代码" in response.content.decode()


def test_the_school_form_shows_the_prefix_warning_next_to_the_code(clerk, county, other_county):
    school = SchoolFactory(county=county, code="3713110008")
    html = client_for(clerk).get(f"/schools/{school.code}/edit/").content.decode()
    field = html.split('id="id_code"')[1].split('class="field')[0]
    assert "371311" in field and "data-entry-warning" in field
