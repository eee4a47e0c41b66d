"""Reads for imports."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import User
from imports.models import ImportBatch
from inspections.models import Inspection


def require_staff(*, user: User) -> None:
    """Imports are for inspectorate staff: liaison officers and managers may not (403)."""
    if not (user.is_authenticated and user.is_inspectorate_staff):
        raise PermissionDenied("Only inspectorate staff can import findings.")


def import_batches_visible_to(*, user: User) -> QuerySet[ImportBatch]:
    if not (user.is_authenticated and user.is_inspectorate_staff):
        return ImportBatch.objects.none()
    return ImportBatch.objects.select_related("inspection", "uploaded_by")


def inspections_for_import() -> QuerySet[Inspection]:
    return Inspection.objects.select_related("programme").order_by("-created_at", "title")
