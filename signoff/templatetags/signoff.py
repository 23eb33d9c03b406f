"""`{% approval_badge county year %}` for includes/approval_badge.html: the county-year's state and whether its
figures are shown to the viewer as 未审核 (unreviewed: not approved yet, and the viewer is above the county). One
query per year and page, however many counties the page lists.

The badge is written in Python (approval_badge_html) so that a page listing 120 counties (the overview's ranking,
dashboards/templatetags/overview.py) writes each one without an include per row."""

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.reversing import SLOT, reverser

from ..models import Approval, State

register = template.Library()


def approval_state(context, county, year) -> dict | None:
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
        cache[year] = (
            {a.county_id: a for a in Approval.objects.filter(year=year)},
            reverser("signoff:approval", SLOT, year),
        )
    approvals, url = cache[year]
    approval = approvals.get(county.pk)
    state = approval.state if approval else State.DRAFT
    user = getattr(request, "user", None)
    own_county = bool(user is not None and getattr(user, "region_id", None) == county.pk)
    return {
        "state": state,
        "label": State(state).label,
        "unreviewed": state in (State.DRAFT, State.SUBMITTED) and not own_county,
        "by": approval.changed_by_name if approval else "",
        "at": approval.changed_at if approval else None,
        "url": url(county.code),
    }


def approval_badge_html(approval: dict | None) -> SafeString:
    if not approval:
        return SafeString("")
    title = (
        format_html(
            ' title="{} {}"',
            approval["by"],
            formats.date_format(timezone.template_localtime(approval["at"]), "Y-m-d H:i")
            if approval["at"]
            else "",
        )
        if approval["by"]
        else ""
    )
    unreviewed = (
        format_html(
            ' <span class="st st-unreviewed" title="{}">{}</span>',
            _("该学年数据尚未经上级审核通过"),
            _("未审核"),
        )
        if approval["unreviewed"]
        else ""
    )
    return format_html(
        '<span class="approval approval-{}"><a class="badge" href="{}"{}>{}</a>{}</span>',
        approval["state"],
        approval["url"],
        title,
        approval["label"],
        unreviewed,
    )


@register.simple_tag(takes_context=True)
def approval_badge(context, county, year) -> SafeString:
    return approval_badge_html(approval_state(context, county, year))
