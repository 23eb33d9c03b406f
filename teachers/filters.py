"""The filters of the teacher roster: one FilterSet for the page (`/teachers/`) and the API (`/api/v1/teachers/`).

Scoped like every list (see schools/filters.py): counties are the user's, the school is searched by code or name
among the schools the user may see, never listed. Teachers are found by number only: a name is personal data and
must not travel in a URL, so there is no name search.
"""

from django.utils.translation import gettext_lazy as _

from schools.choices import BackboneLevel, Degree, Stage, Title
from schools.filters import (
    SchoolSearchFilter,
    ScopedFilterSet,
    YesNoFilter,
    choice,
    county_choice,
    text_filter,
    year_filter,
)

from .models import Teacher


class TeacherFilter(ScopedFilterSet):
    county = county_choice("school__county")
    school = SchoolSearchFilter()
    year = year_filter()
    stage = choice(_("任教学段"), Stage.choices)
    degree = choice(_("最高学历"), Degree.choices)
    full_time = YesNoFilter(label=_("是否专任教师"), yes_label=_("专任"), no_label=_("非专任"))
    subject = text_filter(_("任教学科"))
    backbone_level = choice(_("骨干教师级别"), BackboneLevel.choices)
    title = choice(_("专业技术职务"), Title.choices)
    teacher_id = text_filter(_("教师编号"))

    class Meta:
        model = Teacher
        fields = [
            "county", "school", "year", "stage", "degree", "full_time", "subject", "backbone_level", "title",
            "teacher_id",
        ]  # fmt: skip
