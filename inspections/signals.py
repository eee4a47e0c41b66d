"""Signals the inspections layer sends for the layers above it to act on."""

from collections.abc import Iterable

from django.dispatch import Signal

from core.cache import data_changed

# The items of these forces (every force with force_ids=None) have changed in what the dashboard
# counts, inside the current transaction. The maintained summary (reporting/summary.py) recounts
# their figures before the transaction commits. With `stale_only`, only the forces whose figures
# were counted for an earlier day (the sweep sends it as the calendar moves).
figures_changed = Signal()


def counted_data_changed(*, force_ids: Iterable[int] | None, committed: bool = False) -> None:
    """Every write that changes what the dashboard counts calls this, with the forces whose items it
    changed: their summary is recounted in the same transaction, and the cached pages that show the
    figures are dropped (core.cache.data_changed)."""
    figures_changed.send(sender=None, force_ids=None if force_ids is None else set(force_ids), stale_only=False)
    data_changed(committed=committed)
