"""The three roles of the service. Each is a Django group, created by migration with its permissions."""

from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "Inspectorate staff"
    LIAISON = "liaison", "Force liaison officer"
    MANAGER = "manager", "Manager"


GROUP_NAMES: dict[str, str] = {role.value: role.label for role in Role}
