"""The presenter: what people read of a report — numbers never shown on the wrong side of their limit,
shortfalls rounded up to what can be acted on, one sentence per failing item, no internal key, English complete,
and a "how computed" explanation behind every figure."""

import copy
import math
import re

import pytest
from django.utils import translation

from indicators import presenter
from indicators.presenter import numbers
from indicators.report.model import Report
from indicators.rules import BASIC_2012, QUALITY_2017, default_params
from tests.indicators.golden import GOLDEN_XLSX
from tests.indicators.workbook_reader import read_county
from tests.plans.conftest import make_report

HAN = re.compile(r"[\u3400-\u9fff]")
# keys and codes of the engine that must never reach a reader
INTERNAL = [
    "quality_2017",
    "basic_2012",
    "failing_schools",
    "small_schools",
    "special_schools",
    "appropriations",
    "over_limit",
    "teacher_pay",
    "civil_servant_pay",
    "urban_nearby",
    "town_nearby",
    "backbone_share",
    "not_reported",
    "central_west",
    "primary:",
    "junior:",
    "urban_rural_degree_ratio",
    "rate_vs_urban_quality",
    "None",
    "True",
    "False",
]


@pytest.fixture(scope="module")
def golden():
    from indicators import engine

    return engine.compute_report(
        read_county(GOLDEN_XLSX), default_params(QUALITY_2017), default_params(BASIC_2012)
    )


def report_with(**changes) -> Report:
    return Report.from_json(make_report(**changes))


# ---------------------------------------------------------------- numbers


def test_a_value_just_below_its_minimum_is_shown_with_the_digits_that_say_so():
    assert numbers.judged(0.996, 2, 1.0, ">=") == "0.996"
    assert numbers.judged(4.4996, 2, 4.5, ">=") == "4.4996"
    assert numbers.judged(0.99, 2, 1.0, ">=") == "0.99"


def test_a_cv_just_over_its_limit_does_not_read_as_within_it():
    assert numbers.judged(0.45004, 3, 0.45, "<=") == "0.45004"
    assert numbers.judged(0.512, 3, 0.45, "<=") == "0.512"
    assert numbers.judged(0.45, 3, 0.45, "<=") == "0.450"  # exactly the limit: within it


def test_a_passing_value_is_not_shown_as_failing_either():
    assert numbers.judged(0.14996, 3, 0.15, "<") == "0.14996"  # a rate below 0.15 passes
    assert numbers.judged(4.4999999995, 2, 4.5, ">=") == "4.50"  # within the engine's tolerance: met


def test_shortfalls_round_up_to_whole_units():
    assert numbers.up(367.2) == 368
    assert numbers.up(100890.9) == 100891
    assert numbers.up(8914.00000000001) == 8914  # float noise does not add a square metre
    assert numbers.up(3.0) == 3


def test_a_school_a_hair_below_the_minimum_shows_its_real_value_and_the_teacher_it_needs():
    school = {
        "code": "3713020001",
        "name": "兰山第一小学",
        "students": 803,
        "values": {"Q2": 0.9962640099626401},
        "met": 6,
        "pass": True,
        "shortfalls": {"Q2": {"value": 0.9962640099626401, "threshold": 1.0, "missing": 1.0, "unit": "人"}},
    }
    primary = make_report()["quality_2017"]["primary"]
    primary["indicators"]["Q2"] = {"mean": 1.2, "cv": 0.2, "threshold": 1.0, "cv_limit": 0.5, "cv_pass": True}
    primary["schools"] = [school]
    view = presenter.present(report_with(quality_2017__primary=primary))
    row = view.resource[0].schools[0]

    q2 = row.values[view.resource[0].codes.index("Q2")]
    assert q2.text == "0.996"
    (gap,) = row.shortfalls
    assert gap.text == "Q2：现值 0.996，标准 1，尚缺 1 人"


def test_area_and_money_shortfalls_are_rounded_up_to_a_square_metre_and_a_yuan():
    primary = make_report()["quality_2017"]["primary"]
    primary["schools"][0]["shortfalls"] = {
        "Q4": {"value": 3.9, "threshold": 4.5, "missing": 367.2, "unit": "m²"},
        "Q6": {"value": 1890.69, "threshold": 2000, "missing": 100890.9, "unit": "元"},
    }
    view = presenter.present(report_with(quality_2017__primary=primary))

    texts = [g.text for g in view.resource[0].schools[0].shortfalls]
    assert texts == ["Q4：现值 3.90，标准 4.5，尚缺 368 m²", "Q6：现值 1,890.69，标准 2000，尚缺 100,891 元"]


# ---------------------------------------------------------------- sentences


def test_each_failing_item_is_named_in_one_sentence():
    document = make_report()
    document["quality_2017"]["junior"] = {
        "units": 3,
        "indicators": {
            "Q2": {"mean": 1.1, "cv": 0.512, "threshold": 1.0, "cv_limit": 0.45, "cv_pass": False}
        },
        "schools": [],
        "schools_passing": 0,
        "pass": False,
    }
    view = presenter.present(Report.from_json(document))

    resource = view.part("resource")
    assert resource.mark.status == "fail"
    assert "初中 Q2 差异系数 0.512 > 0.45" in resource.sentences
    assert "小学 Q4 差异系数 0.620 > 0.5" in resource.sentences
    assert "小学 1 所学校资源配置未达标" in resource.sentences
    assert view.part("government").sentences == ["G5 班额：3个班超过标准班额"]


def test_a_share_below_its_threshold_reads_value_against_threshold(golden):
    view = presenter.present(golden)

    assert "E1 初中三年巩固率：94.4% < 95.0%" in view.part("quality").sentences
    assert "G12 教师资格持证上岗：98.8% < 100.0%" in view.part("government").sentences


def test_golden_failing_schools_are_counted_by_stage(golden):
    view = presenter.present(golden)
    failing = {s.key: len(s.failing_schools) for s in view.resource}

    assert f"小学 {failing['primary']} 所学校资源配置未达标" in view.failing
    assert f"初中 {failing['junior']} 所学校资源配置未达标" in view.failing


# ---------------------------------------------------------------- no internal keys, English complete


def _all_text(view) -> str:
    parts = [*view.failing, view.rule_set, str(view.overall)]
    for part in ("government", "quality", "recognition"):
        for row in view.items(part):
            parts += [row.label, row.summary, str(row.mark), *row.lines, row.sentence, row.value or ""]
    for stage in view.resource:
        for row in stage.indicators:
            parts += [row.label, row.mean.text, row.cv.text, row.threshold, row.limit, str(row.mark)]
        for school in stage.schools:
            parts += [g.text for g in school.shortfalls]
    parts += [c.label for c in view.class_size] + [a.stage_label for a in view.achievement]
    return "\n".join(parts)


def _strings(value) -> list[str]:
    """Every human-readable string of the API's readable summary (its keys and status words are the API's)."""
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("status", "part") for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_no_internal_key_reaches_what_people_read(golden):
    text = _all_text(presenter.present(golden))
    readable = "\n".join(_strings(presenter.readable(golden)))

    for key in INTERNAL:
        assert key not in text, key
        assert key not in readable, key


def test_in_english_no_chinese_word_is_left_but_the_names_of_places_and_schools(golden):
    with translation.override("en"):
        view = presenter.present(golden)
        text = _all_text(view)
    subjects = {a.subject for a in view.achievement}  # data, as the workbook names them
    names = set(view.names.values()) | {view.county_name} | subjects
    leftover = [line for line in text.splitlines() if HAN.search(line) and not any(n in line for n in names)]

    assert leftover == []
    assert "Junior secondary" in text or "Primary" in text


# ---------------------------------------------------------------- how computed


