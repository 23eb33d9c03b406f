"""Celery task of the remedy planner. Thin: the work is `services.run_execute`.

The task takes the run's id only (never names or data), is queued when the request's transaction commits
(`services.run_request`), is idempotent (a finished run, or one another worker is running, is left alone) and
gets a time limit from the run: the solver's own limit plus room to read the inputs and verify the plan.
"""

from celery import shared_task

from . import services
from .models import RemedyRun

# beyond the solver's limit: reading the inputs, the engine's checks, the greedy baseline, writing the result
SOFT_MARGIN_S = 90
HARD_MARGIN_S = 150


@shared_task(
    name="remedies.tasks.run_remedy",
    acks_late=True,
    soft_time_limit=600 + SOFT_MARGIN_S,
    time_limit=600 + HARD_MARGIN_S,
)
def run_remedy(run_id: int) -> str:
    return services.run_execute(run_id)


def enqueue(run: RemedyRun) -> None:
    run_remedy.apply_async(
        (run.pk,),
        soft_time_limit=run.time_limit_s + SOFT_MARGIN_S,
        time_limit=run.time_limit_s + HARD_MARGIN_S,
    )
