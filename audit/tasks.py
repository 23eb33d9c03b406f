"""The audit trail's periodic job: the retention purge (settings.CELERY_BEAT_SCHEDULE, nightly)."""

from celery import shared_task

from . import services


@shared_task
def purge_expired() -> dict[str, int]:
    return services.purge_expired()
