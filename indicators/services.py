"""Writes of the indicator engine. `request_recompute` is the one hook every data change calls."""

from collections.abc import Iterable


def request_recompute(county_ids: Iterable[int], year: int | None = None) -> None:
    """Queue a debounced recompute of these counties once the current transaction commits.

    Placeholder until the indicator engine lands; callers already use it so no data path is missed.
    """
    return None
