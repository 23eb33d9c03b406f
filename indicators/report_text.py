"""The county report as readable text (manage.py balance_report --format text), laid out from the presenter's view
of the stored report: the same words, precision and pass marks as the report page."""

from __future__ import annotations

from .presenter import ReportView, present
from .presenter import labels as L
from .report.model import Report


def _failing_resource(view: ReportView) -> str:
    """Resource failures grouped by stage: CVs over the limit by code, failing schools by count."""
    parts = []
    for stage in view.resource:
        cvs = [row.code for row in stage.indicators if row.failing]
        if cvs:
            parts.append(str(L.TEXT["stage_cvs"] % {"stage": stage.label, "codes": "、".join(cvs)}))
        n = len(stage.failing_schools)
        if n:
            parts.append(str(L.TEXT["stage_schools"] % {"stage": stage.label, "n": n}))
    return "、".join(parts)


def _failing_items(view: ReportView, part: str) -> str:
    return "；".join(f"{row.code} {row.label}" for row in view.items(part) if row.mark.status == "fail")


def render(report: Report, names: dict[str, str] | None = None) -> str:
    """names: school code → name of the county's schools (see presenter.present)."""
    view = present(report, names)
    stamp = report.stamp
    lines = [
        str(L.TEXT["title"] % {"county": view.county_name, "code": view.county_code, "year": view.year}),
        str(
            L.TEXT["stamp"]
            % {
                "at": stamp.computed_at if stamp else "—",
                "rule_set": L.STANDARDS.get(stamp.rule_set.code, stamp.rule_set.code) if stamp else "—",
                "version": stamp.rule_set.version if stamp else "—",
            }
        ),
        "",
        str(L.TEXT["verdict_heading"]),
    ]
    for part in view.parts:
        failing = _failing_resource(view) if part.key == "resource" else _failing_items(view, part.key)
        extra = str(L.TEXT["failing_suffix"] % {"items": failing}) if failing else ""
        lines.append("  " + str(L.TEXT["part_line"] % {"part": part.label, "verdict": part.mark}) + extra)
    for stage in view.resource:
        lines += ["", str(L.TEXT["resource_heading"] % {"stage": stage.label, "units": stage.units})]
        for row in stage.indicators:
            lines.append(
                "  "
                + str(
                    L.TEXT["indicator_line"]
                    % {
                        "code": row.code,
                        "label": row.label,
                        "mean": row.mean,
                        "threshold": row.threshold,
                        "cv": row.cv,
                        "limit": row.limit,
                        "mark": row.mark,
                    }
                )
            )
        lines.append("  " + str(L.TEXT["composite_line"] % {"value": stage.composite_cv}))
        lines.append(
            "  "
            + str(L.TEXT["schools_line"] % {"passing": stage.schools_passing, "total": len(stage.schools)})
        )
        for school in stage.schools:
            if school.mark.status == "pass":
                continue
            gaps = "；".join(
                str(L.TEXT["gap"] % {"code": g.code, "missing": g.missing_text, "unit": g.unit})
                for g in school.shortfalls
            )
            lines.append(
                "    · "
                + str(L.TEXT["school_line"] % {"school": school.name, "met": school.met, "gaps": gaps})
            )
    lines += ["", str(L.TEXT["basic_heading"])]
    for basic in view.basic:
        lines.append(
            "  "
            + str(
                L.TEXT["basic_line"]
                % {
                    "stage": basic.label,
                    "value": basic.composite_cv,
                    "limit": basic.limit,
                    "mark": basic.mark,
                }
            )
        )
    lines += ["", str(L.TEXT["class_heading"])]
    for c in view.class_size:
        lines.append(
            "  "
            + str(
                L.TEXT["class_line"]
                % {
                    "stage": c.label,
                    "classes": c.classes,
                    "limit": c.limit,
                    "over": c.over_limit,
                    "large": c.large,
                    "super": c.super_large,
                    "max": c.max or "—",
                }
            )
        )
    ratio = view.ratio
    lines += [
        "",
        str(L.TEXT["ratio_heading"]),
        "  "
        + str(
            L.TEXT["ratio_line"]
            % {
                "urban": ratio.urban_share,
                "rural": ratio.rural_share,
                "ratio": ratio.ratio,
                "target": ratio.target,
                "mark": ratio.mark,
                "needed": ratio.rural_teachers_needed or 0,
            }
        ),
    ]
    lines += ["", str(L.TEXT["items_heading"])]
    for part in ("government", "quality", "recognition"):
        for row in view.items(part):
            line = str(L.TEXT["item_line"] % {"item": f"{row.code} {row.label}", "mark": row.mark})
            lines.append("  " + line + (f"（{row.summary}）" if row.summary else ""))
    lines += ["", str(L.TEXT["achievement_heading"])]
    for a in view.achievement:
        lines.append(
            "  "
            + str(
                L.TEXT["achievement_line"]
                % {
                    "stage": a.stage_label,
                    "subject": a.subject,
                    "rate": a.rate,
                    "limit": a.limit,
                    "n": a.failing,
                }
            )
        )
    return "\n".join(lines) + "\n"