def _figure_ids(view) -> list[str]:
    ids = []
    for stage in view.resource:
        ids.append(stage.composite_cv.id)
        for row in stage.indicators:
            ids += [row.mean.id, row.cv.id]
        for school in stage.schools:
            ids += [school.id, *(v.id for v in school.values), *(g.id for g in school.shortfalls)]
    for part in ("government", "quality", "recognition"):
        ids += [row.id for row in view.items(part)]
    for basic in view.basic:
        ids.append(basic.composite_cv.id)
        for row in basic.rows:
            ids += [row.mean.id, row.cv.id]
    ids += [c.id for c in view.class_size]
    ids += [view.ratio.ratio.id, view.ratio.needed.id, *(s.ratio.id for s in view.ratio.stages)]
    for a in view.achievement:
        ids += [a.rate.id, *(s.rate.id for s in a.schools)]
    for s in view.staffing:
        ids += [s.student_teacher_ratio.id, s.staff_ratio.id]
    return ids


def test_every_figure_shown_explains_how_it_was_computed(golden):
    view = presenter.present(golden)
    ids = _figure_ids(view)

    assert len(ids) == len(set(ids)), "figure ids are unique"
    for figure_id in ids:
        explanation = presenter.explain(golden, figure_id)
        assert explanation is not None, figure_id
        assert explanation.formula and all(explanation.formula), figure_id


def test_a_cv_explains_its_formula_and_the_schools_driving_it(golden):
    explanation = presenter.explain(golden, "quality_2017.primary.Q1.cv")
    figure = golden.quality_2017.stages["primary"].indicators["Q1"]

    assert explanation.value == f"{figure.cv:.3f}"
    assert any("标准差" in line for line in explanation.formula)
    labels = {line.label: line.value for line in explanation.inputs}
    assert labels["纳入计算的学生数"] == f"{figure.detail.students:,.0f}"
    assert sum(1 for line in explanation.inputs if line.label == "对差异系数影响最大的学校") == 3


def test_a_teaching_area_explains_that_indoor_sports_rooms_were_deducted(golden):
    school = golden.quality_2017.stages["primary"].schools[0]
    explanation = presenter.explain(
        golden, f"quality_2017.primary.schools.{school.code}.Q4", default_params(QUALITY_2017)
    )

    assert "室内体育用房面积已从教学及辅助用房中扣除" in explanation.notes
    assert explanation.value == f"{school.values['Q4']:.2f}"


def test_an_unknown_figure_has_no_explanation(golden):
    assert presenter.explain(golden, "quality_2017.primary.Q9.cv") is None
    assert presenter.explain(golden, "nothing") is None


# ---------------------------------------------------------------- the project prefill


def _two_stage_report() -> Report:
    document = make_report()
    junior = copy.deepcopy(document["quality_2017"]["primary"])
    junior["schools"][0]["code"] = "3713020009"
    junior["schools"][0]["name"] = "兰山第一中学"
    document["quality_2017"]["junior"] = junior
    return Report.from_json(document)


def test_a_schools_prefill_has_its_own_stage_only_and_the_shortfall_as_on_the_dashboard():
    text = presenter.prefill(_two_stage_report(), "Q4", "3713020001")

    assert text == "兰山第一小学（小学）Q4 生均教学及辅助用房面积（m²）：现值 3.90，标准 4.5，尚缺 368 m²"


def test_a_county_prefill_names_the_stage_where_the_cv_fails():
    document = make_report()
    document["quality_2017"]["junior"] = {
        "units": 2,
        "indicators": {"Q4": {"mean": 6.0, "cv": 0.2, "threshold": 5.8, "cv_limit": 0.45, "cv_pass": True}},
        "schools": [],
    }
    text = presenter.prefill(Report.from_json(document), "Q4")

    assert text.splitlines() == [
        "小学 Q4 生均教学及辅助用房面积（m²）：全县均值 4.100，差异系数 0.620（上限 0.5）"
    ]


def test_a_ratio_prefill_gives_the_ratio_its_target_and_the_teachers_needed():
    lines = presenter.prefill(report_with(), "urban_rural_degree_ratio").splitlines()

    assert lines == [
        "城乡义务教育教师本科及以上学历比例之比：1.081",
        "目标 ≤ 1.05",
        "需增加本科及以上学历乡村教师 14 人",
    ]
    assert not math.isnan(float(lines[0].split("：")[1]))
