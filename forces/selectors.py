from django.db.models import QuerySet

from accounts.models import User
from forces.models import Force


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
