"""Comparison helper for the golden report: every figure the expected file lists, to a relative 1e-6."""

import json
import math
from pathlib import Path

SHARED = Path(__file__).resolve().parents[3] / "shared"
if not SHARED.exists():  # the repository may be checked out next to shared/ under another name
    SHARED = Path("/work/shared")
GOLDEN_XLSX = SHARED / "data" / "golden" / "county-371399-2024.xlsx"
GOLDEN_JSON = SHARED / "data" / "golden" / "county-371399-2024.expected.json"
PUBLISHED = SHARED / "data" / "published"


def expected_report() -> dict:
    expected = json.loads(GOLDEN_JSON.read_text(encoding="utf-8"))
    expected.pop("county")
    expected.pop("year")
    return expected


def differences(expected, actual, path="") -> list[str]:
    """Every place where `actual` disagrees with `expected` (numbers to a relative 1e-6)."""
    out = []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{path}.{key}: missing")
            else:
                out.extend(differences(value, actual[key], f"{path}.{key}"))
    elif isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {actual!r:.200}"]
        for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out.extend(differences(e, a, f"{path}[{i}]"))
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        if expected != actual:
            out.append(f"{path}: expected {expected!r}, got {actual!r}")
    elif isinstance(actual, bool) or not isinstance(actual, int | float):
        out.append(f"{path}: expected {expected!r}, got {actual!r}")
    elif not math.isclose(expected, actual, rel_tol=1e-6, abs_tol=1e-12):
        out.append(f"{path}: expected {expected!r}, got {actual!r}")
    return out
