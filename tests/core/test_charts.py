"""Chart specs (core/charts.py) and their include: what a reader of the chart or its table would notice —
rounding that never flips a verdict, best-first order, bins that fall on the class-size limits, targets met or
missed, and one table row per number drawn."""

import json
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from core import charts


def shown(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


# ---------------------------------------------------------------- rounding against a threshold


@pytest.mark.parametrize(
    ("value", "threshold", "direction", "digits"),
    [
        (0.996, 1.0, charts.MIN, 2),  # "1.00" would read as meeting a minimum of 1
        (4.4999, 4.5, charts.MIN, 2),
        (0.4504, 0.45, charts.MAX, 3),  # "0.450" would read as within a limit of 0.45
        (1.0501, 1.05, charts.MAX, 2),
        (55.6, 56, charts.MIN, 0),
    ],
)
def test_a_value_that_misses_its_threshold_is_never_displayed_as_meeting_it(
    value, threshold, direction, digits
):
    text = charts.display_number(value, digits, threshold=threshold, direction=direction)
    assert charts.meets(shown(text), threshold, direction) is False
    assert len(text.split(".")[-1]) > digits  # it took more digits to say so


@pytest.mark.parametrize(
    ("value", "threshold", "direction", "digits"),
    [(4.5, 4.5, charts.MIN, 0), (0.45, 0.45, charts.MAX, 3), (2.04999, 2.05, charts.MAX, 1)],
)
def test_a_value_that_meets_its_threshold_is_never_displayed_as_missing_it(
    value, threshold, direction, digits
):
    text = charts.display_number(value, digits, threshold=threshold, direction=direction)
    assert charts.meets(shown(text), threshold, direction) is True


def test_a_value_far_from_its_threshold_keeps_the_digits_asked_for():
    assert charts.display_number(3.14159, 2, threshold=4.5) == f"{3.14159:.2f}"


def test_large_values_are_grouped_and_missing_ones_shown_as_a_dash():
    assert charts.display_number(1234567.891, 0) == "1,234,568"
    assert charts.display_number(None, 2) == "—"
    assert charts.display_number(float("nan"), 2) == "—"


def test_database_decimals_become_plain_json_numbers():
    spec = charts.bar_against_threshold("面积", "m²", [("甲", Decimal("4.75"), None)], Decimal("4.5"))
    data = json.loads(json.dumps(spec["data"]))
    assert data["rows"][0]["value"] == 4.75
    assert data["threshold"]["value"] == 4.5


def test_a_share_just_below_a_target_is_not_shown_as_reaching_it():
    assert shown(charts.display_percent(0.296, 0, threshold=0.30)) < 30
    assert charts.display_percent(0.5, 0) == "50%"


# ---------------------------------------------------------------- (a) schools against a threshold

SCHOOLS = [("甲小学", 4.2, None), ("乙小学", 6.1, None), ("丙小学", None, None), ("丁小学", 4.5, None)]


def test_schools_are_sorted_best_first_with_missing_values_last():
    rows = charts.bar_against_threshold("面积", "m²", SCHOOLS, 4.5)["data"]["rows"]
    values = [r["value"] for r in rows]
    present = [v for _name, v, _p in SCHOOLS if v is not None]
    assert values == sorted(present, reverse=True) + [None]


def test_for_a_limit_the_lowest_value_comes_first():
    rows = charts.bar_against_threshold("班额", "人", SCHOOLS, 45, direction=charts.MAX)["data"]["rows"]
    present = [r["value"] for r in rows if r["value"] is not None]
    assert present == sorted(present)


def test_pass_is_read_from_the_threshold_unless_the_engine_gave_it():
    spec = charts.bar_against_threshold("面积", "m²", [*SCHOOLS, ("戊小学", 5.0, False)], 4.5)
    verdict = {r["label"]: r["pass"] for r in spec["data"]["rows"]}
    assert verdict["乙小学"] is True and verdict["丁小学"] is True and verdict["甲小学"] is False
    assert verdict["丙小学"] is None
    assert verdict["戊小学"] is False  # the engine's verdict wins (e.g. a rule beyond the value)


def test_the_table_has_one_row_per_bar_with_the_same_label_and_figure():
    spec = charts.bar_against_threshold("面积", "m²", SCHOOLS, 4.5)
    table = spec["table"]["rows"]
    assert [(row[0]["text"], row[1]["text"]) for row in table] == [
        (r["label"], r["display"]) for r in spec["data"]["rows"]
    ]
    assert [row[2]["status"] for row in table] == [
        {True: "pass", False: "fail", None: None}[r["pass"]] for r in spec["data"]["rows"]
    ]


# ---------------------------------------------------------------- (d) counties ranked


def test_counties_are_ranked_lowest_cv_first_and_ties_share_a_rank():
    rows = [
        ("甲", 0.41, None),
        ("乙", 0.38, None),
        ("丙", 0.41, None),
        ("丁", None, None),
        ("戊", 0.52, None),
    ]
    ranked = charts.ranked_bars("综合差异系数", "", rows, threshold=0.45, direction=charts.MAX, digits=3)
    data = ranked["data"]["rows"]
    assert [r["label"] for r in data][0] == "乙"
    assert [r["rank"] for r in data if r["value"] == 0.41] == [2, 2]
    assert next(r["rank"] for r in data if r["label"] == "戊") == 4
    assert data[-1]["label"] == "丁" and data[-1]["rank"] is None
    assert [r["pass"] for r in data if r["label"] == "戊"] == [False]


def test_without_a_threshold_the_ranking_has_no_verdict_column():
    spec = charts.ranked_bars("学校数", "所", [("甲", 30), ("乙", 12)], digits=0)
    assert len(spec["table"]["columns"]) == 3
    assert spec["data"]["threshold"] is None


# ---------------------------------------------------------------- (b) histogram


CLASS_SIZES = [38, 44, 45, 46, 50, 51, 56, 60, 65, 66, 70]
LIMITS = [(45, "小学"), (50, "初中")]
BANDS = [(56, 65, "大班额"), (66, None, "超大班额")]


def test_every_class_is_counted_once_in_the_bin_that_holds_its_size():
    bins = charts.histogram("班额", "人", CLASS_SIZES, limits=LIMITS, bands=BANDS)["data"]["bins"]
    assert sum(b["count"] for b in bins) == len(CLASS_SIZES)
    for size in CLASS_SIZES:
        holding = [b for b in bins if b["from"] <= size <= b["to"]]
        assert len(holding) == 1
        assert holding[0]["count"] == sum(holding[0]["from"] <= s <= holding[0]["to"] for s in CLASS_SIZES)


def test_the_limits_fall_between_bins_and_the_bands_start_a_bin():
    bins = charts.histogram("班额", "人", CLASS_SIZES, limits=LIMITS, bands=BANDS)["data"]["bins"]
    ends = {b["to"] for b in bins}
    starts = {b["from"] for b in bins}
    assert {45, 50} <= ends
    assert {56, 66} <= starts
    assert {b["band"] for b in bins if b["from"] >= 66} == {"超大班额"}
    assert {b["band"] for b in bins if 56 <= b["from"] <= 65} == {"大班额"}


def test_the_axis_reaches_the_limits_even_when_every_class_is_small():
    bins = charts.histogram("班额", "人", [30, 32, 35], limits=LIMITS, bands=BANDS)["data"]["bins"]
    assert bins[-1]["to"] >= 66
    assert sum(b["count"] for b in bins) == 3


def test_a_histogram_refuses_fractional_sizes():
    with pytest.raises(ValueError):
        charts.histogram("班额", "人", [45.5])


# ---------------------------------------------------------------- (c) trend and plan trajectory


def test_a_deadline_after_the_last_year_extends_the_axis_to_it():
    spec = charts.line_against_target(
        "城乡学历比",
        "",
        [2022, 2023, 2024],
        [("小学", [1.1, 1.08, 1.06])],
        planned=[("规划", [None, None, 1.06, 1.05, 1.04])],
        target=1.05,
        direction=charts.MAX,
        deadline=2026,
    )
    data = spec["data"]
    assert data["x"] == ["2022", "2023", "2024", "2025", "2026"]
    assert data["deadline"]["x"] == "2026"
    actual, planned = data["series"]
    assert actual["values"][-2:] == [None, None] and actual["planned"] is False
    assert planned["planned"] is True
    assert [row[0]["text"] for row in spec["table"]["rows"]] == data["x"]
    assert actual["pass"][:3] == [False, False, False]


def test_a_series_longer_than_its_axis_is_refused():
    with pytest.raises(ValueError):
        charts.line_against_target("x", "", [2023], [("a", [1, 2])])


# ---------------------------------------------------------------- (e) progress against targets


def test_targets_are_met_missed_or_not_yet_due():
    spec = charts.progress_against_targets(
        "达标区县比例",
        [(2022, 0.1), (2023, 0.35), (2024, 0.5)],
        [(2023, 0.3), (2024, 0.6), (2027, 0.8), (2022, 0.05)],
    )
    met = {g["x"]: g["met"] for g in spec["data"]["targets"]}
    assert met == {2022: True, 2023: True, 2024: False, 2027: None}


def test_a_target_reached_early_is_met_before_its_year():
    spec = charts.progress_against_targets("达标区县比例", [(2024, 0.32)], [(2027, 0.3)])
    assert spec["data"]["targets"][0]["met"] is True


def test_each_share_is_displayed_against_the_next_target_due():
    spec = charts.progress_against_targets("达标区县比例", [(2025, 0.296)], [(2027, 0.30), (2030, 0.8)])
    assert shown(spec["data"]["actual"][0]["display"]) < 30


# ---------------------------------------------------------------- (f) small multiples


def test_small_multiples_have_one_table_row_per_indicator_and_one_column_per_year():
    years = [2022, 2023, 2024]
    spec = charts.small_multiples(
        "七项指标",
        years,
        [
            charts.panel("骨干教师数", "人/百名学生", [0.9, 0.996], threshold=1.0),
            charts.panel("生均教学仪器设备值", "元", [1900, 2100, 2300], threshold=2000, digits=0),
        ],
    )
    assert [len(row) for row in spec["table"]["rows"]] == [2 + len(years)] * 2
    first = spec["data"]["panels"][0]
    assert first["values"] == [0.9, 0.996, None]  # padded to the shared years
    assert shown(first["display"][1]) < 1.0
    assert first["pass"] == [False, False, None]


# ---------------------------------------------------------------- ids and the include


def test_chart_ids_are_stable_distinct_per_title_and_can_be_chosen():
    first = charts.ranked_bars("甲", "", [("a", 1)])
    assert first["id"] == charts.ranked_bars("甲", "", [("b", 2)])["id"]
    assert first["id"] != charts.ranked_bars("乙", "", [("a", 1)])["id"]
    assert charts.ranked_bars("甲", "", [("a", 1)], key="cv-primary")["id"] == "chart-cv-primary"


def test_the_include_renders_the_figure_its_json_and_a_table_of_every_number():
    spec = charts.bar_against_threshold("生均面积", "m²", SCHOOLS, 4.5)
    html = render_to_string("includes/chart.html", {"chart": spec})
    assert f'data-chart="{spec["id"]}"' in html
    assert f'<script id="{spec["id"]}" type="application/json">' in html
    assert html.count('<th scope="row">') == len(spec["data"]["rows"])
    for row in spec["data"]["rows"]:
        assert row["display"] in html
    assert "hidden>" in html  # the table toggle waits for the script to draw the chart
    assert "<script>" not in html and "<script src" not in html  # nothing inline: CSP script-src 'self'


def test_the_include_speaks_english_when_the_page_does():
    with translation.override("en"):
        spec = charts.bar_against_threshold("Area", "m²", SCHOOLS, 4.5)
        html = render_to_string("includes/chart.html", {"chart": spec})
    assert "Show table" in html and "Hide table" in html
    assert "Met?" in html and ">Met<" in html
    assert "显示数据表" not in html
