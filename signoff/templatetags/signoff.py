"""`{% approval_badge county year %}` for includes/approval_badge.html: the county-year's state and whether its
figures are shown to the viewer as 未审核 (unreviewed: not approved yet, and the viewer is above the county). One
query per year and page, however many counties the page lists.

The badge is written in Python (approval_badge_html) so that a page listing 120 counties (the overview's ranking,
dashboards/templatetags/overview.py) writes each one without an include per row."""

import functools
from html import escape

from django import template
from django.utils import formats, timezone, translation
from django.utils.safestring import SafeString, mark_safe
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
            {value: str(label) for value, label in State.choices},  # the words once, not once per county
        )
    approvals, url, labels = cache[year]
    approval = approvals.get(county.pk)
    state = approval.state if approval else State.DRAFT
    user = getattr(request, "user", None)
    own_county = bool(user is not None and getattr(user, "region_id", None) == county.pk)
    return {
        "state": state,
        "label": labels[state],
        "unreviewed": state in (State.DRAFT, State.SUBMITTED) and not own_county,
        "by": approval.changed_by_name if approval else "",
        "at": approval.changed_at if approval else None,
        "url": url(county.code),
    }


@functools.lru_cache(maxsize=8)
def _unreviewed(language: str | None) -> str:
    # gettext outside the f-string: xgettext (makemessages) does not see calls inside one
    title = escape(_("该学年数据尚未经上级审核通过"))
    words = escape(_("未审核"))
    return f' <span class="st st-unreviewed" title="{title}">{words}</span>'


def approval_badge_html(approval: dict | None) -> SafeString:
    # f-strings and the standard library's escape: format_html's lazy-string checks cost more than the rest of a
    # badge, and the overview writes 120 of them
    if not approval:
        return SafeString("")
    title = ""
    if approval["by"]:
        at = approval["at"]
        when = formats.date_format(timezone.template_localtime(at), "Y-m-d H:i") if at else ""
        title = f' title="{escape(str(approval["by"]))} {escape(when)}"'
    unreviewed = _unreviewed(translation.get_language()) if approval["unreviewed"] else ""
    return mark_safe(  # every value is escaped above
        f'<span class="approval approval-{escape(str(approval["state"]))}"><a class="badge"'
        f' href="{escape(approval["url"])}"{title}>{escape(str(approval["label"]))}</a>{unreviewed}</span>'
    )


@register.simple_tag(takes_context=True)
def approval_badge(context, county, year) -> SafeString:
    return approval_badge_html(approval_state(context, county, year))
