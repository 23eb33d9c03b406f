"""`{{ chart.table|chart_rows }}`: the rows of a chart's table (core.charts' "table"), written in Python.

A page's charts hold hundreds of cells (a province overview: four charts of 120 counties) and the template
language spends about 10 µs on each node and a loop context on each row: the same markup written here costs a
fraction of that. includes/chart.html keeps the rest of the figure. The standard library's escape is Django's
without its lazy-string wrapper (the texts are str already), the difference of a few milliseconds a page.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _cell(cell: dict) -> str:
    text = escape(cell["text"])
    if cell.get("head"):
        return f'<th scope="row">{text}</th>'
    if cell.get("status"):
        text = f'<span class="st st-{escape(cell["status"])}">{text}</span>'
    return f'<td class="num">{text}</td>' if cell.get("num") else f"<td>{text}</td>"


@register.filter
def chart_rows(table: dict) -> SafeString:
    # every text and status is escaped in _cell
    return mark_safe("".join(f"\n<tr>{''.join(_cell(c) for c in row)}</tr>" for row in table["rows"]))
