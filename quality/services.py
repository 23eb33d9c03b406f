"""Writes of the quality app: running the checks of a county-year, queueing them after data changes, editing rules.

A check of a county-year is idempotent: in one transaction it replaces the county-year's stored violations with
what the enabled rules find now (one query per rule, two for the z-score). It is bounded in time: a Celery task
with time limits, and on PostgreSQL a statement timeout inside the transaction.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from celery import signature
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from core import hooks
from core.models import Region
from core.scoping import can_edit_county
from schools.models import SchoolYear

from .defaults import DEFAULT_RULES
from .kinds import KINDS
from .models import CheckRun, Severity, ValidationRule, Violation

logger = logging.getLogger(__name__)

# The tasks (quality/tasks.py) are thin wrappers over this module, so it sends them by name rather than importing
# them; every process registers them (the app's ready() and Celery's autodiscovery import quality.tasks).
CHECK_COUNTY = "quality.tasks.check_county"
RECHECK_ALL = "quality.tasks.recheck_all"

# Seconds one check of a county-year may take in the database (PostgreSQL statement_timeout).
CHECK_STATEMENT_TIMEOUT_MS = 60_000


def check_county_year(county_id: int, year: int, *, trigger: str = "edit") -> CheckRun:
    """Run every enabled rule over one county-year and store what they found (replacing the previous check)."""
    rules = list(ValidationRule.objects.filter(enabled=True).order_by("position", "code"))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL statement_timeout = {int(CHECK_STATEMENT_TIMEOUT_MS)}")
        run, _created = CheckRun.objects.get_or_create(county_id=county_id, year=year)
        run = CheckRun.objects.select_for_update().get(pk=run.pk)
        run.started_at = timezone.now()
        run.trigger = trigger[:20]
        violations: list[Violation] = []
        failures = []
        for rule in rules:
            kind = KINDS.get(rule.kind)
            if kind is None:
                failures.append({"rule": rule.code, "reason": f"unknown kind {rule.kind}"})
                continue
            try:
                params = kind.clean_params(rule.params)
                with transaction.atomic():
                    findings = kind.find(params, county_id, year)
            except ValidationError as error:
                failures.append({"rule": rule.code, "reason": "; ".join(error.messages)})
                continue
            violations += [
                Violation(
                    run=run,
                    rule=rule,
                    severity=rule.severity,
                    school_id=f.school_id,
                    model=f.model,
                    object_id=f.object_id,
                    field=f.field,
                    label=f.label[:250],
                    values=f.values,
                )
                for f in findings
            ]
        Violation.objects.filter(run=run).delete()
        Violation.objects.bulk_create(violations, batch_size=1000)
        run.errors = sum(1 for v in violations if v.severity == Severity.ERROR)
        run.warnings = len(violations) - run.errors
        run.failures = failures
        run.status = CheckRun.Status.DONE
        run.finished_at = timezone.now()
        run.save()
    return run


def check_county_year_safely(county_id: int, year: int, *, trigger: str = "edit") -> CheckRun | None:
    """check_county_year that never raises: a failure is logged and marked on the county-year's run."""
    try:
        return check_county_year(county_id, year, trigger=trigger)
    except Exception as exc:  # noqa: BLE001 - a check must never break the write that triggered it
        logger.exception("quality check of county %s year %s failed", county_id, year)
        CheckRun.objects.update_or_create(
            county_id=county_id,
            year=year,
            defaults={
                "status": CheckRun.Status.FAILED,
                "finished_at": timezone.now(),
                "failures": [{"rule": "", "reason": f"{type(exc).__name__}"[:200]}],
            },
        )
        return None


def years_to_check(county_id: int, year: int | None) -> list[int]:
    """The years a change touches: the year named, else (a change not tied to a year, e.g. a school's code) the
    county's latest year of data and every year already checked."""
    if year is not None:
        return [year]
    years = set(CheckRun.objects.filter(county_id=county_id).values_list("year", flat=True))
    latest = SchoolYear.objects.filter(school__county_id=county_id).aggregate(y=Max("year"))["y"]
    if latest is not None:
        years.add(latest)
    return sorted(years)


# ---------------------------------------------------------------- queueing after a change

_local = threading.local()


