"""`{{ object|choice_label:"field" }}`: the label of a field's stored choice, as `get_<field>_display` gives it.

Django's `get_<field>_display` rebuilds the field's choices and translates every label on each call (about 0.1 ms):
a list page of 50 rows and two or three choice columns spent more on that than on its query. Here the labels are
translated once per field and language.
"""

from functools import cache

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def choice_label(obj, name: str):
    field = obj._meta.get_field(name)
    value = getattr(obj, field.attname)
    return _labels(field, get_language()).get(value, value)


@cache
def _labels(field, language: str | None) -> dict:
    # `language` is only the key: the labels are translated into the active language, which is that one.
    return {value: str(label) for value, label in field.flatchoices}
