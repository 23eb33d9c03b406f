"""Writes of the audit trail: the per-row stamp (channel, batch, county) of simple-history's records, the
set-wise record of an import, events, and the retention purge.

An import writes thousands of rows with COPY or bulk upserts, which send no signals. `record_batch` records them
afterwards, inside the import's transaction, with one ``INSERT … SELECT`` per table from the rows the batch wrote
(and one for the rows it deleted): no row passes through Python, on PostgreSQL and SQLite alike.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from schools.models import School

from . import context
from .context import Channel
from .models import AuditEvent
from .registry import BY_MODEL, BY_SHEET, COUNTY_ROW, SCHOOL, SCHOOL_ROW, Audited, tracked_fields

logger = logging.getLogger(__name__)

# Six months at least: a bureau may keep more, never less (docs/audit.md).
MIN_RETENTION_DAYS = 183


# ------------------------------------------------------------------------------------------- per-row records


def county_of(instance) -> int | None:
    audited = BY_MODEL.get(type(instance))
    if audited is None:
        return None
    if audited.place == SCHOOL_ROW:
        school = instance._state.fields_cache.get("school")
        if school is not None:
            return school.county_id
        return School.objects.filter(pk=instance.school_id).values_list("county_id", flat=True).first()
    return instance.county_id


def stamp_history_row(sender, instance, history_instance, **kwargs) -> None:
    """simple-history's pre_create_historical_record: channel, batch and county of a single-row change."""
    state = context.current()
    history_instance.history_channel = state.channel
    history_instance.history_batch_id = state.batch_id
    history_instance.history_county_id = county_of(instance)


# ------------------------------------------------------------------------------------------- imports


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _in(values: Iterable) -> tuple[str, list]:
    values = list(values)
    return ", ".join(["%s"] * len(values)), values


def _source(audited: Audited, counties: list[int], years: list[int]) -> tuple[str, str, list] | None:
    """FROM … WHERE … of the audited table restricted to the batch's counties (and years), and the SQL of a
    row's county. None when the batch cannot have touched the table (a yearly table and no year)."""
    table = _q(audited.model._meta.db_table)
    county_marks, county_params = _in(counties)
    if audited.place == SCHOOL:
        return f"{table} t WHERE t.county_id IN ({county_marks})", "t.county_id", county_params
    if not years:
        return None
    year_marks, year_params = _in(years)
    if audited.place == SCHOOL_ROW:
        schools = _q(School._meta.db_table)
        return (
            f"{table} t JOIN {schools} s ON s.id = t.school_id "
            f"WHERE s.county_id IN ({county_marks}) AND t.year IN ({year_marks})",
            "s.county_id",
            [*county_params, *year_params],
        )
    assert audited.place == COUNTY_ROW
    return (
        f"{table} t WHERE t.county_id IN ({county_marks}) AND t.year IN ({year_marks})",
        "t.county_id",
        [*county_params, *year_params],
    )


def _record_written(cursor, audited: Audited, source, *, user_id, batch_id, since) -> int:
    """History rows for the table's rows written since their last record: created ('+') or changed ('~'), dated
    by the row's own updated_at.

    With the import's start known (`context.importing`), only rows updated since then are read, and a row created
    since then is '+'; without it, every row of the counties and years is compared with its history. The ORDER BY
    (on a column no index provides) makes PostgreSQL read every source row before inserting the first history row,
    so the history lookups never scan rows this statement is adding (SQLite does the same by itself)."""
    history = _q(audited.history._meta.db_table)
    where, county_sql, params = source
    columns = [f.column for f in tracked_fields(audited)]
    copied = ", ".join(_q(c) for c in columns)
    selected = ", ".join(f"t.{_q(c)}" for c in columns)
    if since is not None:
        since_value = connection.ops.adapt_datetimefield_value(since)
        kind_sql, kind_params = "CASE WHEN t.created_at >= %s THEN '+' ELSE '~' END", [since_value]
        where, params = f"{where} AND t.updated_at >= %s", [*params, since_value]
    else:
        kind_sql = f"CASE WHEN EXISTS (SELECT 1 FROM {history} p WHERE p.id = t.id) THEN '~' ELSE '+' END"
        kind_params = []
    cursor.execute(
        f"INSERT INTO {history} (id, {copied}, history_date, history_type, history_user_id, history_channel, "
        f"history_batch_id, history_county_id) "
        f"SELECT t.id, {selected}, t.updated_at, {kind_sql}, %s, %s, %s, {county_sql} "
        f"FROM {where} "
        f"AND NOT EXISTS (SELECT 1 FROM {history} h WHERE h.id = t.id AND h.history_date >= t.updated_at) "
        f"ORDER BY t.updated_at, t.id",
        [*kind_params, user_id, Channel.IMPORT, batch_id, *params],
    )
    return cursor.rowcount


