from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from accounts.roles import GROUP_NAMES, Role


class User(AbstractUser):
    """A person who signs in. Their role is their group; liaison officers also act for forces."""

    receives_digests = models.BooleanField(default=True, help_text="Send me the daily or weekly email digest.")
    # Who changed a user, and when. Role and force changes are written to the change reason by
    # accounts.services, since group membership has no history of its own.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs) -> None:
        # Every sign-in saves last_login alone; that is not a change anyone needs in the history.
        if set(kwargs.get("update_fields") or ()) == {"last_login"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)

    @cached_property
    def role(self) -> Role | None:
        """The user's role, from their groups (one query, cached on the instance). A superuser is
        inspectorate staff on every page, whatever their groups."""
        if self.is_superuser:
            return Role.STAFF
        if "groups" in getattr(self, "_prefetched_objects_cache", {}):
            names = {group.name for group in self.groups.all()}
        else:
            names = set(self.groups.values_list("name", flat=True))
        for role in (Role.STAFF, Role.MANAGER, Role.LIAISON):
            if GROUP_NAMES[role] in names:
                return role
        return None

    @property
    def is_inspectorate_staff(self) -> bool:
        return self.role == Role.STAFF

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.STAFF, Role.MANAGER)
