"""`{% ranking_rows rows badge_year %}`: the body of the overview's ranking table (dashboards.overview's rows),
written in Python.

A province has 120 counties of 16 cells each, several of them loops over the stages and the verdict's parts: in
the template language (about 10 µs a node, a loop context per group of cells, an include per sign-off badge) that
was two thirds of the page's time. Written here with the standard library's escape (Django's format_html and
escape add a lazy-string check per value: 40 ms for this table on the bench machine), it costs a few.
"""

from html import escape

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from signoff.templatetags.signoff import approval_badge_html, approval_state

register = template.Library()

NONE = "—"


def _e(value) -> str:
    return escape(str(value))


def _judged(passed, text) -> str:
    return f'<span class="st st-{"pass" if passed else "fail"}">{_e(text)}</span>'


def _worst_cv(stage: dict) -> str:
    worst = stage["worst_cv"]
    if not worst:
        return NONE
    return _judged(worst["pass"], f"{worst['code']} {stage['worst_cv_text']} / {stage['worst_cv_limit']}")


def _composite(stage: dict) -> str:
    return (
        NONE if stage["composite_2012"] is None else _judged(stage["composite_pass"], stage["composite_text"])
    )


def _per_stage(row: dict, key: str) -> str:
    return "<br>".join(f"{_e(s['label'])} {NONE if s[key] is None else _e(s[key])}" for s in row["stages"])


def _figures(row: dict) -> str:
    """The cells of a county with a stored result."""
    parts = "".join(
        f'<td><span class="st st-{_e(p.mark.status)}">{_e(p.mark)}</span></td>' for p in row["parts"]
    )
    overall = row["overall"]
    worst = "".join(f'<td class="num">{_worst_cv(s)}</td>' for s in row["stages"])
    composite = "".join(f'<td class="num">{_composite(s)}</td>' for s in row["stages"])
    ratio = NONE if row["ratio"] is None else _judged(row["ratio_pass"], row["ratio_text"])
    return (
        f"<td>{_e(row['year'])}</td>\n{parts}\n"
        f'<td><span class="st st-{_e(overall.status)}">{_e(overall)}</span></td>\n{worst}\n{composite}\n'
        f'<td class="num">{_per_stage(row, "large")}</td>\n<td class="num">{_per_stage(row, "super_large")}</td>\n'
        f'<td class="num">{ratio}</td>'
    )


@register.simple_tag(takes_context=True)
def ranking_rows(context, rows: list[dict], badge_year) -> SafeString:
    not_computed = None
    out = []
    for row in rows:
        county = row["county"]
        if row["has_result"]:
            cells = _figures(row)
        else:
            if not_computed is None:  # the same words on every county without results
                # gettext outside the f-string: xgettext (makemessages) does not see calls inside one
                hint = _e(_("请先导入该区县的标准数据表，导入后自动计算。"))
                not_computed = (
                    f'<td colspan="13">{render_to_string("indicators/_not_computed.html")} '
                    f'<span class="muted">{hint}</span></td>'
                )
            cells = not_computed
        badge = approval_badge_html(approval_state(context, county, row.get("year") or badge_year))
        out.append(
            f'<tr>\n<td class="num">{_e(row.get("rank") or NONE)}</td>\n'
            f'<td class="county"><a href="{_e(row["url"])}">{_e(county.name)}</a><br>'
            f'<span class="muted">{_e(county.code)}</span>\n{badge}</td>\n{cells}\n</tr>'
        )
    return mark_safe("\n".join(out))  # every value is escaped above; the badge and not_computed are markup
