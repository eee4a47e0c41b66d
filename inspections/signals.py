"""Signals the inspections layer sends for the layers above it to act on."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db.models import QuerySet
from django.dispatch import Signal

from core.cache import data_changed

# The items of these forces (every force with force_ids=None) have changed in what the dashboard
# counts, inside the current transaction. The maintained summary (reporting/summary.py) recounts
# their figures before the transaction commits. With `stale_only`, only the forces whose figures
# were counted for an earlier day (the sweep sends it as the calendar moves).
figures_changed = Signal()

# These items are about to change (or be created) inside the current transaction: each receiver
# reads what it needs of them now and returns a callable to run once the write is done (the
# maintained summary counts what the items added to its cells before and after, and applies the
# difference).
figures_changing = Signal()


def counted_data_changed(*, force_ids: Iterable[int] | None, committed: bool = False) -> None:
    """Every write that changes what the dashboard counts calls this, with the forces whose items it
    changed: their summary is recounted in the same transaction, and the cached pages that show the
    figures are dropped (core.cache.data_changed)."""
    figures_changed.send(sender=None, force_ids=None if force_ids is None else set(force_ids), stale_only=False)
    data_changed(committed=committed)


@contextmanager
def counted_items_changing(*, items: QuerySet, new: bool = False, committed: bool = False) -> Iterator[None]:
    """Wrap a write that changes what the dashboard counts of `items` (a queryset read before and
    after the write, so it may match items the write creates; with `new`, none of them exists yet
    and nothing is read before). Must run inside transaction.atomic(). The items' rows are locked
    first, so what is read before is what this write changes. After the write the summary moves by
    the difference (or recounts the forces, when it must), and the cached pages are dropped."""
    if not new:
        list(items.select_for_update(of=("self",)).values_list("pk", flat=True))
    finishers = [answer for _receiver, answer in figures_changing.send(sender=None, items=items, new=new) if answer]
    yield
    for finish in finishers:
        finish()
    data_changed(committed=committed)
