from django.db import transaction

from schools.models import School
from schools.services import _check_can_edit, _save

from .models import Teacher


def teacher_create(*, user, school: School, year: int, **data) -> Teacher:
    teacher = Teacher(school=school, year=year, **data)
    _save(teacher, user=user, county_id=school.county_id, year=year)
    return teacher


def teacher_update(*, user, teacher: Teacher, **data) -> Teacher:
    for field, value in data.items():
        setattr(teacher, field, value)
    _save(teacher, user=user, county_id=teacher.school.county_id, year=teacher.year)
    return teacher


def teacher_delete(*, user, teacher: Teacher) -> None:
    from indicators.services import request_recompute

    county_id = teacher.school.county_id
    _check_can_edit(user, county_id)
    with transaction.atomic():
        teacher.delete()
        request_recompute([county_id], teacher.year)
