"""Celery tasks of plans, thin: judging targets after a recompute, and the daily digest of alerts."""

from celery import shared_task

from . import judging, services


@shared_task(name="plans.tasks.judge_targets", acks_late=True, soft_time_limit=10 * 60, time_limit=12 * 60)
def judge_targets(county_ids: list[int] | None = None) -> int:
    """Judge the targets concerning these counties (None: every target)."""
    targets = None if county_ids is None else judging.targets_concerning_counties(county_ids)
    return services.targets_judge(targets)


@shared_task(name="plans.tasks.judge_target_ids", acks_late=True, soft_time_limit=5 * 60, time_limit=6 * 60)
def judge_target_ids(target_ids: list[int]) -> int:
    from .models import Target

    return services.targets_judge(Target.objects.filter(pk__in=target_ids))


@shared_task(name="plans.tasks.daily_digest", acks_late=True, soft_time_limit=20 * 60, time_limit=25 * 60)
def daily_digest() -> int:
    """Scheduled daily (CELERY_BEAT_SCHEDULE): judge every target again (a deadline may have passed), then mail
    each clerk and official its digest when something changed."""
    from . import digest

    services.targets_judge()
    return digest.send_digests()
