"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JUNHENG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "axes",
    "csp",
    "simple_history",
    # the portal's apps, bottom layer first (pyproject.toml's import-linter contract enforces the order)
    "core",
    "accounts",
    "signoff",
    "schools",
    "teachers",
    "indicators",
    "audit",
    "quality",
    "plans",
    "workbook",
    "dashboards",
    "remedies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "config.middleware.RejectUndecodableInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # the channel (web, API, admin) and the user of every change recorded in the audit trail
    "audit.middleware.AuditMiddleware",
    "config.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Workbooks are uploaded whole; the importer streams them from disk, so keep large files out of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(100 * 1024 * 1024)))
# A preview keeps its parsed file this long for the confirm (workbook/kept.py); a later confirm reads the file again.
IMPORT_PREVIEW_KEEP_HOURS = int(os.environ.get("IMPORT_PREVIEW_KEEP_HOURS", "72"))

REST_FRAMEWORK = {
    # a refused change of signed-off data answers 409 with who locked it and when (signoff.api)
    "EXCEPTION_HANDLER": "signoff.api.exception_handler",
    # The token class first: DRF takes the first class's WWW-Authenticate header, so a missing, wrong or expired
    # token answers 401 (with the reason) rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageSizePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonThrottle",
        "core.throttling.UserBurstThrottle",
        "core.throttling.UserSustainedThrottle",
    ],
    # Why these rates: the API serves a bureau's scripts (syncing a county's roster, ~3 000 teachers, row by row)
    # and the portal's own pages. 120 calls a minute per user lets such a script run at 2 calls a second
    # and a page fire its few calls at once, while 200 calls in 8 s are not all served; 5 000 an hour bounds
    # what one stolen token can pull (page size ≤ 1 000) or write in an hour. Anonymous callers can only reach
    # the token endpoint, which has its own tighter scope; django-axes locks password guessing on top of it.
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_RATE_ANON", "60/min"),
        "user_burst": os.environ.get("API_RATE_USER_BURST", "120/min"),
        "user_sustained": os.environ.get("API_RATE_USER_SUSTAINED", "5000/hour"),
        "auth_token": os.environ.get("API_RATE_AUTH_TOKEN", "10/min"),
    },
    # Proxies in front of the portal whose X-Forwarded-For is trusted (see TRUSTED_PROXIES below).
    "NUM_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
    # Each list names its FilterSet (`filterset_class`); the same FilterSet filters the list's page.
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# OpenAPI 3 at /api/v1/schema/, Swagger UI at /api/v1/docs/. The UI's JavaScript and CSS come from the
# drf-spectacular-sidecar package through the static files: the portal runs on closed networks without a CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "均衡 (Junheng) API",
    "DESCRIPTION": (
        "县域义务教育优质均衡门户的接口。Every list and object is scoped to the caller's region: another county's "
        "object answers 404 and another county's code in a filter answers 400. Authenticate with a session or "
        "`Authorization: Token …` (POST /api/v1/auth/token/)."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The error answers DRF gives every operation (401/403/429, 404, 400) documented too (config/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_schema.document_error_responses",
    ],
    # Two choice sets share the field name "stage": a teacher's (with 高中) and a class's (compulsory only).
    "ENUM_NAME_OVERRIDES": {
        "TeacherStageEnum": "schools.choices.Stage",
        "ClassStageEnum": "schools.choices.ClassStage",
        "VerdictEnum": "indicators.serializers.VERDICTS",
        "ProjectStatusEnum": "plans.models.ProjectStatus",
        "TargetStatusEnum": "plans.models.TargetStatus",
        "ApprovalStateEnum": "signoff.models.State",
        "ApprovalActionEnum": "signoff.models.Action",
    },
}

