"""The three roles of the service. Each is a Django group, created by migration with its permissions."""

from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "Inspectorate staff"
    LIAISON = "liaison", "Force liaison officer"
    MANAGER = "manager", "Manager"


GROUP_NAMES: dict[str, str] = {role.value: role.label for role in Role}


ROLE_APPS = ("forces", "inspections", "accounts")
LIAISON_WRITES = ("add_progressupdate", "add_evidencefile", "add_extensionrequest")


def roles_ensure(*, using: str = "default") -> None:
    """Create the three role groups with their model permissions, or put them right (idempotent).
    The same rules as migration accounts/0002_roles."""
    from django.contrib.auth.models import Group, Permission

    ours = Permission.objects.using(using).filter(content_type__app_label__in=ROLE_APPS)
    staff, _ = Group.objects.using(using).get_or_create(name=GROUP_NAMES[Role.STAFF])
    staff.permissions.set(ours)
    manager, _ = Group.objects.using(using).get_or_create(name=GROUP_NAMES[Role.MANAGER])
    manager.permissions.set(ours.filter(codename__startswith="view_"))
    liaison, _ = Group.objects.using(using).get_or_create(name=GROUP_NAMES[Role.LIAISON])
    liaison.permissions.set(
        ours.filter(codename__startswith="view_").exclude(content_type__model__in=["user", "liaisonmembership"])
        | ours.filter(codename__in=LIAISON_WRITES)
    )
