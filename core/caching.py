"""What pages keep in the default cache: built once, read again until its key changes. The cache only saves
work: when it cannot be reached (Redis down) the value is built on every request and the page still answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

log = logging.getLogger(__name__)


def _same(value: Any) -> Any:
    return value


def get_or_build(
    key: str,
    build: Callable[[], Any],
    timeout: int,
    *,
    pack: Callable[[Any], Any] = _same,
    unpack: Callable[[Any], Any] = _same,
) -> Any:
    """The value under `key`, else `build()` kept there for `timeout` seconds. `pack` turns the built value into what
    is stored (e.g. model rows into their ids) and `unpack` turns a stored one back."""
    try:
        stored = cache.get(key)
    except Exception:  # the cache backend's own connection errors, whatever the backend
        log.warning("cache unreachable: %s built without it", key.split(":", 1)[0], exc_info=True)
        return build()
    if stored is not None:
        return unpack(stored)
    value = build()
    try:
        cache.set(key, pack(value), timeout)
    except Exception:
        log.warning("cache unreachable: %s not kept", key.split(":", 1)[0], exc_info=True)
    return value
