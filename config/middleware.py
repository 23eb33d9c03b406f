import json

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.defaults import bad_request


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the user picked English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a bureau PC with an English Windows
    would show the portal in English; the inspection vocabulary is Chinese, so only an explicit choice
    (the language cookie set by /i18n/setlang/) changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def client_ip(request) -> str:
    """The client's address for the login lock (django-axes): the connection's, or the one the trusted
    proxies report (settings.TRUSTED_PROXIES counts them; each appends the address it received from)."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _unusable(text: str) -> bool:
    """NUL cannot be stored in PostgreSQL text, and a lone surrogate cannot be encoded at all."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_unusable(value) -> bool:
    if isinstance(value, str):
        return _unusable(value)
    if isinstance(value, dict):
        return any(_unusable(key) or _json_unusable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_json_unusable(item) for item in value)
    return False


class RejectUndecodableInputMiddleware:
    """A NUL byte or a lone surrogate in the URL, the query string, a form field or a JSON body answers 400.

    Django decodes such input without complaint, but the database refuses it (PostgreSQL: "A string literal
    cannot contain NUL characters"), which would surface as a 500 deep inside a view. Refusing at the door
    keeps every view, filter and serializer from having to know; HTML gets the portal's 400 page, /api/ a
    JSON error. Bytes that are not UTF-8 already arrive as U+FFFD (Django replaces them) and pass.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = self._bad(request)
        if bad:
            if is_api(request):
                # Named like a serializer's or FilterSet's errors: the parameter that carried it, when known.
                message = _("请求中含有无法处理的字符（如空字符），请删除后重试。")
                fields = bad if isinstance(bad, list) else ["detail"]
                return JsonResponse(
                    {name: ([message] if name != "detail" else message) for name in fields}, status=400
                )
            return bad_request(request, exception=None)
        return self.get_response(request)

    @staticmethod
    def _bad(request) -> bool | list[str]:
        """False, True (somewhere without a name: the path, a JSON body) or the names of the bad parameters."""
        if _unusable(request.path_info):
            return True
        named = [
            key if not _unusable(key) else "detail"
            for key, values in request.GET.lists()
            if _unusable(key) or any(_unusable(value) for value in values)
        ]
        if named:
            return named
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return False
        content_type = request.content_type or ""
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            named = [
                key if not _unusable(key) else "detail"
                for key, values in request.POST.lists()
                if _unusable(key) or any(_unusable(value) for value in values)
            ]
            if named:
                return named
            return any(_unusable(upload.name or "") for upload in request.FILES.values())
        if content_type.endswith("json"):
            body = request.body
            if b"\x00" in body:
                return True
            # Only a body with \\u escapes can hide NUL or a surrogate; parse just those (the view parses
            # again, and answers a JSON syntax error itself).
            if b"\\u" in body or b"\\U" in body:
                try:
                    return _json_unusable(json.loads(body))
                except ValueError:
                    return False
        return False


class SecurityHeadersMiddleware:
    """Permissions-Policy, which neither Django nor django-csp sets."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user and on every API response.

    The simplest rule that is right: nearly every signed-in page, export and API answer can carry teachers'
    names or a county's unpublished figures, and a shared office PC or a proxy must keep none of them. API calls
    authenticate inside the view (tokens), so /api/ is covered whatever the user. Static files are served by
    whitenoise before this middleware and keep their long caching; anonymous pages (login, errors) stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if is_api(request) or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
        return response
