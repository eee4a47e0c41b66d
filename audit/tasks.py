from celery import shared_task

from audit.services import export_records_prune


@shared_task(ignore_result=True)
def prune_export_records() -> int:
    """Beat runs this daily (CELERY_BEAT_SCHEDULE, "prune-export-records")."""
    return export_records_prune()
