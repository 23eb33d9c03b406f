"""Through which channel the current change arrives, and as part of which import batch.

A request sets the channel from its path (the middleware); an import sets it around its run (`importing`);
anything else — a management command, a shell, a Celery task — is "command". The per-row history records
(signals) and the set-wise batch record (services.record_batch) both read it from here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel:
    WEB = "web"
    API = "api"
    IMPORT = "import"
    ADMIN = "admin"
    COMMAND = "command"
    BASELINE = "baseline"

    LABELS = {
        WEB: _("网页表单"),
        API: _("接口"),
        IMPORT: _("导入"),
        ADMIN: _("管理后台"),
        COMMAND: _("命令行/系统"),
        BASELINE: _("启用审计时的数据"),
    }
    choices = list(LABELS.items())


@dataclass(frozen=True)
class State:
    channel: str = Channel.COMMAND
    user_id: int | None = None
    batch_id: int | None = None
    started: datetime | None = None  # when the import began: rows it wrote have updated_at at or after it


_DEFAULT = State()
_state: ContextVar[State] = ContextVar("audit_state")


def current() -> State:
    return _state.get(_DEFAULT)


def channel_for_path(path: str) -> str:
    if path.startswith("/api/"):
        return Channel.API
    if path.startswith("/admin/"):
        return Channel.ADMIN
    return Channel.WEB


@contextmanager
def using(state: State) -> Iterator[State]:
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


@contextmanager
def importing(batch_id: int | None = None, *, user=None) -> Iterator[State]:
    """Around a real import: its rows are recorded with channel "import" and this batch id."""
    state = State(
        channel=Channel.IMPORT,
        user_id=getattr(user, "pk", None),
        batch_id=batch_id,
        started=timezone.now(),
    )
    with using(state):
        yield state
