"""Reads of the audit trail, always scoped: a change is visible when the county its record belonged to at that
moment is one the viewer may see (core.scoping). Teachers' names therefore appear only inside the viewer's scope.

    page_rows = changes(viewer, school=…, counties=…, batch=…, username=…, teacher=…)   # a union queryset
    entries = entries_for(page_rows)                                                      # readable diffs
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from core.models import Region
from core.scoping import scope, visible_counties, visible_regions
from schools.models import School
from teachers.models import Teacher

from .context import Channel
from .models import AuditEvent
from .registry import AUDITED, BY_KIND, SCHOOL, SCHOOL_ROW, Audited, tracked_fields

TYPE_LABELS = {"+": "created", "~": "changed", "-": "deleted"}
TYPE_NAMES = {"created": _("新增"), "changed": _("修改"), "deleted": _("删除")}


def visible_county_ids(viewer) -> list[int] | None:
    """None: every county (administrators)."""
    if viewer is not None and viewer.is_authenticated and viewer.is_admin:
        return None
    return list(visible_counties(viewer).values_list("pk", flat=True))


def changes(
    viewer,
    *,
    school: School | None = None,
    counties: list[int] | None = None,
    batch: int | None = None,
    username: str | None = None,
    teacher: int | None = None,
    kinds: tuple[str, ...] | None = None,
) -> QuerySet:
    """(kind, history_id, history_date) of every visible change matching the filters, newest first."""
    scope = visible_county_ids(viewer)
    user_id = None
    if username:
        user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
        if user_id is None:
            user_id = -1
    parts = []
    for audited in AUDITED:
        if kinds is not None and audited.kind not in kinds:
            continue
        if teacher is not None and audited.kind != "teacher":
            continue
        if school is not None and audited.place not in (SCHOOL, SCHOOL_ROW):
            continue
        rows = audited.history.objects.exclude(history_channel=Channel.BASELINE)
        if scope is not None:
            rows = rows.filter(history_county_id__in=scope)
        if counties is not None:
            rows = rows.filter(history_county_id__in=counties)
        if school is not None:
            rows = rows.filter(id=school.pk) if audited.place == SCHOOL else rows.filter(school_id=school.pk)
        if teacher is not None:
            rows = rows.filter(id=teacher)
        if batch is not None:
            rows = rows.filter(history_batch_id=batch)
        if user_id is not None:
            rows = rows.filter(history_user_id=user_id)
        parts.append(
            rows.order_by()
            .annotate(audit_kind=Value(audited.kind, output_field=CharField()))
            .values_list("audit_kind", "history_id", "history_date")
        )
    if not parts:
        return AUDITED[0].history.objects.none().values_list("history_id")
    first, *rest = parts
    union = first.union(*rest, all=True) if rest else first
    return union.order_by("-history_date", "-history_id")


# ------------------------------------------------------------------------------------------- readable entries


@dataclass
class Entry:
    kind: str
    model: str  # the record type's readable name
    history_id: int
    at: datetime
    type: str  # created / changed / deleted
    user: str
    channel: str
    batch: int | None
    county_id: int | None
    key: str
    record_id: int
    school_code: str | None
    changes: dict = field(default_factory=dict)  # field name → [old, new]
    labels: dict = field(default_factory=dict)  # field name → readable label

    @property
    def channel_label(self):
        return Channel.LABELS.get(self.channel, self.channel)

    @property
    def type_label(self):
        return TYPE_NAMES[self.type]

    @property
    def rows(self) -> list[tuple]:
        return [(self.labels.get(name, name), old, new) for name, (old, new) in self.changes.items()]


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or None
    return value


def entries_for(rows) -> list[Entry]:
    """The readable change of each (kind, history_id, …) row, with its diff against the record's previous
    history row, in the given order. Two queries per kind present, plus two for the codes."""
    by_kind: dict[str, list[int]] = {}
    for kind, history_id, *_rest in rows:
        by_kind.setdefault(kind, []).append(history_id)
    found: dict[tuple[str, int], object] = {}
    previous: dict[tuple[str, int], object] = {}
    for kind, ids in by_kind.items():
        history = BY_KIND[kind].history
        before = (
            history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        records = list(
            history.objects.filter(history_id__in=ids)
            .annotate(prev_id=Subquery(before))
            .select_related("history_user")
        )
        prev_ids = [r.prev_id for r in records if r.prev_id]
        prevs = {p.history_id: p for p in history.objects.filter(history_id__in=prev_ids)}
        for record in records:
            found[(kind, record.history_id)] = record
            if record.prev_id:
                previous[(kind, record.history_id)] = prevs.get(record.prev_id)
    codes = _Codes(found.values(), previous.values())
    entries = []
    for kind, history_id, *_rest in rows:
        record = found.get((kind, history_id))
        if record is not None:
            entries.append(_entry(BY_KIND[kind], record, previous.get((kind, history_id)), codes))
    return entries


class _Codes:
    """School and region codes of the ids the records point at (a deleted school's from its history)."""

    def __init__(self, *groups):
        school_ids, region_ids = set(), set()
        for group in groups:
            for record in group:
                if record is None:
                    continue
                if hasattr(record, "school_id"):
                    school_ids.add(record.school_id)
                if hasattr(record, "county_id"):
                    region_ids.add(record.county_id)
        self.schools = dict(School.objects.filter(pk__in=school_ids).values_list("pk", "code"))
        missing = school_ids - set(self.schools)
        if missing:
            for pk, code in School.history.filter(id__in=missing).values_list("id", "code"):
                self.schools.setdefault(pk, code)
        self.regions = dict(Region.objects.filter(pk__in=region_ids).values_list("pk", "code"))

    def of(self, name: str, value):
        if value is None:
            return None
        if name == "school":
            return self.schools.get(value, value)
        if name == "county":
            return self.regions.get(value, value)
        return value


def _value(f, record, codes: _Codes):
    if record is None:
        return None
    value = getattr(record, f.attname)
    if f.is_relation:
        return codes.of(f.name, value)
    if f.choices and value not in (None, ""):
        return str(dict(f.flatchoices).get(value, value))
    return _plain(value)


def _entry(audited: Audited, record, prev, codes: _Codes) -> Entry:
    fields = tracked_fields(audited)
    changes = {}
    for f in fields:
        new = _value(f, record, codes)
        if record.history_type == "-":
            if new not in (None, ""):
                changes[f.name] = [new, None]
            continue
        old = _value(f, prev, codes) if prev is not None else None
        if prev is None and record.history_type == "+":
            if new not in (None, ""):
                changes[f.name] = [None, new]
        elif old != new:
            changes[f.name] = [old, new]
    school_code = None
    if audited.place == SCHOOL:
        school_code = record.code
        key_head = record.code
    elif audited.place == SCHOOL_ROW:
        school_code = codes.of("school", record.school_id)
        key_head = "" if audited.kind == "teacher" else school_code
    else:
        key_head = codes.of("county", record.county_id)
    key = " ".join(str(part) for part in [key_head, *(getattr(record, k) for k in audited.key)] if part)
    user = record.history_user
    return Entry(
        kind=audited.kind,
        model=str(audited.verbose_name),
        history_id=record.history_id,
        at=record.history_date,
        type=TYPE_LABELS[record.history_type],
        user=user.username if user is not None else "",
        channel=record.history_channel,
        batch=record.history_batch_id,
        county_id=record.history_county_id,
        key=key,
        record_id=record.id,
        school_code=school_code,
        changes=changes,
        labels={f.name: str(f.verbose_name) for f in fields},
    )


# ------------------------------------------------------------------------------------------- scope helpers


def county_ids_under(viewer, code: str) -> list[int] | None:
    """The visible counties at or under a region code; None when the region is unknown or out of scope."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        return None
    ids = list(
        visible_counties(viewer)
        .filter(Q(pk=region.pk) | Q(parent_id=region.pk) | Q(parent__parent_id=region.pk))
        .values_list("pk", flat=True)
    )
    return ids or None


def teacher_visible(viewer, pk: int) -> bool:
    """A teacher record in the viewer's scope, or a deleted one with a change there."""
    teachers = scope(Teacher.objects.filter(pk=pk), viewer, "school__county")
    return teachers.exists() or changes(viewer, teacher=pk).exists()


def batch_visible(viewer, batch: int) -> bool:
    """Administrators may open any batch's page (it may have changed nothing); others a batch with a change in
    their scope (another county's batch reads like one that does not exist)."""
    if viewer is not None and viewer.is_authenticated and viewer.is_admin:
        return True
    return changes(viewer, batch=batch).exists()


def events(viewer, *, username: str | None = None) -> QuerySet[AuditEvent]:
    """Administrators see every event; others the events of their own account and of the regions they see."""
    rows = AuditEvent.objects.select_related("region", "user")
    if username:
        rows = rows.filter(username=username)
    if viewer is None or not viewer.is_authenticated:
        return rows.none()
    if viewer.is_admin:
        return rows
    return rows.filter(Q(user=viewer) | Q(region__in=visible_regions(viewer)))
