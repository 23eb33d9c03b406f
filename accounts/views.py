"""Account pages the portal adds to Django's: the password change that ends API tokens, the lockout page."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import services


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(form.user)
        return response


def _cooloff_minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (settings.AXES_LOCKOUT_CALLABLE): 429, the page in the portal's look, or JSON
    for the API. It names neither the username nor the address, and says when to try again."""
    minutes = _cooloff_minutes()
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _(
                    "该用户名在此地址连续 %(limit)d 次登录失败，已暂时锁定，请 %(minutes)d 分钟后再试。"
                )
                % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
            },
            status=status,
        )
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
            status=status,
        )
    response["Retry-After"] = str(minutes * 60)
    return response
