"""The one hook through which writes announce changed inputs.

Services of the lower layers (schools, teachers) call `data_changed` after a write; the indicator engine, a layer
above them, subscribes in its AppConfig.ready() and queues the recompute. So a write never imports the engine, and
the engine is the only one that decides what a change costs. Listeners run inside the caller's transaction: they
must only *queue* work on commit (as the engine does), never do it there.
"""

from collections.abc import Callable, Iterable
from typing import Protocol


class Listener(Protocol):
    def __call__(self, county_ids: Iterable[int], year: int | None, *, user=None) -> None: ...


_listeners: list[Listener] = []


def on_data_changed(listener: Listener) -> None:
    """Subscribe (once: AppConfig.ready() may run more than once in tests)."""
    if listener not in _listeners:
        _listeners.append(listener)


def data_changed(county_ids: Iterable[int], year: int | None = None, *, user=None) -> None:
    """The inputs of these counties (for this year; None = not tied to a year) changed in the current
    transaction, by `user` (None: a command or the system)."""
    ids = [int(c) for c in county_ids if c]
    if not ids:
        return
    for listener in _listeners:
        listener(ids, year, user=user)


def listeners() -> tuple[Callable, ...]:
    return tuple(_listeners)
