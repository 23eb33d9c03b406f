"""pytest: SQLite by default; CI sets DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) for the second pass."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
VAR_DIR.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks inline unless a test opts into the real worker (marker `worker`); the broker URL is kept
# so those tests can reach Redis.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TEST_WORKER", "") != "1"
RECOMPUTE_DEBOUNCE_SECONDS = 0
LANGUAGE_CODE = "zh-hans"
