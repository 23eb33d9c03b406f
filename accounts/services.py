"""Writes of accounts: API tokens and what follows a password change."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from core import hooks
from core.models import Region

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


# --- audit events (stored by the audit app, which subscribes to core.hooks.audit_event) ---------------------


def _address(request) -> str:
    return (getattr(request, "META", None) or {}).get("REMOTE_ADDR", "")


def logged_in(sender, request, user, **kwargs) -> None:
    """django.contrib.auth's user_logged_in signal."""
    hooks.audit_event("login", user=user, region_id=user.region_id, detail={"ip": _address(request)})


def login_failed(sender, credentials, request=None, **kwargs) -> None:
    """django.contrib.auth's user_login_failed signal: the name that was tried, never the password."""
    username = str(credentials.get("username", ""))[:150]
    hooks.audit_event("login_failed", detail={"username": username, "ip": _address(request)})


def role_changed(account, *, by, old_role: str | None, old_region_id: int | None) -> None:
    """An administrator gave `account` a role or region (or created it with one): recorded when either changed."""
    if (old_role, old_region_id) == (account.role, account.region_id):
        return
    regions = dict(Region.objects.filter(pk__in=[old_region_id, account.region_id]).values_list("pk", "code"))
    hooks.audit_event(
        "role_changed",
        user=by,
        region_id=account.region_id or old_region_id,
        detail={
            "account": account.username,
            "role": [old_role, account.role],
            "region": [regions.get(old_region_id), regions.get(account.region_id)],
        },
    )
