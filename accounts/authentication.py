"""API tokens that expire: DRF's Token, refused once older than settings.API_TOKEN_TTL."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_expires_at(token):
    return token.created + settings.API_TOKEN_TTL


def token_expired(token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(
                _("令牌已过期，请用用户名和密码重新获取（POST /api/v1/auth/token/）。")
            )
        return user, token
