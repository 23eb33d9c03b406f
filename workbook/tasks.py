"""Celery jobs of the workbook import. Thin: they take ids, call workbook.batches, record failures."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth import get_user_model

from . import batches, kept

TIME_LIMITS = {"soft_time_limit": 25 * 60, "time_limit": 30 * 60}


@shared_task(acks_late=True, **TIME_LIMITS)
def validate_import(batch_id: int) -> None:
    try:
        batches.batch_validate(batch_id)
    except SoftTimeLimitExceeded:
        batches.batch_fail(batch_id, "校验超时，请拆分文件后重试。")
    except Exception:
        batches.batch_fail(batch_id, "校验时发生内部错误，管理员已收到记录。")
        raise


@shared_task(acks_late=True, **TIME_LIMITS)
def run_import(batch_id: int, user_id: int | None) -> None:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        batches.batch_run(batch_id, user=user)
    except SoftTimeLimitExceeded:
        batches.batch_fail(batch_id, "导入超时，未写入任何数据；请拆分文件后重试。")
    except Exception:
        batches.batch_fail(batch_id, "导入时发生内部错误，未写入任何数据；管理员已收到记录。")
        raise


@shared_task
def purge_kept_previews() -> int:
    """Nightly (settings.CELERY_BEAT_SCHEDULE): the kept parses of previews never confirmed, or expired."""
    return kept.purge()
