"""The long tables of the county dashboard and the detailed county report, one row per school (or per class over
the standard size), written in Python: `{% dashboard_school_rows stage explain_base year %}`,
`{% report_school_rows stage county year can_create %}`, `{% offending_rows view %}`,
`{% achievement_rows achievement %}`.

A county of 120 schools has over a thousand such rows, each of a dozen cells, and the template language spends
about 10 µs on each node and a loop context on each row (measured: 0.3 s of the report's 0.4 s of rendering).
The presenter already holds every text and figure id, so a row is one f-string here; the tables' headings, their
sorting and filtering hooks (data-value, data-failing) and every word stay as before. Every text is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape as _escape
from typing import Any
from urllib.parse import quote

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from indicators.presenter.numbers import NONE
from indicators.presenter.views import AchievementView, ClassSizeView, SchoolRow, StageView

register = template.Library()


def esc(value: Any) -> str:
    """What `{{ value }}` writes: the localized text, escaped (the presenter's texts are plain strings). A count
    is its digits unless thousands are grouped: Django's number formatting looks its formats up on every call
    (~20 µs), which a table of counts pays a thousand times."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return _escape(str(localize(value)), quote=True)


def raw(value: Any) -> str:
    """What `{{ value|default_if_none:''|unlocalize }}` writes: the unformatted number (sorting reads it): str() of
    an int or of a float Python writes without an exponent, as Django's ungrouped number format does."""
    if value is None:
        return ""
    if type(value) is int:
        return str(value)
    if type(value) is float:
        text = repr(value)
        if "e" not in text and "n" not in text:  # not 1e-05, nan, inf: those go through Django's own
            return text
    return _escape(str(localize(value, use_l10n=False)), quote=True)


class _Marks:
    """A pass mark's word, translated once per table: every row's mark is one of three lazy words (keyed by the
    word's identity, since hashing a lazy word translates it)."""

    def __init__(self) -> None:
        self.words: dict[int, str] = {}

    def __call__(self, mark: Any) -> str:
        key = id(mark.label)
        text = self.words.get(key)
        if text is None:
            text = self.words[key] = esc(mark)
        return text


def _path(name: str, *args: str) -> str:
    """A URL pattern reversed once per table with "_" for its last argument (one reverse per table, not per row)."""
    return reverse(name, args=[*args, "_"])[:-2]


def _join(parts: Iterable[str], empty: str) -> str:
    text = "<br>".join(parts)
    return text or empty


# ---------------------------------------------------------------- the county dashboard


def _dashboard_row(
    school: SchoolRow, base: str, query: str, school_path: str, codes: int, marks: _Marks
) -> str:
    name = esc(school.name)
    values = "".join(
        f'<td class="num" data-value="{raw(v.value)}"><a class="how" data-explain href="{base}{esc(v.id)}/'
        f'{query}">{esc(v.text)}</a></td>'
        for v in school.values
    )
    gaps = _join(
        (
            f'<a class="how" data-explain href="{base}{esc(g.id)}/{query}">{esc(g.text)}</a>'
            for g in school.shortfalls
        ),
        "—",
    )
    met = "" if school.met is None else esc(school.met)
    status = esc(school.mark.status)
    failing = ' data-failing="1"' if school.failing else ""
    return (
        f"<tr{failing}>"
        f'<th scope="row" data-value="{name}"><a href="{school_path}{esc(quote(school.code))}/">{name}</a></th>'
        f'<td class="num" data-value="{raw(school.students)}">{esc(school.students)}</td>'
        f"{values}"
        f'<td class="num" data-value="{met}">{met or "—"}/{codes}</td>'
        f'<td data-value="{status}"><span class="st st-{status}">{marks(school.mark)}</span></td>'
        f'<td class="gaps">{gaps}</td></tr>'
    )


@register.simple_tag
def dashboard_school_rows(stage: StageView, explain_base: str, year: Any) -> SafeString:
    """The rows of a stage's school table on the dashboard: each value and shortfall opens its "how computed"."""
    base = esc(explain_base)
    query = f"?year={esc(year)}"
    school_path = esc(_path("dashboards:school_detail"))
    codes = len(stage.codes)
    # every text is escaped in _dashboard_row
    marks = _Marks()
    return mark_safe(
        "\n".join(_dashboard_row(s, base, query, school_path, codes, marks) for s in stage.schools)
    )


# ---------------------------------------------------------------- the detailed county report


@register.simple_tag
def report_school_rows(stage: StageView, county_code: str, year: Any, can_create: bool) -> SafeString:
    """The rows of a stage's school table in the detailed report; with can_create, a link beside each shortfall to
    draw up a project from it."""
    start = f' <a href="{esc(reverse("plans:project_create"))}?county={esc(county_code)}&amp;indicator='
    end = f'&amp;year={esc(year)}">{esc(gettext("创建整改项目"))}</a>'
    rows = []
    marks = _Marks()
    for s in stage.schools:
        code = esc(s.code)
        values = "".join(f'<td class="num" data-figure="{esc(v.id)}">{esc(v.text)}</td>' for v in s.values)
        gaps = _join(
            (
                f'<span data-figure="{esc(g.id)}">{esc(g.text)}</span>'
                + (f"{start}{esc(g.code)}&amp;school={code}{end}" if can_create else "")
                for g in s.shortfalls
            ),
            "—",
        )
        status = esc(s.mark.status)
        rows.append(
            f'<tr><td>{esc(s.name)}<br><span class="muted">{code}</span></td><td class="num">{esc(s.students)}</td>'
            f'{values}<td class="num">{esc(s.met)}</td><td><span class="st st-{status}">{marks(s.mark)}</span></td>'
            f"<td>{gaps}</td></tr>"
        )
    # every text is escaped above
    return mark_safe("\n".join(rows))


@register.simple_tag
def achievement_rows(achievement: AchievementView) -> SafeString:
    """The schools of one stage and subject: mean score, rate against the urban quality schools, pass mark."""
    marks = _Marks()
    return mark_safe(  # every text is escaped
        "\n".join(
            f'<tr><td>{esc(s.name)}</td><td class="num">{esc(s.mean)}</td>'
            f'<td class="num" data-figure="{esc(s.rate.id)}">{esc(s.rate.text)}</td>'
            f'<td><span class="st st-{esc(s.mark.status)}">{marks(s.mark)}</span></td></tr>'
            for s in achievement.schools
        )
    )


# ---------------------------------------------------------------- both


@register.simple_tag
def offending_rows(view: ClassSizeView) -> SafeString:
    """The classes over the standard size of one stage: school, class, pupils."""
    return mark_safe(  # every text is escaped
        "\n".join(
            f"<tr><td>{esc(o.school)}</td><td>{esc(o.name)}</td>"
            f'<td class="num">{NONE if o.students is None else esc(o.students)}</td></tr>'
            for o in view.offending
        )
    )