# Celery: with no broker configured, tasks run in-process so `make run` needs no Redis.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# A publish to an unreachable broker fails within about a second instead of retrying for long: a write whose
# recompute cannot be sent still answers at once (the run stays queued and the sweeper sends it later).
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "1"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
# Recompute runs (indicators.runs): a data change waits RECOMPUTE_DEBOUNCE_SECONDS in the broker, so the edits of
# a burst committed meanwhile join the same run, and reaches the report well within 10 s.
RECOMPUTE_DEBOUNCE_SECONDS = int(os.environ.get("RECOMPUTE_DEBOUNCE_SECONDS", "2"))
# Counties per task of a run (their inputs are read in one query per source); a province of 120 makes 6 tasks.
RECOMPUTE_BATCH_COUNTIES = int(os.environ.get("RECOMPUTE_BATCH_COUNTIES", "20"))
# The sweeper (beat) sends runs queued while the broker was down and resumes (at most RECOMPUTE_RUN_MAX_RESUMES
# times, then fails) a running run without a sign of life for RECOMPUTE_RUN_STALE_SECONDS: a batch of 20 counties
# takes a few seconds, so a run is never left "running" more than stale + sweep seconds after its worker died.
RECOMPUTE_SWEEP_SECONDS = float(os.environ.get("RECOMPUTE_SWEEP_SECONDS", "30"))
RECOMPUTE_RUN_STALE_SECONDS = int(os.environ.get("RECOMPUTE_RUN_STALE_SECONDS", "120"))
RECOMPUTE_RUN_MAX_RESUMES = int(os.environ.get("RECOMPUTE_RUN_MAX_RESUMES", "2"))
CELERY_BEAT_SCHEDULE = {
    "nightly-full-recompute": {
        "task": "indicators.tasks.recompute_all",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 6},
    },
    "nightly-audit-retention": {
        "task": "audit.tasks.purge_expired",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 6},
    },
    "nightly-import-preview-purge": {
        "task": "workbook.tasks.purge_kept_previews",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 6},
    },
    "daily-plan-digest": {
        "task": "plans.tasks.daily_digest",
        "schedule": 60 * 60 * 24,
        "options": {"expires": 60 * 60 * 6},
    },
    "recompute-sweep": {
        "task": "indicators.tasks.sweep_runs",
        "schedule": RECOMPUTE_SWEEP_SECONDS,
        "options": {"expires": RECOMPUTE_SWEEP_SECONDS},
    },
}
# Days the audit trail keeps changes and events; at least six months (audit.services.MIN_RETENTION_DAYS).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "400"))
# The API throttles count in the cache, so web processes must share it: Redis whenever one is configured
# (REDIS_URL, else a redis:// broker), process-local memory otherwise. An unreachable cache lets requests through
# (core.throttling). The overviews keep their figures there until the results change (dashboards.figures); an
# unreachable cache only makes them build the figures on each view.
_CACHE_REDIS_URL = os.environ.get("REDIS_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
        if _CACHE_REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "junheng"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs; they must never carry personal data, and the portal never puts names in URLs.
        "django.request": {"level": "WARNING"},
    },
}

# --------------------------------------------------------------------------------------------------- security
# README "Security" explains each choice. Every number is a setting so a bureau can tighten it.

# Number of reverse proxies in front of the portal that append to X-Forwarded-For. 0 (the default) uses the
# connection's address: behind a proxy every client then shares the proxy's address, which only makes the
# login lock per username (still never per office). Set it to the real count behind the bureau's proxy; a
# value higher than the truth lets clients forge their address and dodge the per-IP part of the lock.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

# django-axes checks before the real backend, so a locked (username, IP) pair is refused even with the right
# password, and counts failures of the login form, the admin login and the API token endpoint alike.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock the pair (username, IP), never the IP alone: a bureau's whole office shares one address, so a colleague
# mistyping (or an attacker guessing) one account must not lock everybody else out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
# A cool-off, never a permanent lock: the pair unlocks by itself, no administrator needed.
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
# Attempts during the lock are refused without being counted, so the lock ends one cool-off after it began
# even while a script keeps guessing: the real user is back at work after 15 minutes at most.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip"
AXES_HTTP_RESPONSE_CODE = 429

# API tokens expire (a script logs in again) and die when their user's password changes (accounts.services).
API_TOKEN_TTL = timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", str(7 * 24))))

# A session lasts one working day at most and ends when the browser closes: bureau PCs are shared, and a
# session left open on one must not outlive the day. An idle timeout would need a session write per request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# No script of the portal or the admin reads the CSRF cookie (forms carry the token), so hide it from scripts.
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features the portal never uses (config.middleware.SecurityHeadersMiddleware).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Only the portal's own files: no inline script or event handler (static/js/junheng.js binds everything through
# data- attributes), no inline style, nothing from another host, not framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Uploads, everywhere: the workbook upload page, the admin's import and the evidence of declarations.
# Bounds of a workbook checked from the zip directory before anything is unpacked (a 1 MB xlsx can unpack to
# gigabytes of XML): the sum of the members' sizes and the worst member's compression ratio.
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(1024 * 1024 * 1024)))
# Sheet XML of real workbooks compresses 10-30x; 200x leaves room for very repetitive sheets.
IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("IMPORT_MAX_COMPRESSION_RATIO", "200"))
# A province's teacher roster is ~600 000 rows: one sheet never needs more than a million.
IMPORT_MAX_ROWS_PER_SHEET = int(os.environ.get("IMPORT_MAX_ROWS_PER_SHEET", "1000000"))
# Mail (the plans' daily digest): the console in development, SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "junheng@localhost")
EVIDENCE_MAX_FILE_BYTES = int(os.environ.get("EVIDENCE_MAX_FILE_BYTES", str(20 * 1024 * 1024)))
