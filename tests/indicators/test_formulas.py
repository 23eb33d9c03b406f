"""Pure formulas of spec/indicators.md, checked against published worked examples and hand-derived figures."""

import csv
import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from indicators.engine import (
    CountyData,
    achievement_rates,
    basic_values,
    class_size_counts,
    class_size_summary,
    compute_report,
    degree_ratio,
    funding_rate,
    quality_values,
    required_appropriation,
    rural_teachers_needed,
    school_pass,
    shortfalls,
    stage_share,
    unit_included,
    unit_stages,
    weighted_cv,
)
from indicators.rules import BASIC_2012, QUALITY_2017, default_params
from tests.indicators.golden import PUBLISHED

Q17 = default_params(QUALITY_2017)
B12 = default_params(BASIC_2012)
WEIGHTS = Q17["split_weights"]


# ---------------------------------------------------------------- published examples


def test_books_per_pupil_of_the_published_five_school_example_gives_cv_0_515():
    rows = (
        CalamineWorkbook.from_path(str(PUBLISHED / "books5-2012.xlsx"))
        .get_sheet_by_name("学校学年数据")
        .to_python()
    )
    header = rows[0]
    records = [dict(zip(header, r, strict=False)) for r in rows[1:]]
    schools = [
        {"code": str(i), "kind": "primary", "primary_students": r["小学在校生数"], "books": r["图书册数"]}
        for i, r in enumerate(records)
    ]
    values = [basic_values(s, "primary", {}, B12)["B5"] for s in schools]
    mean, sd, cv = weighted_cv(values, [s["primary_students"] for s in schools])

    assert mean == pytest.approx(6.3344, abs=5e-5)
    assert sd == pytest.approx(3.264, abs=5e-4)
    assert cv == pytest.approx(0.5153, abs=5e-5)


def test_unweighted_or_sample_cv_would_not_give_the_published_figure():
    students, books = [45, 37, 89, 76, 55], [279, 137, 935, 160, 402]
    values = [b / p for b, p in zip(books, students, strict=True)]
    _, _, weighted = weighted_cv(values, students)
    _, _, unweighted = weighted_cv(values, [1] * 5)

    assert round(weighted, 3) == 0.515
    assert round(unweighted, 3) == 0.489


