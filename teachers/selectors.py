"""Reads of the teacher roster, always scoped to the user's region (a teacher outside it is not found)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.models import Region
from core.scoping import scope
from schools.models import School

from .models import Teacher


def teacher_list(
    *,
    user,
    county: Region | None = None,
    school: School | None = None,
    year: int | None = None,
    stage: str = "",
    degree: str = "",
    full_time: bool | None = None,
) -> QuerySet[Teacher]:
    teachers = scope(Teacher.objects.select_related("school", "school__county"), user, "school__county")
    if county is not None:
        teachers = teachers.filter(school__county=county)
    if school is not None:
        teachers = teachers.filter(school=school)
    if year is not None:
        teachers = teachers.filter(year=year)
    if stage:
        teachers = teachers.filter(stage=stage)
    if degree:
        teachers = teachers.filter(degree=degree)
    if full_time is not None:
        teachers = teachers.filter(full_time=full_time)
    return teachers.order_by("-year", "school__code", "teacher_id")


def teacher_get(*, user, pk: int) -> Teacher:
    teachers = scope(Teacher.objects.select_related("school", "school__county"), user, "school__county")
    return get_object_or_404(teachers, pk=pk)
