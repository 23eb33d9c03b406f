"""The one-phrase summaries beside each government and quality item in the report tables."""

from indicators.labels import item_summary


def test_shares_with_a_fraction_threshold_are_shown_as_percentages():
    assert item_summary("G12", {"pass": False, "value": 0.985, "threshold": 1.0}) == "98.5%"


def test_county_inputs_already_in_percent_are_not_multiplied_again():
    assert item_summary("G14", {"pass": True, "value": 52.1, "threshold": 50}) == "52.1%"


def test_small_schools_count_those_funded_below_the_hundred_pupil_rate_or_not_reported():
    small = [
        {"code": "a", "students": 40, "funds": 65000.0, "required": 65000.0},
        {"code": "b", "students": 60, "funds": 30000.0, "required": 65000.0},
        {"code": "c", "students": 80, "funds": None, "required": 65000.0},
    ]
    assert item_summary("G6", {"pass": False, "small_schools": small}) == "不足100人学校3所，拨款不足2所"


def test_a_missing_county_input_says_not_reported_rather_than_zero():
    assert item_summary("G8", {"pass": None, "teacher_pay": None, "civil_servant_pay": 96402}) == "未填报"
    assert item_summary("G15", {"pass": None, "value": None, "threshold": 85}) == "未填报"
