"""Stored results are encoded with orjson; values it cannot encode fall back instead of failing the recompute."""

import json
from decimal import Decimal

from indicators.jsonenc import FastJSONEncoder, dumps


def test_report_values_round_trip_with_chinese_keys_and_nulls():
    report = {"achievement": {"primary": {"数学": {"rate": 0.139, "pass": True, "mean": None}}}, "units": 25}
    assert json.loads(dumps(report)) == report


def test_a_decimal_from_a_model_field_does_not_break_the_store():
    assert json.loads(json.dumps({"value": Decimal("4.50")}, cls=FastJSONEncoder)) == {"value": "4.50"}


def test_integer_keys_are_written_as_strings_like_the_standard_encoder():
    assert json.loads(dumps({7: "grade"})) == json.loads(json.dumps({7: "grade"}))
