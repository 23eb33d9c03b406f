"""The one-phrase summaries of government, quality and recognition items, as the inspection tables word them."""

from indicators.presenter.items import summary
from indicators.report.model import Item


def phrase(code, **facts):
    return summary(Item(code, facts.pop("passed", None), facts))


def test_shares_with_a_fraction_threshold_are_shown_as_percentages():
    assert phrase("G12", passed=False, value=0.985, threshold=1.0) == "98.5%"


def test_county_inputs_already_in_percent_are_not_multiplied_again():
    assert phrase("G14", passed=True, value=52.1, threshold=50) == "52.1%"


def test_small_schools_count_those_funded_below_the_hundred_pupil_rate_or_not_reported():
    small = [
        {"code": "1", "students": 30, "funds": 70000, "required": 65000},
        {"code": "2", "students": 20, "funds": 50000, "required": 65000},
        {"code": "3", "students": 10, "funds": None, "required": 65000},
    ]
    assert phrase("G6", passed=False, small_schools=small) == "不足100人学校3所，拨款不足2所"


def test_a_missing_county_input_says_not_reported_rather_than_zero():
    assert phrase("G8", teacher_pay=None, civil_servant_pay=96402) == "未填报"
    assert phrase("G15", value=None, threshold=85) == "未填报"


def test_a_share_just_below_its_threshold_is_not_rounded_up_to_it():
    assert phrase("G12", passed=False, value=0.99996, threshold=1.0) == "99.996%"
