"""Keeping TrackedItem.comments_due_on true: whatever changes what it depends on empties it for the
items concerned, and the next sweep works it out again (clocks.comments_due_refresh) before any
clock runs. It depends on the report's publication date, the organisation's kind, whether the
comments are recorded for the report and organisation, and the item's own finding, organisation
and day it entered the tracker (TrackedItem.save empties it for a save that may change those).

These are the models' own signals, so a change made anywhere (the services, the Django admin, a
shell) is seen. Emptying is one UPDATE of the items concerned, in the same transaction."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from forces.models import Force
from inspections.models import Finding, Inspection, ReportReply, TrackedItem


def comments_due_forget(items) -> int:
    """These items' comments deadline is to be worked out again by the next sweep."""
    return items.exclude(comments_due_on__isnull=True).update(comments_due_on=None)


@receiver(post_save, sender=ReportReply)
@receiver(post_delete, sender=ReportReply)
def _reply_changed(*, instance: ReportReply, **kwargs) -> None:
    comments_due_forget(
        TrackedItem.objects.filter(finding__inspection_id=instance.inspection_id, force_id=instance.force_id)
    )


@receiver(post_save, sender=Inspection)
def _inspection_saved(*, instance: Inspection, created: bool = False, **kwargs) -> None:
    if not created:  # a new inspection has no items yet
        comments_due_forget(TrackedItem.objects.filter(finding__inspection=instance))


@receiver(post_save, sender=Finding)
def _finding_saved(*, instance: Finding, created: bool = False, **kwargs) -> None:
    if not created:  # its inspection may have changed
        comments_due_forget(TrackedItem.objects.filter(finding=instance))


@receiver(pre_save, sender=Force)
def _force_saving(*, instance: Force, **kwargs) -> None:
    instance._kind_before = (
        Force.objects.filter(pk=instance.pk).values_list("kind", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Force)
def _force_saved(*, instance: Force, created: bool = False, **kwargs) -> None:
    if not created and getattr(instance, "_kind_before", instance.kind) != instance.kind:
        comments_due_forget(TrackedItem.objects.filter(force=instance))
