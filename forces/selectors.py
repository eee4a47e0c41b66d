import datetime as dt

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from forces.models import Force
from inspections.models import TrackedItem
from inspections.selectors import force_ids_for
from inspections.selectors_dashboard import headline_due_soon, headline_overdue


def forces_visible_to(*, user: User) -> QuerySet[Force]:
    """Staff and managers see every organisation; a liaison officer sees only the forces they act for."""
    force_ids = force_ids_for(user=user)
    forces = Force.objects.all()
    return forces if force_ids is None else forces.filter(id__in=force_ids)


def forces_with_counts(*, user: User, today: dt.date) -> QuerySet[Force]:
    """The forces a user may see, each with its open and overdue counts (one grouped query; the
    same overdue as the dashboard's headline: open and past the current target date)."""
    open_items = Q(items__status__in=TrackedItem.OPEN_STATUSES)
    return forces_visible_to(user=user).annotate(
        open_count=Count("items", filter=open_items),
        overdue_count=Count("items", filter=open_items & Q(items__current_target_date__lt=today)),
    )


def force_item_counts(*, items: QuerySet[TrackedItem], today: dt.date) -> dict[str, int]:
    """Open, overdue, due in 30 days and all, for one force's items, in one aggregate query."""
    return items.order_by().aggregate(
        open=Count("id", filter=Q(status__in=TrackedItem.OPEN_STATUSES)),
        overdue=Count("id", filter=headline_overdue(today=today)),
        due_soon=Count("id", filter=headline_due_soon(today=today)),
        total=Count("id"),
    )
