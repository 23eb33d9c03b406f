"""Query-parameter filters of the REST API (`?county=371302&year=2024&school=...`).

A small declarative helper instead of a dependency: each viewset names the parameters it accepts and the ORM lookup
each one filters on. A malformed value answers 400 with a Chinese message naming the parameter.
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError


@dataclass(frozen=True)
class Param:
    lookup: str
    kind: str = "text"  # text | int | bool

    def convert(self, name: str, raw: str):
        raw = raw.strip()
        if self.kind == "int":
            if not raw.isdigit():
                raise ValidationError({name: [_("参数 %(name)s 应为整数") % {"name": name}]})
            return int(raw)
        if self.kind == "bool":
            value = raw.lower()
            if value in {"1", "true", "yes", "y", "是"}:
                return True
            if value in {"0", "false", "no", "n", "否"}:
                return False
            raise ValidationError({name: [_("参数 %(name)s 应为 true 或 false") % {"name": name}]})
        return raw


def apply_filters(queryset: QuerySet, query_params, params: dict[str, Param]) -> QuerySet:
    """Filter by every known, non-empty query parameter; unknown parameters (page, page_size, …) are ignored."""
    conditions = {}
    for name, param in params.items():
        raw = query_params.get(name)
        if raw is None or raw.strip() == "":
            continue
        conditions[param.lookup] = param.convert(name, raw)
    return queryset.filter(**conditions) if conditions else queryset


COUNTY = Param("county__code")
SCHOOL_COUNTY = Param("school__county__code")
SCHOOL = Param("school__code")
YEAR = Param("year", "int")
STAGE = Param("stage")
SUBJECT = Param("subject")
