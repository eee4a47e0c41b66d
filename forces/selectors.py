import datetime as dt
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet

from accounts.models import User
from forces.models import Force, Governance, GoverningBody


def force_ids_for(*, user: User) -> list[int] | None:
    """The forces a user may see: None means all of them; a liaison officer sees only theirs."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.sees_everything or user.is_superuser:
        return None
    if user.is_liaison:
        return list(user.liaison_memberships.values_list("force_id", flat=True))
    return []


def forces_visible_to(*, user: User) -> QuerySet[Force]:
    """Staff and managers see every organisation; a liaison officer sees only the forces they act for."""
    force_ids = force_ids_for(user=user)
    forces = Force.objects.all()
    return forces if force_ids is None else forces.filter(id__in=force_ids)


def governance_on(*, force_ids: Iterable[int], day: dt.date) -> dict[int, Governance]:
    """The governance in force on `day` for each of these organisations, in one query: the
    body each answers to (a national body answers to none here)."""
    periods = (
        Governance.objects.filter(organisation_id__in=list(force_ids))
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=day))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("body")
    )
    return {period.organisation_id: period for period in periods}


def governing_body_on(*, force: Force, day: dt.date) -> GoverningBody | None:
    period = governance_on(force_ids=[force.pk], day=day).get(force.pk)
    return period.body if period else None


def governance_history(*, force: Force) -> QuerySet[Governance]:
    """Every body that has governed the organisation, latest first, with its source."""
    return force.governance.select_related("body").order_by(F("starts_on").desc(nulls_last=True))
