"""`{% approval_state county year as approval %}` for includes/approval_badge.html: the county-year's state and
whether its figures are shown to the viewer as 未审核 (unreviewed: not approved yet, and the viewer is above the
county). One query per year and page, however many counties the page lists."""

from django import template
from django.urls import reverse

from ..models import Approval, State

register = template.Library()


@register.simple_tag(takes_context=True)
def approval_state(context, county, year):
    if county is None or not year:
        return None
    try:
        year = int(year)
    except (TypeError, ValueError):
        return None
    request = context.get("request")
    cache = getattr(request, "_signoff_states", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._signoff_states = cache
    if year not in cache:
        cache[year] = {a.county_id: a for a in Approval.objects.filter(year=year)}
    approval = cache[year].get(county.pk)
    state = approval.state if approval else State.DRAFT
    user = getattr(request, "user", None)
    own_county = bool(user is not None and getattr(user, "region_id", None) == county.pk)
    return {
        "state": state,
        "label": dict(State.choices)[state],
        "unreviewed": state in (State.DRAFT, State.SUBMITTED) and not own_county,
        "by": approval.changed_by_name if approval else "",
        "at": approval.changed_at if approval else None,
        "url": reverse("signoff:approval", args=[county.code, year]),
    }
