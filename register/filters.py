"""The register's search: every filter lives in the URL, so a search can be shared and bookmarked."""

import django_filters
from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from core.dates import london_today
from core.forms import GovukForm
from forces.models import Force
from inspections import rules
from inspections.filters import findings_matching, forces_matching, region_choices, summary_filters
from inspections.models import Finding, Inspection, Programme, Theme, TrackedItem
from reporting import summary
from reporting.columns import PUBLIC_STATUS_COLUMNS


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

    # Every filter on the finding or its inspection (the words, programme, inspection, theme, type,
    # year) is a condition on the findings (tens of thousands), gathered here and asked in ONE query
    # of the findings; the items are then chosen by the finding ids it returns. No join of a million
    # items to the findings, and the count and the page of ids do not each repeat the findings'
    # subqueries.
    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        self._finding_conditions: list[Q] = []
        queryset = super().filter_queryset(queryset)
        if self._finding_conditions:
            queryset = queryset.filter(_of_findings(Finding.objects.filter(*self._finding_conditions)))
        return queryset

    def _by_findings(self, queryset: QuerySet, condition: Q) -> QuerySet:
        self._finding_conditions.append(condition)
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        postgres = connection.vendor == "postgresql"
        for word in value.split()[:8]:
            if postgres:
                matched = Q(pk__in=findings_matching(word))
                force_ids = list(forces_matching(word).values_list("pk", flat=True))
                if not force_ids:
                    self._by_findings(queryset, matched)
                    continue
                # A force's name matched too: the word is a condition on the items, not the findings.
                queryset = queryset.filter(_of_findings(Finding.objects.filter(matched)) | Q(force_id__in=force_ids))
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
        return self._by_findings(queryset, Q(inspection__programme=value))

    def filter_inspection(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        inspections = Inspection.objects.filter(Q(reference__iexact=value) | Q(slug=value.lower()))
        return self._by_findings(queryset, Q(inspection__in=inspections))

    def filter_theme(self, queryset: QuerySet, name: str, value: Theme) -> QuerySet:
        return self._by_findings(queryset, Q(themes=value))

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return self._by_findings(queryset, Q(category=value))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(rules.public_status_q(value))

    # The filters the summary's cells are kept by: with only these (and not both a status and
    # "overdue"), the results are counted from the cells instead of the items.
    SUMMARY_FILTERS = frozenset(("force", "region", "kind", "programme", "theme", "status", "overdue"))

    def summary_count(self) -> int | None:
        """The number of results, from the maintained summary, or None when the filters ask for
        something the summary does not count (words, an inspection, a type, a year, a status of
        the overdue items) or are not valid."""
        if not self.is_bound:
            chosen: dict = {}
        elif not self.form.is_valid():
            return None
        else:
            chosen = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        if set(chosen) - self.SUMMARY_FILTERS or {"status", "overdue"} <= set(chosen):
            return None
        column = "total"
        if "status" in chosen:
            column = PUBLIC_STATUS_COLUMNS[chosen["status"]]
        elif chosen.get("overdue") == "yes":
            column = "overdue"
        where = {"force_ids": [chosen["force"].pk] if "force" in chosen else None, **summary_filters(chosen)}
        count = summary.public_count(today=self.today, column=column, **where)
        if chosen.get("overdue") == "no":
            count -= summary.public_count(today=self.today, column="overdue", **where)
        return count

    def filter_year(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return self._by_findings(queryset, Q(inspection__published_on__year=int(value)))

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        overdue = rules.overdue_q(today=self.today)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)


# On PostgreSQL the chosen findings' ids are read first and given to the items' query as one array
# (up to this many): a constant array is tested by hashing, so the newest matching items are found
# by walking the items newest first, where a subquery made the planner join every match and sort.
FINDING_ARRAY_MAX = 20000


def _of_findings(findings: QuerySet) -> Q:
    """Items of these findings."""
    findings = findings.order_by().values_list("pk", flat=True)
    if connection.vendor == "postgresql":
        ids = list(findings[: FINDING_ARRAY_MAX + 1])
        if len(ids) <= FINDING_ARRAY_MAX:
            # One parameter, the array's text ('{1,2,3}'): not one parameter per id, nor an
            # ARRAY[...] of thousands of expressions for the server to parse.
            column = f'"{TrackedItem._meta.db_table}"."finding_id"'
            array = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
            return Q(RawSQL(f"{column} = ANY(%s::bigint[])", (array,), output_field=BooleanField()))  # noqa: S611 (constant SQL; the ids are one parameter)
    return Q(finding_id__in=findings)
