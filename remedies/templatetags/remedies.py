"""A figure of a scenario's report, highlighted when it differs from the actual report (the actual value struck
through before the scenario's): `{% figure fig changed %}`, `{% mark school changed %}`."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def figure(fig, changed):
    if fig is None:
        return ""
    c = changed.get(fig.id) if changed else None
    if c is None:
        return format_html('<span data-figure="{}">{}</span>', fig.id, fig.text)
    return format_html(
        '<span data-figure="{}" class="changed"><s class="was">{}</s> → <strong>{}</strong></span>',
        fig.id,
        c.actual_text,
        fig.text,
    )


@register.simple_tag
def mark(row, changed):
    """A school's (or item's) pass mark, highlighted when the scenario changes it."""
    c = changed.get(row.id) if changed else None
    badge = format_html('<span class="st st-{}">{}</span>', row.mark.status, row.mark)
    if c is None:
        return badge
    return format_html('<span class="changed"><s class="was">{}</s> → {}</span>', c.actual_text, badge)


@register.filter
def yuan(value):
    """An amount in 元 with thousands separators, rounded to 元."""
    try:
        return f"{float(value):,.0f}"
    except (TypeError, ValueError):
        return "—"


@register.filter
def percent(value, digits=1):
    """A share (0–1) in percent."""
    try:
        return f"{100 * float(value):.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "—"
