"""The domain exceptions of sign-off.

`EditLocked` is a ValidationError so that every form that shows a service's ValidationError shows it too (as a
non-field error, keeping what the user typed); the API answers it with 409 (signoff.api.exception_handler, and
schools.api lets it through instead of turning it into a 400)."""

from django.core.exceptions import ValidationError


class EditLocked(ValidationError):
    """The data of a submitted, approved or accepted county-year was about to change."""

    def __init__(self, message: str, *, county_id: int, year: int):
        super().__init__(message, code="locked")
        self.county_id = county_id
        self.year = year
        self.text = message


class TransitionRefused(Exception):
    """The county-year's state does not allow this step (e.g. approving a draft)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
