from celery import shared_task

from reporting.services import paper_job_build, paper_jobs_prune


@shared_task(acks_late=True, ignore_result=True, time_limit=900, soft_time_limit=840)
def build_committee_paper(job_id: str) -> None:
    """Write one committee paper (reporting.services.paper_job_request queues it)."""
    paper_job_build(job_id=job_id)


@shared_task(ignore_result=True)
def prune_paper_jobs() -> int:
    """Beat runs this daily (CELERY_BEAT_SCHEDULE, "prune-paper-jobs")."""
    return paper_jobs_prune()
