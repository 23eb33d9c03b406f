"""`{% recompute_county_button county year %}`: the "recompute this county" button of the county report page, shown
only to users who may change the county (core.scoping.can_edit_county: its clerk, administrators)."""

from django import template

from core.scoping import can_edit_county
from indicators import selectors

register = template.Library()


@register.inclusion_tag("indicators/_recompute_county.html", takes_context=True)
def recompute_county_button(context, county, year=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "county": county,
        "year": year,
        "may_recompute": bool(user and county and can_edit_county(user, county.pk)),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("indicators/_recompute_pending.html")
def recompute_pending_note(county):
    """`{% recompute_pending_note county %}`: says so when a recompute of the county is waiting or running (saved
    changes are not in the figures shown yet), with a link to its run."""
    return {"run": selectors.recompute_pending(county.pk) if county else None}
