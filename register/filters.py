"""The register's search: every filter lives in the URL, so a search can be shared and bookmarked."""

import django_filters
from django.db import connection
from django.db.models import Q, QuerySet

from core.dates import london_today
from core.forms import GovukForm
from forces.models import Force
from inspections import rules
from inspections.filters import findings_matching, forces_matching, region_choices
from inspections.models import Finding, Inspection, Programme, Theme, TrackedItem


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Search", help_text="Words in a finding, or its reference, for example vetting"
    )
    force = django_filters.ModelChoiceFilter(
        field_name="force",
        label="Force or body",
        queryset=Force.objects.order_by("name"),
        to_field_name="slug",
        empty_label="All forces and bodies",
    )
    region = django_filters.ChoiceFilter(
        field_name="force__region", label="Region", choices=region_choices, empty_label="All regions"
    )
    kind = django_filters.ChoiceFilter(
        field_name="force__kind", label="Kind of organisation", choices=Force.Kind.choices, empty_label="All kinds"
    )
    programme = django_filters.ModelChoiceFilter(
        method="filter_programme",
        label="Programme",
        queryset=Programme.objects.all(),
        to_field_name="slug",
        empty_label="All programmes",
    )
    inspection = django_filters.CharFilter(
        method="filter_inspection", label="Inspection reference", help_text="For example, PEEL-2025-CLE"
    )
    theme = django_filters.ModelChoiceFilter(
        method="filter_theme",
        label="Theme",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label="All themes",
    )
    category = django_filters.ChoiceFilter(
        method="filter_category", label="Type of finding", choices=Finding.Category.choices, empty_label="All types"
    )
    status = django_filters.ChoiceFilter(
        method="filter_status",
        label="Status",
        choices=[(name, label) for name, (label, _statuses) in rules.PUBLIC_STATUSES.items()],
        empty_label="All statuses",
    )
    year = django_filters.NumberFilter(
        method="filter_year", label="Year published", help_text="For example, 2023", min_value=1990, max_value=2100
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        method="filter_overdue",
        choices=[("yes", "Overdue"), ("no", "Not overdue")],
        empty_label="Overdue or not",
    )

    class Meta:
        model = TrackedItem
        form = GovukForm
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Evaluated once: callable choices would be queried again to validate and to render.
        self.filters["region"].extra["choices"] = region_choices()
        self.today = london_today()

    # Each filter on the finding or its inspection asks the findings first (tens of thousands) and
    # chooses items by finding_id: no join of a million items to the findings.
    def _by_findings(self, queryset: QuerySet, findings: QuerySet) -> QuerySet:
        return queryset.filter(finding_id__in=findings.values("pk"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        postgres = connection.vendor == "postgresql"
        for word in value.split()[:8]:
            if postgres:
                matched = Q(finding_id__in=findings_matching(word))
                force_ids = list(forces_matching(word).values_list("pk", flat=True))
                queryset = queryset.filter(matched | Q(force_id__in=force_ids) if force_ids else matched)
                continue
            queryset = queryset.filter(
                Q(finding__text__icontains=word)
                | Q(finding__reference__iexact=word)
                | Q(force__name__icontains=word)
                | Q(finding__inspection__reference__icontains=word)
                | Q(finding__inspection__title__icontains=word)
            )
        return queryset

    def filter_programme(self, queryset: QuerySet, name: str, value: Programme) -> QuerySet:
        return self._by_findings(queryset, Finding.objects.filter(inspection__programme=value))

    def filter_inspection(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        inspections = Inspection.objects.filter(Q(reference__iexact=value) | Q(slug=value.lower()))
        return self._by_findings(queryset, Finding.objects.filter(inspection__in=inspections))

    def filter_theme(self, queryset: QuerySet, name: str, value: Theme) -> QuerySet:
        return self._by_findings(queryset, Finding.objects.filter(themes=value))

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self._by_findings(queryset, Finding.objects.filter(category=value))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(rules.public_status_q(value))

    def filter_year(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return self._by_findings(queryset, Finding.objects.filter(inspection__published_on__year=int(value)))

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        overdue = rules.overdue_q(today=self.today)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)
