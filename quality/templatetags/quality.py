"""`{% load quality %}{% quality_panel county year %}`: a county-year's data-quality panel (counts per rule, a link
to the list), for any page that already scoped the county — a dashboard includes it with that one line."""

from django import template

from quality import selectors

register = template.Library()


@register.inclusion_tag("quality/_panel.html")
def quality_panel(county, year=None):
    if year is None and county is not None:
        years = selectors.county_years(county)
        year = years[0] if years else None
    return {"panel": selectors.panel(county, year), "year": year}


@register.filter
def join_if_list(value):
    """Measure lists of a rule's parameters as "a, b, c"."""
    return ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else value
