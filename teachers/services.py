from schools.models import School
from schools.services import _delete, _save, row_save
from signoff.selectors import assert_editable

from .models import Teacher
from .selectors import teacher_number_refusal


def _number_refusal(user):
    def refusal(teacher):
        message = teacher_number_refusal(
            user=user, year=teacher.year, teacher_id=teacher.teacher_id, exclude_pk=teacher.pk
        )
        return ("teacher_id", message) if message else None

    return refusal


def teacher_create(*, user, school: School, year: int, **data) -> Teacher:
    teacher = Teacher(school=school, year=year, **data)
    _save(teacher, user=user, county_id=school.county_id, year=year, key_refusal=_number_refusal(user))
    return teacher


def teacher_update(*, user, teacher: Teacher, **data) -> Teacher:
    assert_editable(teacher.school.county_id, teacher.year)  # where it is now (a move checks both ends)
    for field, value in data.items():
        setattr(teacher, field, value)
    _save(
        teacher,
        user=user,
        county_id=teacher.school.county_id,
        year=teacher.year,
        key_refusal=_number_refusal(user),
    )
    return teacher


def teacher_delete(*, user, teacher: Teacher) -> None:
    _delete(teacher, user=user, county_id=teacher.school.county_id, year=teacher.year)


def teacher_save(teacher: Teacher, *, user) -> Teacher:
    """Save a roster row built elsewhere (the admin's import): row_save with the teacher number's refusal."""
    row_save(teacher, user=user, key_refusal=_number_refusal(user))
    return teacher