def test_published_split_of_a_nine_year_schools_books():
    with open(PUBLISHED / "split_example_nine_year_school.csv", encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    students = {"primary": int(row["primary_students"]), "junior": int(row["junior_students"])}
    books = int(row["books_total_whole_school"])

    primary = books * stage_share(students, "primary", WEIGHTS)
    junior = books * stage_share(students, "junior", WEIGHTS)

    # published: 9 711.6 printed as 9 711 and the rest, 13 514.4, as 13 515 so the two add up to the whole.
    assert primary == pytest.approx(9711.6, abs=0.05)
    assert junior == pytest.approx(13514.4, abs=0.05)
    assert math.floor(primary) == int(row["primary_books_published"])
    assert books - math.floor(primary) == int(row["junior_books_published"])


def test_split_by_plain_enrolment_is_the_alternative_setting():
    students = {"primary": 166, "junior": 210}
    assert stage_share(students, "primary", "enrolment") == pytest.approx(166 / 376)


def test_senior_pupils_take_their_weighted_share_of_a_complete_secondary_school():
    students = {"junior": 848, "senior": 1311}
    assert stage_share(students, "junior", WEIGHTS) == pytest.approx(1.1 * 848 / (1.1 * 848 + 1.32 * 1311))


def _published_2012_rows():
    with open(PUBLISHED / "county_cv_2012_8_indicators.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", _published_2012_rows(), ids=lambda r: f"{r['county']}-{r['level']}")
def test_published_2012_composite_is_the_mean_of_the_eight_cvs(row):
    from indicators.engine import mean_or_none

    cvs = [float(row[f"cv_L{i}"]) for i in range(1, 9)]
    composite, published = mean_or_none(cvs), float(row["cv_composite_published"])
    # 22 of the 23 tables are within ±0.0007; 永川区 小学 prints 0.562 for a mean of 0.56275 (truncated).
    assert abs(composite - published) <= 0.0007 or math.floor(composite * 1000) / 1000 == published


# ---------------------------------------------------------------- CV properties

values_st = st.lists(
    st.tuples(st.floats(0.01, 1e4, allow_nan=False), st.integers(1, 5000)), min_size=2, max_size=30
)


@given(values_st, st.randoms())
def test_cv_does_not_depend_on_the_order_of_units(pairs, rnd):
    shuffled = pairs[:]
    rnd.shuffle(shuffled)
    _, _, a = weighted_cv([x for x, _ in pairs], [w for _, w in pairs])
    _, _, b = weighted_cv([x for x, _ in shuffled], [w for _, w in shuffled])
    assert a == pytest.approx(b, rel=1e-9, abs=1e-12)


@given(values_st, st.floats(0.001, 1000))
def test_cv_does_not_depend_on_the_unit_of_measure(pairs, factor):
    _, _, a = weighted_cv([x for x, _ in pairs], [w for _, w in pairs])
    _, _, b = weighted_cv([x * factor for x, _ in pairs], [w for _, w in pairs])
    assert a == pytest.approx(b, rel=1e-6, abs=1e-9)


@given(st.floats(0.01, 1e4), st.lists(st.integers(1, 5000), min_size=2, max_size=30))
def test_cv_is_zero_when_every_unit_has_the_same_value(value, weights):
    _, _, cv = weighted_cv([value] * len(weights), weights)
    assert cv == pytest.approx(0, abs=1e-9)


@given(st.floats(0, 1e4), st.integers(1, 5000))
def test_a_single_unit_has_no_cv(value, weight):
    mean, _, cv = weighted_cv([value], [weight])
    assert cv is None
    assert mean == pytest.approx(value)


def test_cv_is_null_when_the_mean_is_zero():
    assert weighted_cv([0.0, 0.0, 0.0], [10, 20, 30])[2] is None


@given(st.lists(st.floats(0.01, 1e3), min_size=3, max_size=10, unique=True))
def test_enrolment_weights_change_the_cv(values):
    assume(max(values) - min(values) > 1e-3)
    _, _, even = weighted_cv(values, [1] * len(values))
    heavy = [1] * len(values)
    heavy[values.index(max(values))] = 1000
    _, _, skewed = weighted_cv(values, heavy)
    assert not math.isclose(even, skewed, rel_tol=1e-6)


# ---------------------------------------------------------------- units


def school(**kw):
    base = {
        "code": "0000000001",
        "kind": "primary",
        "ownership": "public",
        "urban_rural_code": "111",
        "primary_students": 600,
    }
    return {**base, **kw}


def test_nine_year_school_contributes_a_primary_and_a_junior_unit():
    assert unit_stages(school(kind="nine_year", junior_students=300)) == ["primary", "junior"]


def test_nine_year_school_without_junior_pupils_contributes_only_a_primary_unit():
    assert unit_stages(school(kind="nine_year", junior_students=0)) == ["primary"]


def test_complete_secondary_school_contributes_a_junior_unit_only():
    assert unit_stages(school(kind="complete_secondary", primary_students=0, junior_students=500)) == [
        "junior"
    ]


def test_small_teaching_points_and_special_schools_are_left_out_of_2017_resource_indicators():
    assert unit_included(school(kind="teaching_point", primary_students=49), Q17) is False
    assert unit_included(school(kind="teaching_point", primary_students=50), Q17) is True
    assert unit_included(school(kind="special"), Q17) is False
    assert unit_included(school(ownership="private"), Q17) is True


def test_2012_standard_leaves_out_private_schools_and_every_teaching_point():
    assert unit_included(school(ownership="private"), B12) is False
    assert unit_included(school(kind="teaching_point", primary_students=300), B12) is False


# ---------------------------------------------------------------- unit values


def test_quality_values_of_a_primary_unit_by_hand():
    s = school(
        primary_students=400,
        teaching_area=2200,
        indoor_sports_area=200,
        sports_ground_area=2800,
        equipment_value=900000,
        multimedia_rooms=10,
    )
    teachers = {"associate_plus": 20, "bachelor_plus": 12, "backbone": 5, "pe_art": 4}
    v = quality_values(s, "primary", teachers, Q17)

    assert v == pytest.approx({"Q1": 5.0, "Q2": 1.25, "Q3": 1.0, "Q4": 5.0, "Q5": 7.5, "Q6": 2250, "Q7": 2.5})


def test_junior_unit_counts_only_bachelor_teachers_as_above_the_required_degree():
    s = school(kind="junior", primary_students=None, junior_students=200)
    v = quality_values(s, "junior", {"associate_plus": 20, "bachelor_plus": 12}, Q17)
    assert v["Q1"] == pytest.approx(6.0)


def test_teaching_area_keeps_indoor_sports_rooms_when_the_setting_is_off():
    s = school(primary_students=100, teaching_area=600, indoor_sports_area=100, sports_ground_area=0)
    params = {**Q17, "teaching_area_excludes_indoor_sports": False}
    assert quality_values(s, "primary", {}, params)["Q4"] == pytest.approx(6.0)
    assert quality_values(s, "primary", {}, Q17)["Q4"] == pytest.approx(5.0)


def test_unreported_area_is_null_not_zero():
    assert quality_values(school(), "primary", {}, Q17)["Q4"] is None


def test_basic_values_of_a_unit_by_hand():
    s = school(primary_students=500, computers=60, books=15000)
    v = basic_values(s, "primary", {"full_time": 30, "associate_plus": 29, "mid_title": 15}, B12)
    assert (v["B4"], v["B5"], v["B6"], v["B7"], v["B8"]) == pytest.approx((12, 30, 0.06, 0.058, 0.03))


# ---------------------------------------------------------------- school pass


T = Q17["thresholds"]["primary"]


def test_school_meeting_six_of_seven_with_the_seventh_above_85_percent_passes():
    values = {**T, "Q3": 0.9 * 0.86}
    assert school_pass(values, T) == (6, True)


def test_school_meeting_six_but_with_one_below_85_percent_fails():
    values = {**T, "Q3": 0.9 * 0.8}
    assert school_pass(values, T) == (6, False)


def test_school_meeting_five_fails_even_when_all_are_above_85_percent():
    values = {**T, "Q3": 0.9 * 0.9, "Q7": 2.3 * 0.9}
    assert school_pass(values, T) == (5, False)


def test_shortfalls_are_in_teachers_square_metres_and_rooms():
    values = {**T, "Q1": 4.0, "Q4": 4.0, "Q7": 2.0}
    out = shortfalls(values, T, 612)
    assert out["Q1"].missing == math.ceil(0.2 * 612 / 100)  # 2 teachers
    assert out["Q4"].missing == pytest.approx(0.5 * 612)
    assert out["Q4"].unit == "m²"
    assert out["Q7"].missing == 2
    assert set(out) == {"Q1", "Q4", "Q7"}


# ---------------------------------------------------------------- class size


def test_class_size_counts_large_and_super_large_classes():
    c = class_size_counts([40, 45, 46, 55, 56, 65, 66, 70], limit=45)
    assert c == {"classes": 8, "students": 443, "over_limit": 6, "large": 4, "super_large": 2, "max": 70}


def test_class_size_summary_pools_schools_and_gives_shares():
    a = class_size_counts([50, 40], 45)
    b = class_size_counts([56, 40], 45)
    s = class_size_summary([a, b], 45)
    assert (s.classes, s.over_limit, s.large, s.max) == (4, 2, 1, 56)
    assert s.over_limit_share == 0.5 and s.large_share == 0.25


# ---------------------------------------------------------------- urban-rural ratio


def test_degree_ratio_pools_urban_and_rural_codes():
    groups = {
        "111": {"full_time": 100, "bachelor_plus": 90},
        "121": {"full_time": 50, "bachelor_plus": 40},
        "220": {"full_time": 50, "bachelor_plus": 30},
    }
    r = degree_ratio(groups, ["111", "112"], ["121", "122", "123", "210", "220"])
    assert r.ratio == pytest.approx(0.9 / 0.7)
    # 0.9 / 1.05 * 100 = 85.71 → 86 rural teachers with 本科, 70 today
    assert rural_teachers_needed(r, 1.05) == 16


def test_degree_ratio_is_null_without_rural_teachers():
    r = degree_ratio({"111": {"full_time": 10, "bachelor_plus": 9}}, ["111"], ["220"])
    assert r.ratio is None
    assert rural_teachers_needed(r, 1.05) is None


# ---------------------------------------------------------------- achievement


def test_achievement_rate_against_urban_quality_schools():
    rows = [
        {"code": "A", "tested": 100, "mean": 90, "reference": True},
        {"code": "B", "tested": 300, "mean": 80, "reference": True},
        {"code": "C", "tested": 200, "mean": 70, "reference": False},
        {"code": "D", "tested": 100, "mean": 85, "reference": False},
    ]
    r = achievement_rates(rows)
    assert r.reference_mean == pytest.approx(82.5)
    c, d = r.schools
    assert c.rate_vs_urban_quality == pytest.approx(12.5 / 82.5)
    assert c.passed is False  # 0.1515 ≥ 0.15
    assert d.rate_vs_urban_quality < 0 and d.passed is True
    _, _, cv = weighted_cv([90, 80, 70, 85], [100, 300, 200, 100])
    assert r.inter_school_difference_rate == pytest.approx(cv)


def test_achievement_rate_is_null_without_reference_schools():
    r = achievement_rates([{"code": "C", "tested": 10, "mean": 70, "reference": False}])
    assert r.reference_mean is None
    assert r.schools[0].rate_vs_urban_quality is None


# ---------------------------------------------------------------- funding


def test_shandong_is_priced_at_the_eastern_rate_and_henan_at_the_central_rate():
    assert funding_rate("371302", 2024, Q17)["primary"] == 650
    assert funding_rate("410102", 2024, Q17)["junior"] == 800


def test_small_school_is_funded_as_if_it_had_100_pupils_plus_boarders():
    rate = funding_rate("371302", 2024, Q17)
    assert required_appropriation({"primary": 60}, 10, rate, Q17) == 650 * 100 + 200 * 10


# ---------------------------------------------------------------- verdict


def _minimal_county(**kw):
    return CountyData(
        county_code="371302",
        county_name="兰山区",
        year=2024,
        schools=[
            school(code="1", primary_students=400),
            school(code="2", primary_students=500),
        ],
        **kw,
    )


def test_missing_county_inputs_make_parts_incomplete_never_pass():
    teachers = {"associate_plus": 30, "backbone": 10, "pe_art": 10}
    report = compute_report(
        _minimal_county(teachers={("1", "primary"): teachers, ("2", "primary"): teachers}), Q17, B12
    )
    verdict = report.verdict
    assert verdict.parts["quality"] == "incomplete"
    assert verdict.parts["recognition"] == "incomplete"
    assert verdict.parts["resource"] == "incomplete"  # teachers suffice, areas not reported
    assert verdict.passed is None


def test_a_known_failure_beats_a_missing_input():
    report = compute_report(_minimal_county(county_year={"recognition": 80}), Q17, B12)
    assert report.verdict.parts["recognition"] == "fail"
    assert report.quality_2017.recognition["S1"].value == 80


def test_teacher_training_unreported_for_some_is_incomplete_but_a_known_gap_fails():
    def g9(trained, reported, full_time=10):
        t = {"full_time": full_time, "trained": trained, "training_reported": reported}
        data = _minimal_county(teachers={("1", "primary"): t})
        return compute_report(data, Q17, B12).quality_2017.government["G9"].passed

    assert g9(trained=8, reported=8) is None
    assert g9(trained=8, reported=9) is False
    assert g9(trained=10, reported=10) is True


def test_a_county_without_junior_units_is_judged_on_its_primary_units():
    teachers = {"associate_plus": 30, "backbone": 10, "pe_art": 10}
    full = {"teaching_area": 3000, "indoor_sports_area": 0, "sports_ground_area": 5000}
    full |= {"equipment_value": 1.5e6, "multimedia_rooms": 20}
    data = CountyData(
        county_code="371302",
        county_name="兰山区",
        year=2024,
        schools=[
            school(code="1", primary_students=400, **full),
            school(code="2", primary_students=500, **full),
        ],
        teachers={("1", "primary"): teachers, ("2", "primary"): teachers},
    )
    report = compute_report(data, Q17, B12)
    assert report.quality_2017.stages["junior"].units == 0
    assert report.verdict.parts["resource"] == "pass"
