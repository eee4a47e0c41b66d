"""Reads for imports and the open-data file."""

from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import User
from imports.models import ImportBatch
from inspections.models import Inspection, TrackedItem


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


OPEN_DATA_HEADER = (
    "inspection_reference",
    "inspection_title",
    "inspection_published_on",
    "programme",
    "finding_reference",
    "finding_category",
    "finding_text",
    "target_date",
    "force",
    "force_kind",
    "status",
    "closed_on",
)


def open_data_rows() -> Iterator[tuple]:
    """One row per published finding and force: the finding, and whether the inspectorate has
    verified it closed. Published reports and closed statuses are public; nothing a force wrote
    (responses, progress, evidence) and no person's name is included."""
    closed = {value: label.removeprefix("Closed: ") for value, label in TrackedItem.Status.choices}
    categories = dict(TrackedItem.finding.field.related_model.Category.choices)
    kinds = dict(TrackedItem.force.field.related_model.Kind.choices)
    rows = (
        TrackedItem.objects.filter(finding__inspection__published_on__isnull=False)
        .order_by(
            "-finding__inspection__published_on",
            "finding__inspection__reference",
            "finding__position",
            "finding__reference",
            "force__name",
        )
        .values_list(
            "finding__inspection__reference",
            "finding__inspection__title",
            "finding__inspection__published_on",
            "finding__inspection__programme__name",
            "finding__reference",
            "finding__category",
            "finding__text",
            "finding__target_date",
            "force__name",
            "force__kind",
            "status",
            "closed_on",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        (ref, title, published, programme, f_ref, category, text, target, force, kind, status, closed_on) = row
        verified = f"closed: {closed[status].lower()}" if status in TrackedItem.CLOSED_STATUSES else "open"
        yield (
            ref,
            title,
            published.isoformat(),
            programme,
            f_ref,
            categories.get(category, category),
            text,
            target.isoformat() if target else "",
            force,
            kinds.get(kind, kind),
            verified,
            closed_on.isoformat() if closed_on else "",
        )
