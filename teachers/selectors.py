"""Reads of the teacher roster, always scoped to the user's region (a teacher outside it is not found)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.scoping import scope

from .models import Teacher


def teacher_list(*, user) -> QuerySet[Teacher]:
    """The teachers the user may see; the roster's filters are teachers.filters.TeacherFilter."""
    teachers = scope(Teacher.objects.select_related("school", "school__county"), user, "school__county")
    return teachers.order_by("-year", "school__code", "teacher_id")


def teacher_get(*, user, pk: int) -> Teacher:
    teachers = scope(Teacher.objects.select_related("school", "school__county"), user, "school__county")
    return get_object_or_404(teachers, pk=pk)


def teacher_number_refusal(*, user, year: int, teacher_id: str, exclude_pk=None) -> str | None:
    """Why a teacher may not take this number in this year, or None when it is free.

    Numbers are unique within a year across the province; the refusal says "已被使用" only when the teacher
    holding it is one the user can already see, and a neutral "不可用" otherwise, so that trying numbers does
    not reveal another county's roster (see schools.selectors.school_code_refusal).
    """
    taken = Teacher.objects.filter(year=year, teacher_id=teacher_id)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if not taken.exists():
        return None
    values = {"id": teacher_id, "year": year}
    if user is None or scope(taken, user, "school__county").exists():
        return _("教师编号“%(id)s”在%(year)s学年已被使用，同一学年内教师编号不能重复") % values
    return _("教师编号“%(id)s”在%(year)s学年不可用，请核对；如确为本区县的教师，请联系系统管理员") % values