def _pending() -> dict[tuple[int, int | None], str]:
    """(county id, year) → the kind of write that changed it, for the checks queued on commit."""
    if not hasattr(_local, "pending"):
        _local.pending = {}
    return _local.pending


def data_changed(
    county_ids: Iterable[int], year: int | None, *, user=None, trigger: str = hooks.EDIT
) -> None:
    """The core.hooks listener: queue a check of these county-years once the current transaction commits (a
    formset of 30 rows saved in one transaction is checked once); the check records the kind of write."""
    ids = {int(c) for c in county_ids if c}
    if not ids:
        return
    _pending().update(dict.fromkeys(((county_id, year) for county_id in ids), trigger))
    transaction.on_commit(_flush)


def _flush() -> None:
    requested = dict(_pending())
    _pending().clear()
    # Requests of a transaction that rolled back stay pending until the next commit: checking those counties then
    # is harmless, but a county deleted meanwhile is skipped.
    existing = set(Region.objects.filter(pk__in={c for c, _ in requested}).values_list("pk", flat=True))
    pending = sorted((p for p in requested if p[0] in existing), key=lambda p: (p[0], p[1] or 0))
    for trigger in sorted({requested[p] for p in pending}):
        queue_checks([p for p in pending if requested[p] == trigger], trigger=trigger)


def queue_checks(pairs: Iterable[tuple[int, int | None]], *, trigger: str) -> None:
    """One Celery task per county-year; inline without a broker, or when the broker cannot be reached (a check is a
    handful of queries, and a lost check would leave stale violations)."""
    for county_id, year in pairs:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            for each in years_to_check(county_id, year):
                check_county_year_safely(county_id, each, trigger=trigger)
            continue
        try:
            signature(CHECK_COUNTY).apply_async((county_id, year, trigger), retry=False, ignore_result=True)
        except Exception:  # noqa: BLE001 - broker down: check here rather than lose it
            logger.warning("quality check of county %s queued inline: broker unavailable", county_id)
            for each in years_to_check(county_id, year):
                check_county_year_safely(county_id, each, trigger=trigger)


# ---------------------------------------------------------------- rules


def rule_update(*, user, rule: ValidationRule, **data) -> ValidationRule:
    """An administrator's change to a rule. Parameters are checked against the rule's kind; the county-years already
    checked are checked again once the change commits, so the lists follow the new thresholds."""
    if user is not None and not getattr(user, "is_admin", False):
        raise PermissionDenied("only administrators change validation rules")
    for name, value in data.items():
        setattr(rule, name, value)
    kind = KINDS.get(rule.kind)
    if kind is None:
        raise ValidationError({"kind": ValidationError("unknown kind")})
    try:
        rule.params = kind.clean_params(rule.params)
    except ValidationError as error:
        raise ValidationError({"params": error.messages}) from error
    if user is not None:
        rule.updated_by = user
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        transaction.on_commit(recheck_all)
    return rule


def recheck_all() -> None:
    """After a rule changed (on commit): every county-year checked before is checked again, by the task
    (inline without a broker)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        recheck_checked()
        return
    if not CheckRun.objects.exists():
        return
    try:
        signature(RECHECK_ALL).apply_async(retry=False, ignore_result=True)
    except Exception:  # noqa: BLE001 - the lists show that the rules changed after the check
        logger.warning("quality recheck not queued: broker unavailable")


def recheck_checked() -> int:
    """Check again every county-year checked before; returns how many."""
    pairs = list(CheckRun.objects.order_by("county_id", "year").values_list("county_id", "year"))
    for county_id, year in pairs:
        check_county_year_safely(county_id, year, trigger="rule")
    return len(pairs)


def rules_seed_defaults() -> int:
    """Create the default rules that are missing (by code); an existing rule is left as its administrator set it."""
    created = 0
    for position, spec in enumerate(DEFAULT_RULES):
        _rule, made = ValidationRule.objects.get_or_create(
            code=spec["code"], defaults={**spec, "position": (position + 1) * 10}
        )
        created += made
    return created


def check_now(*, user, county_id: int, year: int) -> CheckRun:
    """The "check now" button: run in the request (bounded; a county-year is a few queries)."""
    if not can_edit_county(user, county_id):
        raise PermissionDenied
    try:
        return check_county_year(county_id, year, trigger="user")
    except DatabaseError:
        logger.exception("quality check of county %s year %s failed", county_id, year)
        raise
