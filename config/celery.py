import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("junheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping", time_limit=30, soft_time_limit=25)
def ping(value: str = "pong") -> str:
    """Round-trip check used by CI's topology smoke test."""
    return value
