"""Keeping the maintained summary (reporting/summary.py) exact.

Writes through the services send inspections.signals.figures_changed with the forces they touched:
their cells are recounted in the same transaction. A save or delete that goes round the services
(the Django admin, a management shell, a data fix) reaches the models' own signals here instead:
the forces concerned are marked out of date in that transaction, and the next read recounts them
before it reads (summary.bring_up_to_date), so no figure is ever read from a stale cell."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.dates import london_today
from forces.models import Force
from inspections.models import Finding, Inspection, ReportReply, TrackedItem
from inspections.signals import figures_changed, figures_changing
from reporting import summary


@receiver(figures_changed)
def _recount(*, force_ids, stale_only: bool = False, **kwargs) -> int:
    """Returns how many forces were recounted."""
    if stale_only:
        return summary.bring_up_to_date(force_ids=force_ids)
    return summary.recount(force_ids=force_ids)


@receiver(figures_changing)
def _changing(*, items, new: bool = False, **kwargs):
    """What the items add to the summary now; the returned callable applies the difference."""
    today = london_today()
    before = summary.EMPTY_CONTRIBUTION if new else summary.contribution(items, today=today)
    return lambda: summary.apply_change(before=before, after=summary.contribution(items, today=today), today=today)


def _forces_of(items) -> set[int]:
    return set(items.order_by().values_list("force_id", flat=True).distinct())


@receiver(post_save, sender=TrackedItem)
@receiver(post_delete, sender=TrackedItem)
def _item_saved(*, instance: TrackedItem, raw: bool = False, **kwargs) -> None:
    if not raw:
        summary.mark_out_of_date(force_ids=[instance.force_id])


@receiver(post_save, sender=ReportReply)
@receiver(post_delete, sender=ReportReply)
def _reply_saved(*, instance: ReportReply, raw: bool = False, **kwargs) -> None:
    if not raw:
        summary.mark_out_of_date(force_ids=[instance.force_id])


@receiver(post_save, sender=Force)
def _force_saved(*, instance: Force, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:
        summary.mark_out_of_date(force_ids=[instance.pk])


@receiver(post_save, sender=Inspection)
def _inspection_saved(*, instance: Inspection, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:
        summary.mark_out_of_date(force_ids=_forces_of(TrackedItem.objects.filter(finding__inspection=instance)))


@receiver(post_save, sender=Finding)
def _finding_saved(*, instance: Finding, raw: bool = False, created: bool = False, **kwargs) -> None:
    if not raw and not created:
        summary.mark_out_of_date(force_ids=_forces_of(TrackedItem.objects.filter(finding=instance)))


@receiver(m2m_changed, sender=Finding.themes.through)
def _themes_changed(*, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    findings = Finding.objects.filter(pk__in=pk_set or []) if reverse else [instance]
    summary.mark_out_of_date(force_ids=_forces_of(TrackedItem.objects.filter(finding__in=findings)))
