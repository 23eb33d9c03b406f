from schools.models import School
from schools.services import _delete, _save

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
    _delete(teacher, user=user, county_id=teacher.school.county_id, year=teacher.year)
