"""Includes other apps' pages use to show plans without a view change:

- `{% plan_alerts %}` / `{% plan_alerts county=county %}`: off-track targets (stored status), overdue projects,
  projects due within 30 days and failing verdicts, for the user's regions or one county;
- `{% indicator_projects county code %}`: the projects (seen by the user) working on a county's indicator, with
  links; one query per page whatever the number of indicators.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.reversing import SLOT, reverser

from .. import selectors

register = template.Library()


@register.inclusion_tag("plans/includes/alerts.html", takes_context=True)
def plan_alerts(context, county=None, alerts=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    if alerts is None and user is not None and user.is_authenticated:
        alerts = selectors.alerts(user=user, county=county)
    alerts = alerts or {}
    return {
        "alerts": alerts,
        "county": county,
        "failing_items": _failing_items(alerts.get("failing_counties")),
    }


def _failing_items(counties: list[dict] | None) -> SafeString:
    """The failing counties' list items, written here: a province official's pages list up to its 120 counties,
    about 9 ms in the template language (and a reverse() each), under one here."""
    if not counties:
        return SafeString("")
    url = reverser("dashboards:county_report", SLOT)
    school_year = escape(_("学年"))
    return mark_safe(  # every value is escaped
        "".join(
            f'<li><a href="{escape(url(c["code"]))}?year={escape(str(c["year"]))}">{escape(str(c["name"]))}</a>'
            f' <span class="muted">（{escape(str(c["year"]))}{school_year}）</span></li>'
            for c in counties
        )
    )


@register.inclusion_tag("plans/includes/indicator_projects.html", takes_context=True)
def indicator_projects(context, county, code):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or county is None:
        return {"projects": []}
    cache = context.render_context.setdefault("plans_projects_by_indicator", {})
    if county.pk not in cache:
        cache[county.pk] = selectors.projects_by_indicator(user=user, county=county)
    return {"projects": cache[county.pk].get(code, [])}
