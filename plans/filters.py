"""Filters of the plan lists: PlanFilter serves the plan page (`/plans/`) and `/api/v1/plans/`, ProjectFilter
`/api/v1/plan-projects/`. Scoped like every list (schools/filters.py): the plans offered are the user's, a county
or school outside the user's region is refused, schools are searched rather than listed.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from schools.filters import (
    NUL_CHARACTER,
    OUT_OF_SCOPE,
    ModelChoiceFilter,
    SchoolSearchFilter,
    ScopedFilterSet,
    YesNoFilter,
    choice,
    county_choice,
    text_filter,
    year_filter,
)

from . import selectors
from .models import Plan, PlanStatus, Project, ProjectStatus


def plans_of(request):
    return selectors.plan_list(user=getattr(request, "user", None))


class PlanFilter(ScopedFilterSet):
    status = choice(_("状态"), PlanStatus.choices)
    region = django_filters.ChoiceFilter(
        field_name="region_code",
        label=_("所属行政区"),
        empty_label=_("全部"),
        error_messages={"invalid_choice": OUT_OF_SCOPE, **NUL_CHARACTER},
    )
    year = year_filter(label=_("印发年份"))
    built_in = YesNoFilter(label=_("内置"))

    class Meta:
        model = Plan
        fields = ["status", "region", "year", "built_in"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The regions of the plans the user sees: a handful, so a dropdown; any other code is refused.
        regions = plans_of(self.request).order_by("region_code").values_list("region_code", "region_name")
        self.filters["region"].extra["choices"] = list(dict.fromkeys(regions))


class ProjectFilter(ScopedFilterSet):
    plan = ModelChoiceFilter(
        label=_("规划"), queryset=plans_of, error_messages={"invalid_choice": OUT_OF_SCOPE, **NUL_CHARACTER}
    )
    county = county_choice()
    school = SchoolSearchFilter()
    status = choice(_("进展状态"), ProjectStatus.choices)
    indicator_code = text_filter(_("关联指标"))
    overdue = YesNoFilter(label=_("已逾期"), method="filter_overdue")

    class Meta:
        model = Project
        fields = ["plan", "county", "school", "status", "indicator_code", "overdue"]

    def filter_overdue(self, queryset, name, value):
        # the same rule as selectors.is_overdue: a deadline passed and the project not done
        overdue = selectors.overdue_projects(queryset, today=timezone.localdate())
        if value:
            return overdue
        return queryset.exclude(pk__in=overdue.values("pk"))
