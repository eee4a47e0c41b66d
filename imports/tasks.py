from celery import shared_task

from imports.services import ImportRunError, import_batch_run


@shared_task(acks_late=True, ignore_result=True, time_limit=900, soft_time_limit=840)
def run_import(batch_id: str) -> None:
    try:
        import_batch_run(batch_id=batch_id)
    except ImportRunError:
        pass  # recorded on the batch (state failed, with its message) for the progress page
