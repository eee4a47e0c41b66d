from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class Force(TimeStampedModel):
    """An organisation the inspectorate inspects: a police force, a fire and rescue service, or
    another policing body."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police force"
        FIRE = "fire", "Fire and rescue service"
        OTHER = "other", "Other policing body"

    class MonitoringStage(models.TextChoices):
        SCAN = "scan", "Scan"
        ENGAGE = "engage", "Engage"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    region = models.CharField(max_length=60)
    country = models.CharField(max_length=40)
    active_until = models.DateField(null=True, blank=True)
    successor = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors")
    monitoring_stage = models.CharField(max_length=10, choices=MonitoringStage.choices, default=MonitoringStage.SCAN)
    staff_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_forces",
        help_text="The inspectorate's lead for this force: told of every escalation.",
    )
    liaison_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="LiaisonMembership", related_name="liaison_forces", blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "region"], name="force_kind_region_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(successor=models.F("id")), name="force_not_own_successor"),
            models.CheckConstraint(
                condition=Q(successor__isnull=True) | Q(active_until__isnull=False),
                name="force_successor_needs_end_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.active_until is None

    @property
    def in_engage(self) -> bool:
        return self.monitoring_stage == self.MonitoringStage.ENGAGE


class LiaisonMembership(TimeStampedModel):
    """A user acts as liaison officer for a force (a user may act for several)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaison_memberships")
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="liaison_memberships")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "force"], name="liaison_unique_user_force"),
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.force}"


class OrganisationAlias(models.Model):
    """Another way people write an organisation's name in reports: an abbreviation ("GMP", "the
    Met"), a short form, or a former name (which the preview explains). Loaded from
    forces/data/aliases.csv by `load_forces`; the spelling variants every name has ("&" for
    "and", "FRS", "Constabulary" or "Police", with or without "County") need no row here."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Also written as"
        FORMER = "former", "Former name"

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    note = models.CharField(max_length=200, blank=True, help_text='For a former name: for example "renamed in 2022".')

    class Meta:
        ordering = ["force__name", "alias"]
        constraints = [
            models.UniqueConstraint(Lower("alias"), name="alias_unique_ci"),
            models.CheckConstraint(condition=~Q(alias=""), name="alias_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.alias} ({self.force.name})"
