"""The county dashboard (/counties/<code>/), the detailed report tab, the "how computed" pages and the school page,
for the three personas and the outsider, on a county computed by the engine from data in the database."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators import runs
from indicators.models import RecomputeRun
from plans.models import Plan, Project
from schools.models import School, SchoolYear
from signoff import services as signoff_services
from tests.factories import SchoolClassFactory, SchoolFactory, SchoolYearFactory, TeacherFactory
from tests.indicators.scenes import primary_school

YEAR = 2024


def one_through_school(county, code, year=YEAR):
    """A nine-year school: 300 primary and 200 junior pupils sharing one building (its facts are split)."""
    school = SchoolFactory(
        county=county, code=code, kind="nine_year", urban_rural_code="220", name="九年一贯制学校"
    )
    SchoolYearFactory(
        school=school,
        year=year,
        primary_students=300,
        junior_students=200,
        staff=40,
        teaching_area=2600,
        indoor_sports_area=400,
        sports_ground_area=4000,
        equipment_value=1_200_000,
        multimedia_rooms=12,
        computers=60,
        books=15000,
        music_rooms=1,
        art_rooms=1,
    )
    for i in range(12):
        TeacherFactory(school=school, year=year, stage="primary" if i < 7 else "junior", degree="bachelor")
    SchoolClassFactory(school=school, year=year, stage="primary", grade=1, students=58)
    SchoolClassFactory(school=school, year=year, stage="junior", grade=7, students=67)
    return school


def computed_county(county, schools=2, *, teachers=8, year=YEAR):
    made = [
        primary_school(county, f"{county.code}{i:04d}", 300 + 40 * i, teachers=teachers, year=year)
        for i in range(schools)
    ]
    made.append(one_through_school(county, f"{county.code}9001", year=year))
    runs.recompute_county(county.pk, year)
    return made


@pytest.fixture
def computed(county):
    return computed_county(county)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


DETAILED_REPORT = 2
PAGES = [
    lambda c: f"/counties/{c.code}/",
    lambda c: f"/counties/{c.code}/?year={YEAR}",
    lambda c: f"/indicators/counties/{c.code}/",
    lambda c: f"/counties/{c.code}/explain/quality_2017.primary.Q4.cv/?year={YEAR}",
    lambda c: f"/counties/{c.code}/explain/quality_2017.junior.schools.{c.code}9001.Q4/?year={YEAR}",
    lambda c: f"/schools/{c.code}9001/",
]


@pytest.mark.parametrize("which", range(len(PAGES)))
def test_every_page_opens_for_the_admin_the_city_official_and_the_countys_clerk(
    client, computed, county, admin_user, official, clerk, which
):
    url = PAGES[which](county)
    for user in (admin_user, official, clerk):
        assert get(client, user, url).status_code == 200, (user.username, url)


@pytest.mark.parametrize("which", range(len(PAGES)))
def test_another_countys_clerk_gets_404_on_every_page(client, computed, county, other_clerk, which):
    assert get(client, other_clerk, PAGES[which](county)).status_code == 404


def test_an_unknown_figure_or_a_county_without_results_has_no_explanation(
    client, computed, county, other_county, admin_user
):
    assert (
        get(client, admin_user, f"/counties/{county.code}/explain/quality_2017.primary.Q99.cv/").status_code
        == 404
    )
    assert (
        get(
            client, admin_user, f"/counties/{other_county.code}/explain/quality_2017.primary.Q4.cv/"
        ).status_code
        == 404
    )


def test_the_home_page_takes_a_clerk_to_the_county_dashboard_and_an_official_to_the_overview(
    client, county, clerk, official, admin_user
):
    assert get(client, clerk, "/")["Location"] == f"/counties/{county.code}/"
    assert get(client, official, "/")["Location"] == "/indicators/"
    assert get(client, admin_user, "/").status_code == 200  # no region of their own: the home page


def test_the_first_screen_gives_the_verdict_in_four_parts_and_the_headline_figures(
    client, computed, county, official
):
    page = get(client, official, f"/counties/{county.code}/").content.decode()
    for part in ("资源配置", "政府保障程度", "教育质量", "社会认可度"):
        assert part in page
    assert "2012综合差异系数" in page and "城乡本科学历教师比例之比" in page and "大班额 / 超大班额" in page
    # one card per indicator and stage, each with its chart of the schools against the threshold
    assert page.count('<article class="indicator-card') == 14
    assert len(re.findall(r'<figure class="chart chart-bar_threshold"', page)) == 14
    assert 'class="chart chart-histogram"' in page and 'class="chart chart-line_target"' in page
    # the school table links each school to its page and each value to how it was computed
    assert f'href="/schools/{county.code}9001/"' in page
    assert (
        f"/counties/{county.code}/explain/quality_2017.junior.schools.{county.code}9001.Q4/?year={YEAR}"
        in page
    )


def test_the_dashboard_says_when_and_under_which_rule_version_its_figures_were_computed(
    client, computed, county, clerk
):
    page = get(client, clerk, f"/counties/{county.code}/").content.decode()
    assert re.search(r"计算于 \d{4}-\d\d-\d\d \d\d:\d\d（规则版本 县域义务教育优质均衡（2017） v\d+）", page)
    assert "立即重新计算" in page  # the county's clerk may recompute
    assert f'action="/indicators/counties/{county.code}/recompute/"' in page


def test_the_official_above_sees_the_stamp_but_no_recompute_button(
    client, computed, county, official, admin_user
):
    assert "立即重新计算" not in get(client, official, f"/counties/{county.code}/").content.decode()
    assert "立即重新计算" in get(client, admin_user, f"/counties/{county.code}/").content.decode()


def test_the_official_above_sees_unreviewed_figures_marked_until_the_year_is_approved(
    client, computed, county, clerk, official
):
    assert "未审核" in get(client, official, f"/counties/{county.code}/").content.decode()
    assert "未审核" not in get(client, clerk, f"/counties/{county.code}/").content.decode()
    signoff_services.submit(user=clerk, county=county, year=YEAR)
    signoff_services.approve(user=official, county=county, year=YEAR)
    page = get(client, official, f"/counties/{county.code}/").content.decode()
    assert "已审核" in page and "未审核" not in page


def test_a_project_working_on_an_indicator_is_listed_on_its_card_and_in_the_report(
    client, computed, county, clerk, other_clerk
):
    plan = Plan.objects.create(
        slug="lanshan", title="兰山区优质均衡实施方案", region_code=county.code, region_name=county.name
    )
    Project.objects.create(plan=plan, title="兰山区生均教学用房扩建", county=county, indicator_code="Q1")
    for url in (f"/counties/{county.code}/", f"/indicators/counties/{county.code}/"):
        assert "兰山区生均教学用房扩建" in get(client, clerk, url).content.decode()


def test_the_dashboard_carries_the_data_quality_panel_of_its_year(client, computed, county, clerk):
    page = get(client, clerk, f"/counties/{county.code}/").content.decode()
    assert "数据质量 · 2024学年" in page
    assert f"/quality/counties/{county.code}/?year=2024" in page


def test_inputs_saved_after_the_computation_are_noticed(client, computed, county, clerk):
    SchoolYear.objects.filter(school__county=county).update(
        updated_at=timezone.now() + datetime.timedelta(minutes=1)
    )
    page = get(client, clerk, f"/counties/{county.code}/").content.decode()
    assert "计算之后数据又有修改" in page


def test_a_queued_recompute_after_a_data_change_is_noticed(client, computed, county, clerk):
    RecomputeRun.objects.create(
        status=RecomputeRun.Status.QUEUED, counties={str(county.pk): {"status": "queued"}}
    )
    page = get(client, clerk, f"/counties/{county.code}/").content.decode()
    assert "数据已更新，正在重新计算（排队中）" in page


def test_a_running_recompute_shows_its_progress_and_links_to_it(
    client, computed, county, other_county, clerk
):
    run = RecomputeRun.objects.create(
        status=RecomputeRun.Status.RUNNING,
        counties={str(county.pk): {"status": "done"}, str(other_county.pk): {"status": "queued"}},
    )
    page = get(client, clerk, f"/counties/{county.code}/").content.decode()
    assert "已完成 1 / 2 个区县（50%）" in page
    assert f'data-progress-url="/indicators/runs/{run.pk}/progress/"' in page


def test_a_one_through_schools_value_explains_its_inputs_their_sources_and_the_split(
    client, computed, county, official
):
    url = f"/counties/{county.code}/explain/quality_2017.junior.schools.{county.code}9001.Q4/?year={YEAR}"
    page = get(client, official, url).content.decode()
    assert "教学及辅助用房面积（m²）" in page and "2,600" in page
    assert "室内体育用房面积（m²）" in page and "400" in page
    assert f"学校学年数据表 · 九年一贯制学校 · {YEAR}学年" in page
    # weights 1.0 / 1.1: junior share = 1.1×200 ÷ (1.0×300 + 1.1×200) = 42.3 %
    assert "权重 小学 1，初中 1.1，高中 1.32" in page and "本学段分得 42.3%" in page
    assert "室内体育用房面积已从教学及辅助用房中扣除" in page
    assert "县域义务教育优质均衡（2017） v" in page


def test_the_drawer_gets_the_explanation_without_the_page_around_it(client, computed, county, official):
    url = f"/counties/{county.code}/explain/quality_2017.primary.Q1.cv/?year={YEAR}&partial=1"
    body = get(client, official, url).content.decode()
    assert "<html" not in body and "差异系数 = 标准差 ÷ 均值" in body and "加权标准差" in body


INTERNAL_KEYS = (
    "failing_schools",
    "over_limit：",
    "teacher_pay",
    "civil_servant_pay",
    "urban_nearby",
    "quality_2017.",
)


def test_no_internal_key_reaches_a_page(client, computed, county, official):
    for make in PAGES:
        page = get(client, official, make(county)).content.decode()
        text = re.sub(r"<[^>]+>", " ", page)  # ids in links and attributes are not read
        for key in INTERNAL_KEYS:
            assert key not in text, (make(county), key)


def test_the_school_page_shows_its_history_classes_teachers_shortfalls_and_rank(
    client, computed, county, clerk
):
    page = get(client, clerk, f"/schools/{county.code}9001/").content.decode()
    assert 'class="chart chart-small_multiples"' in page
    assert "班级与教师" in page and "全县排名" in page
    assert re.search(r"按达标项数在全县小学中排第 \d / 3", page)
    assert "计算于" in page


def test_english_pages_carry_no_chinese_verdict_stage_or_indicator_name(client, computed, county, official):
    client.force_login(official)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    names = sorted(School.objects.values_list("name", flat=True), key=len, reverse=True)
    for make in PAGES:
        text = re.sub(r"<[^>]+>", " ", client.get(make(county)).content.decode())
        for name in names:  # names of schools and counties are data, not words of the portal
            text = text.replace(name, "")
        text = text.replace(county.name, "")
        for word in (
            "未达标",
            "达标",
            "数据不全",
            "小学",
            "初中",
            "差异系数",
            "计算于",
            "规则版本",
            "人/百名学生",
        ):
            assert word not in text, (make(county), word)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("which", range(len(PAGES)))
def test_each_page_takes_at_most_15_queries_on_a_small_and_a_large_county(
    client, county, other_county, clerk, which
):
    computed_county(county, schools=2)
    computed_county(other_county, schools=30, teachers=3)
    large_clerk = type(clerk).objects.create(username="large-clerk", role="clerk", region=other_county)
    client.force_login(clerk)
    small = _queries(client, PAGES[which](county))
    client.force_login(large_clerk)
    large = _queries(client, PAGES[which](other_county))
    assert large == small
    if which != DETAILED_REPORT:  # its plan alerts are counted by the plans app (see the report)
        assert small <= 15, small
