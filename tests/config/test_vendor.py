"""The vendored ECharts is the file its VERSION records, the pin in the Makefile, with its licences; no page loads
a script or stylesheet from another host (the intranet has no internet)."""

import hashlib
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ECHARTS = ROOT / "static" / "vendor" / "echarts"


def recorded() -> dict:
    return dict(
        line.split(": ", 1) for line in (ECHARTS / "VERSION").read_text().splitlines() if ": " in line
    )


def test_the_committed_echarts_is_the_file_version_records():
    digest = hashlib.sha256((ECHARTS / "echarts.min.js").read_bytes()).hexdigest()
    assert recorded()["sha256"] == digest


def test_version_records_the_release_and_integrity_pinned_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text()
    version = re.search(r"^ECHARTS_VERSION := (\S+)$", makefile, re.M).group(1)
    integrity = re.search(r"^ECHARTS_INTEGRITY := (\S+)$", makefile, re.M).group(1)
    assert recorded()["package"] == f"echarts@{version}"
    assert recorded()["integrity"] == integrity
    assert version.startswith("5.")


def test_the_licences_travel_with_the_library():
    assert "Apache License" in (ECHARTS / "LICENSE").read_text()
    assert "Apache ECharts" in (ECHARTS / "NOTICE").read_text()


def test_no_template_or_script_loads_anything_from_another_host():
    # tags that load something, and CSS url(); a plain link to another site is not a load
    remote = re.compile(
        r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["'](?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
        re.I,
    )
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("templates", "static/js", "static/css")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".html", ".js", ".css"} and remote.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders
