"""Reads of the teacher roster, always scoped to the user's region (a teacher outside it is not found)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.scoping import scope

from .models import Teacher


def teacher_list(*, user) -> QuerySet[Teacher]:
    """The teachers the user may see; the roster's filters are teachers.filters.TeacherFilter."""
    teachers = scope(Teacher.objects.select_related("school", "school__county"), user, "school__county")
    return teachers.order_by("-year", "school__code", "teacher_id")


def teacher_get(*, user, pk: int) -> Teacher:
    teachers = scope(Teacher.objects.select_related("school", "school__county"), user, "school__county")
    return get_object_or_404(teachers, pk=pk)
