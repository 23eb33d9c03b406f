"""API throttles (rates and why: settings REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]).

Two differences from DRF's classes: the rate is read from the settings at each request (DRF binds the rates
dict at import, so a changed setting would be ignored), and a cache that cannot be reached lets the request
through. The throttle guards capacity, it is not the lock against password guessing (django-axes keeps that in
the database), and the portal must keep answering when Redis is down.
"""

import logging

from rest_framework import throttling
from rest_framework.settings import api_settings

log = logging.getLogger(__name__)


class _SettingsRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache backend's own connection errors (Redis down)
            log.warning("API throttle cache unreachable; request let through", exc_info=True)
            return True


class AnonThrottle(_SettingsRateMixin, throttling.AnonRateThrottle):
    scope = "anon"


class UserBurstThrottle(_SettingsRateMixin, throttling.UserRateThrottle):
    scope = "user_burst"


class UserSustainedThrottle(_SettingsRateMixin, throttling.UserRateThrottle):
    scope = "user_sustained"


class AuthTokenThrottle(_SettingsRateMixin, throttling.SimpleRateThrottle):
    """The token endpoint, per client address (nobody is signed in yet)."""

    scope = "auth_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
