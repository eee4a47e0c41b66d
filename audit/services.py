"""Writes to the record of exports: one row per export, and the retention job."""

import datetime as dt
import logging

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from accounts.models import User
from audit.models import ExportKind, ExportRecord

logger = logging.getLogger(__name__)


def _scope(user: User) -> str:
    if user.is_superuser or user.sees_everything:
        return "Every force and service"
    names = sorted(user.liaison_forces.values_list("name", flat=True))
    return "; ".join(names) or "No force"


def _storable(text: str) -> str:
    # PostgreSQL's text and jsonb cannot hold NUL (SQLite can): a query string may carry anything,
    # and the export it asked for must still be recorded and answered, so NUL is kept as U+FFFD.
    return text.replace("\x00", "\ufffd")


def _filters(query: QueryDict) -> dict[str, list[str]]:
    return {_storable(key): [_storable(value) for value in query.getlist(key)] for key in sorted(query)}


def export_record_create(
    *,
    user: User,
    kind: ExportKind | str,
    path: str,
    query: QueryDict,
    row_count: int,
    address: str | None = None,
) -> ExportRecord:
    """Record one export: who, when, what they could see (scope), the query they asked with
    (filters, format, page) and how many rows they got."""
    return ExportRecord.objects.create(
        user=user,
        kind=kind,
        path=_storable(path)[:200],
        scope=_scope(user)[:500],
        filters=_filters(query),
        row_count=row_count,
        address=address or None,
    )


def export_record_for_request(*, request: HttpRequest, kind: ExportKind | str, row_count: int) -> ExportRecord:
    """Record the export a request is answering (views call this; REMOTE_ADDR is already the real
    client's, core.middleware.ClientAddressMiddleware)."""
    return export_record_create(
        user=request.user,
        kind=kind,
        path=request.path,
        query=request.GET,
        row_count=row_count,
        address=request.META.get("REMOTE_ADDR"),
    )


def export_records_prune(*, now: dt.datetime | None = None) -> int:
    """Delete the records older than EXPORT_RECORD_RETENTION_DAYS. Returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.EXPORT_RECORD_RETENTION_DAYS)
    count, _ = ExportRecord.objects.filter(created_at__lt=cutoff).delete()
    logger.info("export records pruned", extra={"event": "export_records_pruned", "deleted": count})
    return count
