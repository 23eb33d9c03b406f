"""Per school and year: facts, classes, funding and achievement pages; and the county-year inputs."""

from decimal import Decimal

import pytest

from schools.models import Achievement, CountyYear, Funding, Monitoring, SchoolClass, SchoolYear
from tests.factories import (
    AchievementFactory,
    CountyYearFactory,
    SchoolClassFactory,
    SchoolFactory,
    SchoolYearFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/schools/3713020001/years/2024/"


@pytest.fixture
def school(county):
    return SchoolFactory(code="3713020001", name="兰山第一小学", county=county)


def login(client, user):
    client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


# ---------------------------------------------------------------- year facts


def test_clerk_opens_an_empty_year_and_saving_creates_it(client, clerk, school):
    login(client, clerk)
    response = client.get(BASE)
    assert response.status_code == 200
    assert "保存后即创建" in page(response)
    saved = client.post(BASE, {"primary_students": "612", "teaching_area": "5321.5", "books": ""})
    assert saved.status_code == 302
    facts = SchoolYear.objects.get(school=school, year=2024)
    assert (facts.primary_students, facts.teaching_area, facts.books) == (612, Decimal("5321.5"), None)
    assert facts.updated_by == clerk


def test_negative_area_is_rejected_next_to_the_field_and_typed_values_stay(client, clerk, school):
    response = login(client, clerk).post(BASE, {"primary_students": "612", "teaching_area": "-10"})
    assert response.status_code == 200
    assert "确保该值大于或等于0" in page(response).replace(" ", "")
    assert 'value="612"' in page(response) and 'value="-10"' in page(response)
    assert not SchoolYear.objects.exists()


def test_year_picker_goes_to_the_chosen_year(client, clerk, school):
    response = login(client, clerk).get("/schools/3713020001/years/", {"year": "2025"})
    assert response["Location"] == "/schools/3713020001/years/2025/"
    bad = client.get("/schools/3713020001/years/", {"year": "1800"})
    assert bad["Location"] == "/schools/3713020001/"


def test_year_outside_the_supported_range_is_404(client, clerk, school):
    assert login(client, clerk).get("/schools/3713020001/years/1800/").status_code == 404


def test_official_reads_year_facts_without_a_save_button_and_cannot_post(client, official, school):
    SchoolYearFactory(school=school, year=2024, primary_students=612)
    login(client, official)
    response = client.get(BASE)
    assert response.status_code == 200
    assert 'value="612"' in page(response) and "disabled" in page(response)
    assert "保存</button>" not in page(response)
    assert client.post(BASE, {"primary_students": "1"}).status_code == 403
    assert SchoolYear.objects.get().primary_students == 612


@pytest.mark.parametrize("tab", ["", "classes/", "funding/", "achievement/"])
def test_clerk_of_another_county_gets_404_on_every_year_page(client, other_clerk, school, tab):
    login(client, other_clerk)
    assert client.get(BASE + tab).status_code == 404
    assert client.post(BASE + tab, {"primary_students": "1"}).status_code == 404


@pytest.mark.parametrize("tab", ["classes/", "funding/", "achievement/"])
def test_official_may_read_but_not_post_year_tables(client, official, school, tab):
    login(client, official)
    assert client.get(BASE + tab).status_code == 200
    assert client.post(BASE + tab, {}).status_code == 403


# ---------------------------------------------------------------- classes


def test_clerk_adds_edits_and_deletes_classes_in_one_save(client, clerk, school):
    keep = SchoolClassFactory(school=school, year=2024, name="一年级1班", grade=1, students=40)
    gone = SchoolClassFactory(school=school, year=2024, name="一年级2班", grade=1, students=41)
    data = formset(
        "classes",
        [
            {"id": keep.pk, "stage": "primary", "grade": "1", "name": "一年级1班", "students": "45"},
            {
                "id": gone.pk,
                "stage": "primary",
                "grade": "1",
                "name": "一年级2班",
                "students": "41",
                "DELETE": "on",
            },
            {"stage": "junior", "grade": "7", "name": "七年级1班", "students": "50"},
        ],
        initial=2,
    )
    response = login(client, clerk).post(BASE + "classes/", data)
    assert response.status_code == 302
    rows = dict(SchoolClass.objects.filter(school=school, year=2024).values_list("name", "students"))
    assert rows == {"一年级1班": 45, "七年级1班": 50}


def test_renaming_a_class_keeps_one_row(client, clerk, school):
    room = SchoolClassFactory(school=school, year=2024, name="1班", grade=1, students=40)
    data = formset(
        "classes",
        [{"id": room.pk, "stage": "primary", "grade": "1", "name": "一年级1班", "students": "40"}],
        1,
    )
    login(client, clerk).post(BASE + "classes/", data)
    assert list(SchoolClass.objects.values_list("pk", "name")) == [(room.pk, "一年级1班")]


def test_duplicate_class_name_is_reported_on_the_row_and_nothing_is_saved(client, clerk, school):
    existing = SchoolClassFactory(school=school, year=2024, name="一年级1班", students=40)
    data = formset(
        "classes",
        [
            {"id": existing.pk, "stage": "primary", "grade": "1", "name": "一年级1班", "students": "44"},
            {"stage": "primary", "grade": "1", "name": "一年级1班", "students": "38"},
        ],
        initial=1,
    )
    response = login(client, clerk).post(BASE + "classes/", data)
    assert response.status_code == 200
    assert "班级名称“一年级1班”在本学年已有" in page(response)
    assert 'value="38"' in page(response) and 'value="44"' in page(response)
    assert list(SchoolClass.objects.values_list("students", flat=True)) == [40]


def test_class_grade_out_of_range_is_rejected(client, clerk, school):
    data = formset("classes", [{"stage": "primary", "grade": "12", "name": "十二年级", "students": "30"}])
    response = login(client, clerk).post(BASE + "classes/", data)
    assert response.status_code == 200
    assert 'value="十二年级"' in page(response)
    assert not SchoolClass.objects.exists()


def test_classes_of_other_years_are_not_in_the_table(client, clerk, school):
    SchoolClassFactory(school=school, year=2023, name="旧班级")
    SchoolClassFactory(school=school, year=2024, name="新班级")
    response = login(client, clerk).get(BASE + "classes/")
    assert "新班级" in page(response) and "旧班级" not in page(response)


# ---------------------------------------------------------------- funding


def test_clerk_saves_funding_and_negative_amounts_are_refused(client, clerk, school):
    login(client, clerk)
    bad = client.post(BASE + "funding/", {"public_funds": "-1", "public_budget": "900000"})
    assert bad.status_code == 200 and 'value="900000"' in page(bad)
    assert not Funding.objects.exists()
    client.post(BASE + "funding/", {"public_funds": "850000.50", "public_budget": "900000"})
    funding = Funding.objects.get(school=school, year=2024)
    assert (funding.public_funds, funding.training_funds) == (Decimal("850000.50"), None)


# ---------------------------------------------------------------- achievement


def test_clerk_adds_and_updates_achievement_rows(client, clerk, school):
    maths = AchievementFactory(
        school=school, year=2024, stage="primary", subject="数学", tested=100, mean_score=80
    )
    data = formset(
        "achievement",
        [
            {"id": maths.pk, "tested": "110", "mean_score": "82.5"},
            {"stage": "primary", "subject": "语文", "tested": "105", "mean_score": "78"},
        ],
        initial=1,
    )
    response = login(client, clerk).post(BASE + "achievement/", data)
    assert response.status_code == 302
    rows = {a.subject: (a.tested, a.mean_score) for a in Achievement.objects.all()}
    assert rows == {"数学": (110, Decimal("82.5")), "语文": (105, Decimal("78"))}


def test_clerk_deletes_an_achievement_row_and_keeps_the_others(client, clerk, school):
    maths = AchievementFactory(school=school, year=2024, stage="primary", subject="数学")
    chinese = AchievementFactory(school=school, year=2024, stage="primary", subject="语文")
    data = formset("achievement", [{"id": maths.pk, "DELETE": "on"}, {"id": chinese.pk, "tested": "100"}], 2)
    data["achievement-1-mean_score"] = "80"
    response = login(client, clerk).post(BASE + "achievement/", data)
    assert response.status_code == 302
    assert list(Achievement.objects.values_list("subject", flat=True)) == ["语文"]


def test_the_same_subject_twice_is_refused(client, clerk, school):
    data = formset(
        "achievement",
        [
            {"stage": "junior", "subject": "英语", "tested": "100", "mean_score": "70"},
            {"stage": "junior", "subject": "英语", "tested": "90", "mean_score": "71"},
        ],
    )
    response = login(client, clerk).post(BASE + "achievement/", data)
    assert "同一学段每个学科只填一行" in page(response)
    assert not Achievement.objects.exists()


# ---------------------------------------------------------------- county inputs


def county_data(**overrides):
    data = {"teacher_pay": "98000", "civil_servant_pay": "95000", "junior_retention": "97.5"}
    data.update(
        formset(
            "monitoring", [{"stage": "junior", "subject": "数学", "level": "2", "difference_rate": "0.12"}]
        )
    )
    data.update(overrides)
    return data


def test_clerk_saves_county_year_with_monitoring_rows(client, clerk, county):
    response = login(client, clerk).post("/counties/371302/years/2024/", county_data())
    assert response.status_code == 302
    county_year = CountyYear.objects.get(county=county, year=2024)
    assert (county_year.teacher_pay, county_year.junior_retention) == (Decimal("98000"), Decimal("97.5"))
    assert Monitoring.objects.get().difference_rate == Decimal("0.12")


def test_clerk_deletes_a_monitoring_row(client, clerk, county):
    login(client, clerk).post("/counties/371302/years/2024/", county_data())
    row = Monitoring.objects.get()
    data = county_data()
    data.update(
        formset("monitoring", [{"id": row.pk, "DELETE": "on", "level": "2", "difference_rate": "0.12"}], 1)
    )
    response = client.post("/counties/371302/years/2024/", data)
    assert response.status_code == 302
    assert not Monitoring.objects.exists()


def test_percentage_above_100_is_refused_and_nothing_saved(client, clerk, county):
    response = login(client, clerk).post("/counties/371302/years/2024/", county_data(junior_retention="150"))
    assert response.status_code == 200
    assert 'value="150"' in page(response) and 'value="98000"' in page(response)
    assert not CountyYear.objects.exists() and not Monitoring.objects.exists()


def test_bad_monitoring_row_saves_nothing_not_even_the_county_figures(client, clerk, county):
    data = county_data(**{"monitoring-0-level": "9"})
    response = login(client, clerk).post("/counties/371302/years/2024/", data)
    assert response.status_code == 200
    assert not CountyYear.objects.exists()


def test_clerk_of_another_county_gets_404_for_county_pages(client, other_clerk, county):
    login(client, other_clerk)
    assert client.get("/counties/371302/").status_code == 404
    assert client.get("/counties/371302/years/2024/").status_code == 404
    assert client.post("/counties/371302/years/2024/", county_data()).status_code == 404
    assert not CountyYear.objects.exists()


def test_official_lists_counties_and_reads_but_cannot_save(client, official, county, other_county):
    CountyYearFactory(county=county, year=2024, teacher_pay=Decimal("98000"))
    login(client, official)
    listing = client.get("/counties/")
    assert "兰山区" in page(listing) and "罗庄区" in page(listing)
    assert client.get("/counties/371302/years/2024/").status_code == 200
    assert client.post("/counties/371302/years/2024/", county_data(teacher_pay="1")).status_code == 403
    assert CountyYear.objects.get().teacher_pay == Decimal("98000")


def test_county_list_gives_each_countys_schools_and_latest_year(client, official, county, other_county):
    for n in range(3):
        SchoolFactory(code=f"371302000{n}", county=county)
    CountyYearFactory(county=county, year=2023)
    CountyYearFactory(county=county, year=2024)
    login(client, official)
    rows = {c.code: (c.school_count, c.latest_year) for c in client.get("/counties/").context["page"]}
    assert rows == {"371302": (3, 2024), "371311": (0, None)}


def test_clerk_sees_only_own_county_in_the_county_list(client, clerk, county, other_county):
    response = login(client, clerk).get("/counties/")
    assert "兰山区" in page(response) and "罗庄区" not in page(response)


def test_class_table_carries_an_empty_row_template_for_adding_rows(client, clerk, school):
    response = login(client, clerk).get(BASE + "classes/")
    assert 'name="classes-__prefix__-name"' in page(response)
    assert 'id="id_classes-TOTAL_FORMS"' in page(response)


def test_admin_saves_year_facts_of_any_county(client, admin_user, school):
    response = login(client, admin_user).post(BASE, {"primary_students": "700"})
    assert response.status_code == 302
    assert SchoolYear.objects.get(school=school, year=2024).primary_students == 700
