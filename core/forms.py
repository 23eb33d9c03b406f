"""Helpers every app's forms use: a service's ValidationError onto the form, read-only forms, "any" choices."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ANY = [("", _("全部"))]


def apply_validation_error(form, error: ValidationError) -> None:
    """Put a model ValidationError raised by a service onto the form: next to its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


def make_read_only(form) -> None:
    for field in form.fields.values():
        field.disabled = True
