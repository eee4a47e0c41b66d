"""The Word documents for the bodies that govern forces, each written in its reader's scope.
Committee papers too large for a request are written by the worker: asked for in a request,
written by a Celery task, read from the progress page. A paper is read-only work over the items,
so running the task twice (a worker lost mid-way, acks_late) writes the same paper again;
nothing else changes."""

import datetime as dt
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.broker import publish_once
from core.dates import london_today
from forces.models import Force
from forces.selectors import governing_body_on
from inspections.models import Inspection
from inspections.selectors import items_visible_to
from reporting.models import PaperJob
from reporting.papers import CommentsScope, PaperScope, comments_draft_docx, committee_paper_docx
from reporting.selectors import comments_draft_items, committee_paper_counts, committee_paper_items

logger = logging.getLogger(__name__)

# How often the writer reports how far it has got (items), for the progress page.
PROGRESS_EVERY = 200


def _progress_key(job_id: object) -> str:
    return f"reporting:paper-progress:{job_id}"


def committee_paper_filename(*, force: Force, day: dt.date) -> str:
    return f"committee-paper-{force.slug}-{day:%Y-%m-%d}.docx"


def committee_paper_write(*, user: User, force: Force, today: dt.date, progress=None) -> tuple[bytes, int]:
    """The committee paper on `force` as `user` may see it (their scope, published reports only):
    the .docx bytes and how many items it lists. The request and the worker both call this."""
    items = items_visible_to(user=user).filter(force=force)
    return committee_paper_docx(
        scope=PaperScope(force=force, governing_body=governing_body_on(force=force, day=today), today=today),
        counts=committee_paper_counts(items=items, today=today),
        items=committee_paper_items(items=items, today=today).iterator(chunk_size=500),
        progress=progress,
    )


def comments_draft_write(*, user: User, inspection: Inspection, force: Force, today: dt.date) -> tuple[bytes, int]:
    """The draft of the local policing body's comments on `inspection` for `force`, of what `user`
    may see: the .docx bytes and how many findings it lists. The body is the one recorded for the
    force on the report's publication day (the body that owes the comments)."""
    items = items_visible_to(user=user).filter(force=force)
    return comments_draft_docx(
        scope=CommentsScope(
            inspection=inspection,
            force=force,
            governing_body=governing_body_on(force=force, day=inspection.published_on or today),
            today=today,
        ),
        items=comments_draft_items(items=items, inspection=inspection, today=today).iterator(chunk_size=500),
    )


def paper_job_request(*, user: User, force: Force, item_count: int) -> PaperJob:
    """Ask the worker for a paper; with the broker down it is written here, in the request (one
    connection attempt, no retries), so the reader still gets it."""
    job = PaperJob.objects.create(force=force, requested_by=user, item_count=item_count)
    transaction.on_commit(lambda: _schedule(job_id=job.pk))
    return job


def _schedule(*, job_id: object) -> None:
    from reporting.tasks import build_committee_paper

    error = publish_once(build_committee_paper, args=[str(job_id)])
    if error is not None:
        logger.warning(
            "broker unreachable; committee paper %s written in the request",
            job_id,
            extra={"event": "paper_inline_fallback", "job": str(job_id), "error": str(error)},
        )
        paper_job_build(job_id=job_id)


def paper_job_build(*, job_id: object) -> PaperJob | None:
    """Write the paper of a job that is waiting or was being written (a lost worker's job is
    written again); a ready, failed or pruned job is left alone. An error is kept on the job, in
    words for its reader, and logged."""
    job = PaperJob.objects.select_related("force", "requested_by").filter(pk=job_id).first()
    if job is None or not job.is_working:
        return job
    PaperJob.objects.filter(pk=job.pk).update(state=PaperJob.State.BUILDING)
    key = _progress_key(job.pk)

    def progress(written: int) -> None:
        if written % PROGRESS_EVERY == 0:
            cache.set(key, written, timeout=3600)

    try:
        content, written = committee_paper_write(
            user=job.requested_by, force=job.force, today=london_today(), progress=progress
        )
    except Exception:
        logger.exception("committee paper %s failed", job.pk, extra={"event": "paper_failed", "job": str(job.pk)})
        PaperJob.objects.filter(pk=job.pk).update(
            state=PaperJob.State.FAILED,
            finished_at=timezone.now(),
            error="The paper could not be written. Nothing was lost: ask for it again, and if it fails "
            "again tell the service's administrators.",
        )
    else:
        PaperJob.objects.filter(pk=job.pk).update(
            state=PaperJob.State.READY, finished_at=timezone.now(), content=content, written=written
        )
    cache.delete(key)
    job.refresh_from_db()
    return job


def paper_progress_get(*, job: PaperJob) -> int:
    """Items written so far (the worker's count, through the shared cache)."""
    if job.state == PaperJob.State.READY:
        return job.written
    return min(int(cache.get(_progress_key(job.pk), 0)), job.item_count)


def paper_jobs_prune(*, now: dt.datetime | None = None) -> int:
    """Delete jobs (and their files) older than PAPER_JOB_KEEP_DAYS; how many went."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.PAPER_JOB_KEEP_DAYS)
    deleted, _ = PaperJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted
