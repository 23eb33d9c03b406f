"""Writes of schools and county inputs. Views, API, importer and demo data all come through here so that every
change is validated, stamped with its author, scoped, and followed by a recompute of its county."""

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import hooks
from core.models import Region
from core.scoping import can_edit_county
from signoff.selectors import assert_editable

from .choices import DECLARATION_ITEMS, ReviewState
from .models import Achievement, CountyYear, Declaration, Funding, Monitoring, School, SchoolClass, SchoolYear
from .selectors import can_review_county, school_code_refusal


def _check_can_edit(user, county_id: int) -> None:
    if user is not None and not can_edit_county(user, county_id):
        raise PermissionDenied("no write access to this county")


def _save(instance, *, user, county_id: int, year: int | None, key_refusal=None) -> None:
    """key_refusal(instance) → (field, message) or None: a natural key taken elsewhere, checked instead of the
    model's own uniqueness check, whose message would confirm another county's record (selectors.*_refusal)."""
    _check_can_edit(user, county_id)
    assert_editable(county_id, year, new_record=instance.pk is None)  # signed-off data: refused (signoff)
    if user is not None:
        instance.updated_by = user
    if key_refusal is None:
        instance.full_clean()
    else:
        _full_clean_with(instance, key_refusal(instance))
    with transaction.atomic():
        instance.save()
        hooks.data_changed([county_id], year, user=user)


def _full_clean_with(instance, refusal) -> None:
    errors: dict = {}
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if refusal is not None:
        field, message = refusal
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)
    # Any other uniqueness rule of the model (none of them reveals another county's rows) still applies.
    instance.validate_unique()
    instance.validate_constraints()


def _school_code_refusal(user):
    def refusal(school):
        message = school_code_refusal(user=user, code=school.code, exclude_pk=school.pk)
        return ("code", message) if message else None

    return refusal


def _apply(instance, data: dict) -> None:
    for field, value in data.items():
        setattr(instance, field, value)


def school_create(*, user, county: Region, **data) -> School:
    school = School(county=county, **data)
    _save(school, user=user, county_id=county.pk, year=None, key_refusal=_school_code_refusal(user))
    return school


def school_update(*, user, school: School, **data) -> School:
    old_county_id = school.county_id
    _apply(school, data)
    if school.county_id != old_county_id:
        _check_can_edit(user, old_county_id)
        assert_editable(old_county_id, None)
        hooks.data_changed([old_county_id], None, user=user)
    _save(school, user=user, county_id=school.county_id, year=None, key_refusal=_school_code_refusal(user))
    return school


def county_of(instance) -> int | None:
    """The county a registry row belongs to (a school's, a school's yearly row's, a county row's)."""
    if isinstance(instance, School):
        return instance.county_id
    if getattr(instance, "school_id", None) is not None:
        return instance.school.county_id
    return getattr(instance, "county_id", None)


def row_save(instance, *, user, key_refusal=None) -> None:
    """Save one registry row whatever its model, as every single-row write does: scope, the model's validation,
    a natural key taken elsewhere refused without naming it, the author stamped, the recompute queued (through
    core.hooks). A stored row that would move to another county needs the right to edit the county it leaves.
    The Django admin's import-export resources save through here (teachers through teachers.services)."""
    if key_refusal is None and isinstance(instance, School):
        key_refusal = _school_code_refusal(user)
    county_id = county_of(instance)
    year = getattr(instance, "year", None)
    with transaction.atomic():
        if instance.pk is not None:
            stored = type(instance)._default_manager.filter(pk=instance.pk).first()
            left = county_of(stored) if stored is not None else county_id
            if left != county_id:
                _check_can_edit(user, left)
                assert_editable(left, year)  # the county it leaves may be signed off
                hooks.data_changed([left], year, user=user)
        _save(instance, user=user, county_id=county_id, year=year, key_refusal=key_refusal)


def _delete(instance, *, user, county_id: int, year: int | None) -> None:
    _check_can_edit(user, county_id)
    assert_editable(county_id, year)
    with transaction.atomic():
        instance.delete()
        hooks.data_changed([county_id], year, user=user)


def school_delete(*, user, school: School) -> None:
    _delete(school, user=user, county_id=school.county_id, year=None)


def _school_year_row(model, *, user, school: School, year: int, lookup: dict | None = None, **data):
    lookup = {"school": school, "year": year, **(lookup or {})}
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    _apply(instance, data)
    _save(instance, user=user, county_id=school.county_id, year=year)
    return instance


