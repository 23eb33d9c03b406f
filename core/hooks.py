"""The one hook through which writes announce changed inputs.

Every write calls `data_changed` after it wrote, and nothing else: the services of the lower layers (schools,
teachers: forms, the API, the admin) and the workbook importer, saying who wrote and what kind of write it was. The
indicator engine, a layer above them, subscribes in its AppConfig.ready() and queues the recompute. So a write never imports the engine, and
the engine is the only one that decides what a change costs. Listeners run inside the caller's transaction: they
must only *queue* work on commit (as the engine does), never do it there.
"""

from collections.abc import Callable, Iterable
from typing import Protocol

# What kind of write a change was: one row at a time (a form, the API, the admin's save or import-export) or a
# workbook import. The listeners record it (the recompute run's trigger, the quality check's), with the user.
EDIT = "edit"
IMPORT = "import"


class Listener(Protocol):
    def __call__(
        self, county_ids: Iterable[int], year: int | None, *, user=None, trigger: str = EDIT
    ) -> None: ...


_listeners: list[Listener] = []


def on_data_changed(listener: Listener) -> None:
    """Subscribe (once: AppConfig.ready() may run more than once in tests)."""
    if listener not in _listeners:
        _listeners.append(listener)


def data_changed(
    county_ids: Iterable[int], year: int | None = None, *, user=None, trigger: str = EDIT
) -> None:
    """The inputs of these counties (for this year; None = not tied to a year) changed in the current
    transaction, by `user` (None: a command or the system), through a write of kind `trigger` (EDIT, IMPORT).
    The one announcement of a write: every path that writes calls it, and nothing else, once per year."""
    ids = [int(c) for c in county_ids if c]
    if not ids:
        return
    for listener in _listeners:
        listener(ids, year, user=user, trigger=trigger)


def listeners() -> tuple[Callable, ...]:
    return tuple(_listeners)


# --- Audit events -----------------------------------------------------------------------------------------------
# Apps below the audit trail (accounts' logins, sign-off, the engine's runs) announce events that are not row
# changes through this hook; the audit app subscribes in its ready() and stores them. With no subscriber (an app
# not installed, a unit test) an event is simply not recorded.


class AuditListener(Protocol):
    def __call__(
        self, kind: str, *, user=None, region_id: int | None = None, detail: dict | None = None
    ) -> None: ...


_audit_listeners: list[AuditListener] = []


def on_audit_event(listener: AuditListener) -> None:
    if listener not in _audit_listeners:
        _audit_listeners.append(listener)


def audit_event(kind: str, *, user=None, region_id: int | None = None, detail: dict | None = None) -> None:
    """Record that `kind` happened (e.g. "login", "login_failed", "role_changed", "approval.submit",
    "recompute.start"), by `user`, about a region. `detail` holds no personal data (no teacher's name)."""
    for listener in _audit_listeners:
        listener(kind, user=user, region_id=region_id, detail=detail)


# --- Open validation violations ---------------------------------------------------------------------------------
# The validation rules live above the registry; sign-off (below it) lists a county-year's open violations when a
# clerk submits, through the providers the rules app registers here.


class ViolationProvider(Protocol):
    def __call__(self, county_id: int, year: int) -> list[dict]: ...


_violation_providers: list[ViolationProvider] = []


def on_open_violations(provider: ViolationProvider) -> None:
    if provider not in _violation_providers:
        _violation_providers.append(provider)


def open_violations(county_id: int, year: int) -> list[dict]:
    """Each open violation as {"rule": readable rule name, "severity": "error"|"warning", "message": Chinese
    sentence naming the record (no teacher's name), "url": link to the record or None}."""
    found: list[dict] = []
    for provider in _violation_providers:
        found.extend(provider(county_id, year))
    return found


# --- Stored results changed ----------------------------------------------------------------------------------------
# The engine announces, after a run has written results and roll-ups, which counties' stored results changed; the
# plans app (a layer above the engine) subscribes in its ready() and re-judges its targets on commit. So the engine
# never imports plans. Listeners must only queue work on commit.


class ResultsListener(Protocol):
    def __call__(self, county_ids: Iterable[int]) -> None: ...


_results_listeners: list[ResultsListener] = []


def on_results_changed(listener: ResultsListener) -> None:
    if listener not in _results_listeners:
        _results_listeners.append(listener)


def results_changed(county_ids: Iterable[int]) -> None:
    """The stored results (and roll-ups) of these counties were rewritten in the current transaction."""
    ids = sorted({int(c) for c in county_ids if c})
    for listener in _results_listeners:
        listener(ids)


# --- Entry warnings ---------------------------------------------------------------------------------------------
# The data-entry pages (schools, teachers) show, next to the fields, what the validation rules (an app above them)
# find about the one school being edited: warnings, never errors — saving still works.


class EntryWarningProvider(Protocol):
    def __call__(self, school_id: int, year: int | None, page: str) -> list[dict]: ...


_entry_warning_providers: list[EntryWarningProvider] = []


def on_entry_warnings(provider: EntryWarningProvider) -> None:
    if provider not in _entry_warning_providers:
        _entry_warning_providers.append(provider)


def entry_warnings(school_id: int, year: int | None, page: str) -> list[dict]:
    """What the rules find now about one school (and year) that belongs on `page` ("school", "school_year",
    "classes", "teachers"): each {"rule", "severity", "message", "model", "object_id", "field"}."""
    found: list[dict] = []
    for provider in _entry_warning_providers:
        found.extend(provider(school_id, year, page))
    return found


# --- Evidence files ---------------------------------------------------------------------------------------------
# Evidence of the registry's qualitative declarations (佐证材料) is checked by the one content check the portal has
# for evidence files, which lives with the progress reports (plans, a layer above); plans registers it here.


class EvidenceChecker(Protocol):
    def __call__(self, fileobj, name: str, size: int) -> str: ...


_evidence_checkers: list[tuple[EvidenceChecker, type[Exception]]] = []


def on_evidence_check(checker: EvidenceChecker, refused: type[Exception]) -> None:
    """checker(fileobj, name, size) returns the file's kind (its stored extension) or raises `refused` whose text
    is the reason for the user."""
    if (checker, refused) not in _evidence_checkers:
        _evidence_checkers.append((checker, refused))


class EvidenceRefused(Exception):
    pass


def check_evidence(fileobj, name: str, size: int) -> str:
    """The kind of an acceptable evidence file, judged by its content; EvidenceRefused with the reason otherwise
    (also when no checker is installed: nothing unchecked is stored)."""
    if not _evidence_checkers:
        raise EvidenceRefused("no evidence check installed")
    checker, refused = _evidence_checkers[0]
    try:
        return checker(fileobj, name, size)
    except refused as exc:
        raise EvidenceRefused(str(exc)) from exc
