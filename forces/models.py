from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel


class Force(TimeStampedModel):
    """An organisation the inspectorate inspects or addresses: a police force, a fire and rescue
    service, another policing body, or a national body (the Home Office, the NPCC, the NFCC...).
    Every kind has liaison officers and the same scoped access; the name stays "Force" because
    most of them are."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police force"
        FIRE = "fire", "Fire and rescue service"
        OTHER = "other", "Other policing body"
        NATIONAL = "national", "National body"

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

    @property
    def is_national_body(self) -> bool:
        return self.kind == self.Kind.NATIONAL


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


class GoverningBody(TimeStampedModel):
    """Who a force or service answers to: a police and crime commissioner, a police, fire and
    crime commissioner, a mayor, the City of London Corporation, a fire and rescue authority..."""

    class Kind(models.TextChoices):
        PCC = "pcc", "Police and crime commissioner"
        PFCC = "pfcc", "Police, fire and crime commissioner"
        MAYOR = "mayor", "Mayor"
        COMMON_COUNCIL = "common_council", "City of London Corporation"
        FIRE_AUTHORITY = "fire_authority", "Fire and rescue authority"
        COUNCIL = "council", "Council acting as fire and rescue authority"
        FIRE_COMMISSIONER = "fire_commissioner", "London Fire Commissioner"
        OTHER = "other", "Other oversight body"

    # The local policing bodies of the Police Act 1996: they publish comments on an inspection
    # report on their force (section 55).
    LOCAL_POLICING_BODY_KINDS = (Kind.PCC, Kind.PFCC, Kind.MAYOR, Kind.COMMON_COUNCIL)

    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_local_policing_body(self) -> bool:
        return self.kind in self.LOCAL_POLICING_BODY_KINDS


class Governance(TimeStampedModel):
    """A body governed an organisation from one date (empty: since before the tracker's records)
    until another (empty: still does). The published source is kept beside each row."""

    organisation = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="governance")
    body = models.ForeignKey(GoverningBody, on_delete=models.PROTECT, related_name="governs")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=300)
    source_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["organisation", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="governance_ends_after_start",
            ),
            models.UniqueConstraint(fields=["organisation", "body", "starts_on"], name="governance_unique_period"),
            models.CheckConstraint(condition=~Q(source_url=""), name="governance_source_required"),
        ]
        indexes = [models.Index(fields=["organisation", "starts_on"], name="governance_org_start_idx")]

    def __str__(self) -> str:
        return f"{self.body} governs {self.organisation}"

    def covers(self, day) -> bool:
        return (self.starts_on is None or self.starts_on <= day) and (self.ends_on is None or day <= self.ends_on)


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
