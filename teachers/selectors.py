"""Reads of the teacher roster, always scoped to the user's region (a teacher outside it is not found)."""

from collections.abc import Iterable, Mapping

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import Subquery
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.scoping import editable_counties, scope, visible_counties

from .models import Teacher


def teacher_list(*, user) -> QuerySet[Teacher]:
    """The teachers the user may see; the roster's filters are teachers.filters.TeacherFilter."""
    teachers = scope(Teacher.objects.select_related("school", "school__county"), user, "school__county")
    return teachers.order_by("-year", "school__code", "teacher_id")


class NewestYearFirst:
    """The roster in its order (newest year first, then school code, then teacher number), read a year at a time.

    Sliced as one query, the year ahead of the school's code makes PostgreSQL join and sort every teacher in
    scope before it can return the first page (590 000 for a province official: seconds). Within one year it
    walks the schools in code order and each school's teachers, and stops once the page is full. So a slice is
    read from the newest year down; a year before the page is counted only when the page starts past its end
    (a page number typed or kept from older data: the pager never links there without passing through it).
    """

    def __init__(self, teachers: QuerySet[Teacher]):
        self.teachers = teachers

    def __getitem__(self, window: slice) -> list[Teacher]:
        start, stop = window.start or 0, window.stop
        rows: list[Teacher] = []
        passed = 0  # the rows of the newer years walked already
        year = None  # the year walked last
        while True:
            # The page's query finds its year itself (one step down an index, in any county): the first page of a
            # province official is one query.
            older = Teacher.objects.all() if year is None else Teacher.objects.filter(year__lt=year)
            older = older.order_by("-year").values("year")
            in_year = self.teachers.filter(year=Subquery(older[:1]))
            low, high = max(start - passed, 0), stop - passed
            found = list(in_year[low:high])
            rows += found
            if len(found) == high - low:
                return rows
            # The year ends before `high`: where exactly is known from the rows found, unless it ended before `low`.
            if found:
                year = found[0].year
                passed += low + len(found)
                continue
            year = older.values_list("year", flat=True).first()
            if year is None:
                return rows
            if low:
                passed += self.teachers.filter(year=year).count()


def teacher_rows(teachers: QuerySet[Teacher], *, year: int | None) -> QuerySet[Teacher] | NewestYearFirst:
    """The filtered roster, for core.pagination: as it is when a year was chosen, else a year at a time."""
    return teachers if year else NewestYearFirst(teachers)


def teacher_get(*, user, pk: int) -> Teacher:
    teachers = scope(Teacher.objects.select_related("school", "school__county"), user, "school__county")
    return get_object_or_404(teachers, pk=pk)


def teacher_number_refusal(*, user, year: int, teacher_id: str, exclude_pk=None) -> str | None:
    """Why a teacher (the record exclude_pk, or a new one) may not take this number in this year, or None when it
    is free: teacher_number_refusals for one number."""
    refusals = teacher_number_refusals(user=user, year=year, numbers=[teacher_id], exclude_pk=exclude_pk)
    return refusals.get(teacher_id)


# The import's refusal is worded like the importer's other errors, which stay in Chinese as the sheet and column
# names they point at do.
NUMBER_HELD_ELSEWHERE = "该教师编号本学年已登记在其他区县的学校"


def teacher_number_refusals(
    *, user, year: int, numbers: Iterable[str], exclude_pk=None, rows_are_holders: bool = False
) -> dict[str, str]:
    """Why each of these numbers may not be given to a teacher of this year (number_refusals): number → refusal, a
    free number left out. Set-wise: the holders are read in one query per chunk of numbers, a whole sheet's too."""
    wanted = list(dict.fromkeys(numbers))
    taken = Teacher.objects.filter(year=year)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    limit = connection.features.max_query_params
    step = 20_000 if limit is None else limit - 50
    holders: dict[str, int] = {}
    for start in range(0, len(wanted), step):
        chunk = taken.filter(teacher_id__in=wanted[start : start + step])
        holders.update(chunk.values_list("teacher_id", "school__county_id"))
    return number_refusals(user=user, year=year, holders=holders, rows_are_holders=rows_are_holders)


def number_refusals(
    *, user, year: int, holders: Mapping[str, int], rows_are_holders: bool = False
) -> dict[str, str]:
    """The teacher-number rule, for numbers whose holders are known (number → the county of the other teacher
    holding it that year; the importer reads them with the rows it compares): number → refusal.

    Numbers are unique within a year across the province. A single-row write (form, API, admin) saves one record,
    so any other holder refuses the number: "已被使用" only when the holder is a teacher the user can already see, a
    neutral "不可用" otherwise, so that trying numbers does not reveal another county's roster (see
    schools.selectors.school_code_refusal). An import (rows_are_holders) writes each row as the stored teacher of
    its number, the key being year and number: a holder the user may edit is updated (moved to the file's school),
    a holder in a county the user may not edit refuses the number. user None is the system.
    """
    everywhere = user is None or getattr(user, "is_admin", False)
    if not holders or (rows_are_holders and everywhere):
        return {}
    if rows_are_holders:
        editable = set(editable_counties(user).values_list("pk", flat=True))
        return {number: NUMBER_HELD_ELSEWHERE for number, county in holders.items() if county not in editable}
    seen = set() if everywhere else set(visible_counties(user).values_list("pk", flat=True))
    refusals: dict[str, str] = {}
    for number, county_id in holders.items():
        values = {"id": number, "year": year}
        if everywhere or county_id in seen:
            refusals[number] = (
                _("教师编号“%(id)s”在%(year)s学年已被使用，同一学年内教师编号不能重复") % values
            )
        else:
            refusals[number] = (
                _("教师编号“%(id)s”在%(year)s学年不可用，请核对；如确为本区县的教师，请联系系统管理员")
                % values
            )
    return refusals