def school_year_save(*, user, school: School, year: int, **data) -> SchoolYear:
    return _school_year_row(SchoolYear, user=user, school=school, year=year, **data)


def funding_save(*, user, school: School, year: int, **data) -> Funding:
    return _school_year_row(Funding, user=user, school=school, year=year, **data)


def achievement_save(*, user, school: School, year: int, stage: str, subject: str, **data) -> Achievement:
    return _school_year_row(
        Achievement, user=user, school=school, year=year, lookup={"stage": stage, "subject": subject}, **data
    )


def school_class_save(*, user, school: School, year: int, name: str, **data) -> SchoolClass:
    return _school_year_row(SchoolClass, user=user, school=school, year=year, lookup={"name": name}, **data)


def school_class_update(*, user, school_class: SchoolClass, **data) -> SchoolClass:
    """Edit a class in place (a rename keeps its identity and creation time)."""
    data.pop("school", None)
    data.pop("year", None)
    _apply(school_class, data)
    _save(school_class, user=user, county_id=school_class.school.county_id, year=school_class.year)
    return school_class


def school_class_delete(*, user, school_class: SchoolClass) -> None:
    _delete(school_class, user=user, county_id=school_class.school.county_id, year=school_class.year)


def achievement_delete(*, user, achievement: Achievement) -> None:
    _delete(achievement, user=user, county_id=achievement.school.county_id, year=achievement.year)


def county_year_save(*, user, county: Region, year: int, **data) -> CountyYear:
    instance = CountyYear.objects.filter(county=county, year=year).first() or CountyYear(
        county=county, year=year
    )
    _apply(instance, data)
    _save(instance, user=user, county_id=county.pk, year=year)
    return instance


def monitoring_save(*, user, county: Region, year: int, stage: str, subject: str, **data) -> Monitoring:
    instance = Monitoring.objects.filter(county=county, year=year, stage=stage, subject=subject).first()
    instance = instance or Monitoring(county=county, year=year, stage=stage, subject=subject)
    _apply(instance, data)
    _save(instance, user=user, county_id=county.pk, year=year)
    return instance


def monitoring_delete(*, user, monitoring: Monitoring) -> None:
    _delete(monitoring, user=user, county_id=monitoring.county_id, year=monitoring.year)


def declaration_save(
    *, user, county: Region, year: int, item_code: str, met: bool | None, note: str = "", evidence=None
) -> Declaration:
    """Declare a qualitative item met or not, with a note and (optionally) a new evidence file. The file is judged
    by its content (the portal's one evidence check, core.hooks.check_evidence) and stored under a random name
    with the extension found there: the user's file name never becomes a path. A new declaration awaits a new
    review. Scope, the sign-off lock and the recompute come with _save."""
    if item_code not in DECLARATION_ITEMS:
        raise ValidationError({"item_code": _("不是定性指标。")})
    _check_can_edit(user, county.pk)
    instance = Declaration.objects.filter(county=county, year=year, item_code=item_code).first()
    instance = instance or Declaration(county=county, year=year, item_code=item_code)
    if evidence is not None:
        try:
            kind = hooks.check_evidence(evidence, evidence.name, evidence.size)
        except hooks.EvidenceRefused as refused:
            raise ValidationError({"evidence": str(refused)}) from refused
        evidence.name = f"{uuid.uuid4().hex}.{kind}"
        instance.evidence = evidence
    instance.met = met
    instance.note = note
    instance.review_state, instance.review_comment, instance.reviewed_by, instance.reviewed_at = (
        "",
        "",
        None,
        None,
    )
    _save(instance, user=user, county_id=county.pk, year=year)
    return instance


def declaration_review(*, user, declaration: Declaration, state: str, comment: str = "") -> Declaration:
    """An official of the city above marks a declaration reviewed or needing revision, with a comment. A review
    changes no input of the indicators: no recompute, and a signed-off year may still be reviewed."""
    if not can_review_county(user, declaration.county):
        raise PermissionDenied("not a reviewer of this county")
    if state not in ReviewState.values:
        raise ValidationError({"review_state": _("请选择审核结果。")})
    if state == ReviewState.NEEDS_REVISION and not comment.strip():
        raise ValidationError({"review_comment": _("退回修改时请写明审核意见。")})
    declaration.review_state = state
    declaration.review_comment = comment
    declaration.reviewed_by = user
    declaration.reviewed_at = timezone.now()
    declaration.save(
        update_fields=["review_state", "review_comment", "reviewed_by", "reviewed_at", "updated_at"]
    )
    return declaration
