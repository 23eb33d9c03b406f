"""Developer machine: `make run`. Embedded SQLite, in-process Celery.

DEBUG stays off (DEBUG=1 turns it on): with it on, any 404 lists every URL pattern of the portal and an error
shows settings and local variables, which a demo on a bureau's network must not show. The portal's own 404/500
pages show instead, and whitenoise serves the static files straight from the source folders (no collectstatic).
"""

import os
from pathlib import Path

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or "local-development-only-not-secret"
ALLOWED_HOSTS = ["*"]
VAR_DIR.mkdir(parents=True, exist_ok=True)
# whitenoise finds files through the staticfiles finders and rereads them on change, as runserver would.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