def _record_deleted(cursor, audited: Audited, counties, years, *, user_id, batch_id, now) -> int:
    """A '-' record, copied from the last record, for every recorded row of the batch's counties (and years)
    that is no longer in the table."""
    history = _q(audited.history._meta.db_table)
    table = _q(audited.model._meta.db_table)
    columns = [f.column for f in tracked_fields(audited)]
    copied = ", ".join(_q(c) for c in columns)
    selected = ", ".join(f"h.{_q(c)}" for c in columns)
    county_marks, params = _in(counties)
    year_sql = ""
    if audited.place != SCHOOL:
        if not years:
            return 0
        year_marks, year_params = _in(years)
        year_sql = f" AND h.year IN ({year_marks})"
        params = [*params, *year_params]
    cursor.execute(
        f"INSERT INTO {history} (id, {copied}, history_date, history_type, history_user_id, history_channel, "
        f"history_batch_id, history_county_id) "
        f"SELECT h.id, {selected}, %s, '-', %s, %s, %s, h.history_county_id FROM {history} h "
        f"WHERE h.history_county_id IN ({county_marks}){year_sql} AND h.history_type <> '-' "
        f"AND h.history_id = (SELECT MAX(l.history_id) FROM {history} l WHERE l.id = h.id) "
        f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = h.id)",
        [connection.ops.adapt_datetimefield_value(now), user_id, Channel.IMPORT, batch_id, *params],
    )
    return cursor.rowcount


def record_batch(*, user, county_ids: Iterable[int], years: Iterable[int], counts: dict) -> dict[str, int]:
    """Record what an import just wrote, inside its transaction: per table one INSERT … SELECT of the rows it
    created or changed and one of the rows it deleted, with the import's user, channel "import" and batch id
    (`context.importing`). `counts` is the importer's per-sheet {created, updated, unchanged, deleted}: a table
    the batch did not change costs nothing. Returns history rows written per kind."""
    counties = sorted({int(c) for c in county_ids if c})
    years = sorted({int(y) for y in years if y})
    if not counties:
        return {}
    state = context.current()
    batch_id = state.batch_id if state.channel == Channel.IMPORT else None
    since = state.started if state.channel == Channel.IMPORT else None
    user_id = getattr(user, "pk", None)
    now = timezone.now()
    written: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for sheet, count in counts.items():
            audited = BY_SHEET.get(sheet)
            if audited is None:
                continue
            total = 0
            if count.get("created") or count.get("updated"):
                source = _source(audited, counties, years)
                if source is not None:
                    total += _record_written(
                        cursor, audited, source, user_id=user_id, batch_id=batch_id, since=since
                    )
            if count.get("deleted"):
                total += _record_deleted(
                    cursor, audited, counties, years, user_id=user_id, batch_id=batch_id, now=now
                )
            if total:
                written[audited.kind] = total
        record_event(
            "import",
            user=user,
            region_id=counties[0] if len(counties) == 1 else None,
            detail={"batch": batch_id, "counties": counties, "years": years, "rows": written},
        )
    return written


# ------------------------------------------------------------------------------------------- events


def record_event(kind: str, *, user=None, region_id: int | None = None, detail: dict | None = None) -> None:
    """core.hooks.audit_event's listener. A failed login names the tried username in detail["username"]."""
    detail = dict(detail or {})
    real_user = user if getattr(user, "is_authenticated", False) else None
    username = getattr(real_user, "username", "") or str(detail.pop("username", ""))[:150]
    if real_user is not None:
        detail.pop("username", None)
    AuditEvent.objects.create(
        kind=kind[:40],
        user=real_user,
        username=username,
        region_id=region_id,
        channel=context.current().channel,
        detail=detail,
    )


# ------------------------------------------------------------------------------------------- retention


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, int(getattr(settings, "AUDIT_RETENTION_DAYS", 400)))


def purge_expired(*, now=None) -> dict[str, int]:
    """Delete history rows and events older than the retention period, and nothing younger."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    deleted: dict[str, int] = {}
    with transaction.atomic():
        for audited in BY_MODEL.values():
            count, _ = audited.history.objects.filter(history_date__lt=cutoff).delete()
            if count:
                deleted[audited.kind] = count
        count, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        if count:
            deleted["events"] = count
    logger.info("audit retention: deleted %s (older than %s)", deleted, cutoff.date())
    return deleted
