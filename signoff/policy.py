"""Whether a county-year's sign-off ends with the province's acceptance (an optional step).

The setting lives in a rule set, which belongs to the engine above this app: the engine registers a provider
here when Django starts (indicators.signoff_params). Without one, approval is the last step."""

from collections.abc import Callable

_providers: list[Callable[[int, int], bool]] = []


def on_acceptance_required(provider: Callable[[int, int], bool]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def acceptance_required(county_id: int, year: int) -> bool:
    return any(provider(county_id, year) for provider in _providers)
