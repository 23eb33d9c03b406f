"""Sign-off in the workbook's write path and the admin: a submitted, approved or accepted county-year refuses
changes whichever way they come (docs/architecture.md, "Sign-off").

The importer calls `refuse_locked` once per import inside its transaction, after every sheet was planned and
written (so it knows which sheets changed anything) and before anything is committed: a refusal rolls the whole
file back and the report names each locked county-year with who locked it and when. A dry run (the upload's check)
reports it the same way. A yearly sheet that creates, updates or deletes rows is refused for each of its
counties × years that is locked; the 学校 sheet only when it changes or deletes existing schools (new schools change
no year's figures), for every county of the sheet with any locked year. A sheet whose rows are all unchanged
passes, so re-importing signed-off data as it is does not fail.

The admin (its change form, its delete pages and its import-export resources) asks `assert_instance_editable`.
"""

from django.core.exceptions import ObjectDoesNotExist

from signoff.exceptions import EditLocked
from signoff.selectors import assert_editable, lock_message, locked_pairs, master_data_lock_message


def refuse_locked(plans, errors) -> bool:
    """Add one located error per locked county-year the plans change; True when there was any."""
    refused = False
    seen: set[tuple[int, int | None]] = set()
    for plan in plans:
        sheet = plan.sheet.sheet
        counts = plan.counts()
        if sheet.key == "regions":
            continue
        if sheet.key == "schools":
            if not (counts["updated"] or counts["deleted"]):
                continue
            years = None
        elif not (counts["created"] or counts["updated"] or counts["deleted"]):
            continue
        else:
            years = plan.years
        for approval in locked_pairs(plan.county_ids, years):
            key = (approval.county_id, approval.year if years is not None else None)
            if key in seen:
                continue
            seen.add(key)
            message = lock_message(approval) if years is not None else master_data_lock_message(approval)
            errors.add(plan.sheet.name, None, "", approval.county.code, message)
            refused = True
    return refused


def _county_id(instance, county_path: str | None):
    if county_path is None:
        return None
    target = instance
    try:
        for part in county_path.split("__"):
            target = getattr(target, part)
    except ObjectDoesNotExist:
        return None
    return getattr(target, "pk", None)


def assert_instance_editable(instance, county_path: str | None) -> None:
    """Raise EditLocked if saving or deleting this registry row (as it is now, and as it was stored) would change
    a locked county-year. county_path: the lookup from the model to its county (None: regions, never locked)."""
    if county_path is None:
        return
    year = getattr(instance, "year", None)
    assert_editable(_county_id(instance, county_path), year, new_record=instance.pk is None)
    if instance.pk is not None:
        stored = type(instance).objects.filter(pk=instance.pk).first()
        if stored is not None:
            assert_editable(_county_id(stored, county_path), getattr(stored, "year", None))


def lock_checked_form(form_class, county_path: str | None):
    """The admin's model form, refusing (as a non-field error, keeping what was typed) a change of locked data."""

    class LockCheckedForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            try:
                assert_instance_editable(self.instance, county_path)
            except EditLocked as locked:
                self.add_error(None, locked)

    LockCheckedForm.__name__ = form_class.__name__
    return LockCheckedForm


def delete_refusals(objs, county_path: str | None) -> list[str]:
    """Lock messages for the objects an admin delete would remove (shown where Django lists protected objects)."""
    found: list[str] = []
    for obj in objs:
        try:
            assert_instance_editable(obj, county_path)
        except EditLocked as locked:
            if locked.text not in found:
                found.append(locked.text)
    return found
