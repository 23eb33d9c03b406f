"""The golden county through the pure formulas, read straight from the workbook (no importer, no database)."""

from indicators.formulas import compute_report
from indicators.rules import BASIC_2012, QUALITY_2017, default_params
from tests.indicators.golden import GOLDEN_XLSX, differences, expected_report
from tests.indicators.workbook_reader import read_county


def test_golden_county_report_matches_the_independent_implementation():
    data = read_county(GOLDEN_XLSX)
    report = compute_report(data, default_params(QUALITY_2017), default_params(BASIC_2012))

    assert differences(expected_report(), report) == []


def test_golden_county_fails_resource_part_because_schools_fall_short_not_because_of_cvs():
    report = compute_report(
        read_county(GOLDEN_XLSX), default_params(QUALITY_2017), default_params(BASIC_2012)
    )
    q = report["quality_2017"]

    assert q["verdict"]["resource"] == "fail"
    assert all(
        not item.endswith(("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"))
        for item in q["failing_items"]["resource"]
    )
    assert report["urban_rural_degree_ratio"]["pass"] is False
    assert report["urban_rural_degree_ratio"]["rural_teachers_needed"] > 0
