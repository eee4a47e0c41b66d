"""Reads about users. Only inspectorate staff reach these (views check with require_staff)."""

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from forces.models import Force


def users_list() -> QuerySet[User]:
    """Every user, with their groups and forces prefetched: three queries whatever the count."""
    return User.objects.prefetch_related("groups", Prefetch("liaison_forces", queryset=Force.objects.order_by("name")))
