"""Writes of accounts: API tokens and what follows a password change."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from .authentication import token_expired


def token_issue(user) -> Token:
    """The user's API token: the current one while it lasts, else a new one (the old key stops working)."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and token_expired(token):
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=user)
    return token


def password_changed(user) -> None:
    """A new password ends every API token of the user: a script holding the old one must sign in again.

    Sessions need nothing here: Django keys them to the password hash, so other sessions end on their own and the
    views keep the changing user's own session (update_session_auth_hash).
    """
    Token.objects.filter(user=user).delete()
