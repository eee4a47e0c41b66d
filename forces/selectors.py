from django.db.models import QuerySet

from accounts.models import User
from forces.models import Force
from inspections.selectors import force_ids_for


def forces_visible_to(*, user: User) -> QuerySet[Force]:
    """Staff and managers see every organisation; a liaison officer sees only the forces they act for."""
    force_ids = force_ids_for(user=user)
    forces = Force.objects.all()
    return forces if force_ids is None else forces.filter(id__in=force_ids)
