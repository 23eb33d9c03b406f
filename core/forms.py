"""Helpers every app's forms use: a service's ValidationError onto the form, read-only forms, "any" choices, a
select that renders fast."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
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


class QuickSelect(forms.Select):
    """Django's <select>, written in Python instead of through templates.

    Django renders every <option> with two templates of its own (the option and its attributes): the filters of a
    province official's lists (120 counties and the fixed choices) took a fifth of the page's time. Same markup.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], _attributes(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    _attributes(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every piece went through format_html (escaped)


def _attributes(attrs: dict) -> SafeString:
    """As Django's attrs.html writes them: in order, True as a bare name, False left out."""
    return mark_safe(  # every piece went through format_html (escaped)
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


# ---------------------------------------------------------------- entry warnings (core.hooks.entry_warnings)


def attach_entry_warnings(target, school_id: int | None, year: int | None, page: str) -> list[dict]:
    """Ask the validation rules (through core.hooks) what they find now about one school on this page, and put each
    warning next to its field: `form.fields[name].entry_warnings` (a formset: the row of the record it names).
    Warnings of no field of the page go to `target.entry_warnings`, shown above the form. Saving is never refused."""
    from . import hooks

    found = hooks.entry_warnings(school_id, year, page) if school_id else []
    forms = list(target) if hasattr(target, "management_form") else [target]
    unplaced = []
    for warning in found:
        text = f"{warning['rule']}：{warning['message']}"
        placed = False
        for form in forms:
            field = form.fields.get(warning.get("field") or "")
            instance = getattr(form, "instance", None)
            same_record = instance is not None and instance.pk == warning.get("object_id")
            if field is not None and same_record and _model_key(form) == warning.get("model"):
                field.entry_warnings = [*getattr(field, "entry_warnings", []), text]
                placed = True
                break
        if not placed:
            unplaced.append({**warning, "text": text})
    target.entry_warnings = unplaced
    return found


def _model_key(form) -> str:
    """The model of a ModelForm as the rules name it: School → "school", SchoolYear → "school_year"."""
    name = form._meta.model.__name__
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def message_entry_warnings(request, school_id: int | None, year: int | None, page: str) -> None:
    """After a save that leaves the page: the rules' warnings about the school as messages of the next page."""
    from django.contrib import messages

    from . import hooks

    for warning in hooks.entry_warnings(school_id, year, page) if school_id else []:
        messages.warning(request, f"{warning['rule']}：{warning['message']}")
