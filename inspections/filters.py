"""Filters for the lists and the dashboard (django-filter). They run over querysets already scoped
to the user by `selectors`, and keep every value in the URL so that a filtered list can be shared."""

import re
from collections.abc import Mapping

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.datastructures import MultiValueDict

from core.dates import london_today
from core.forms import GovukDateField, GovukForm
from forces.models import Force
from forces.selectors import forces_visible_to
from inspections import rules, selectors
from inspections.models import Finding, FollowUpReview, Inspection, Programme, Theme, TrackedItem

# What an unchosen drop-down means, in words (django-filter's default is "---------").
ALL_REGIONS = "All regions"
ALL_KINDS = "All kinds"
ALL_PROGRAMMES = "All programmes"
ALL_THEMES = "All themes"


def summary_filters(chosen: Mapping) -> dict:
    """The region, kind of organisation, programme and theme a filter form chose (its cleaned
    data), as the maintained summary's readers (reporting.summary) take them."""
    return {
        "region": chosen.get("region") or "",
        "kind": chosen.get("kind") or "",
        "programme": chosen.get("programme"),
        "theme": chosen.get("theme"),
    }


def region_choices() -> list[tuple[str, str]]:
    regions = Force.objects.order_by("region").values_list("region", flat=True).distinct()
    return [(region, region) for region in regions]


def finding_search_vector() -> SearchVector:
    """The findings' full-text vector: the expression of the index finding_search_idx (migration
    0006). The "simple" configuration keeps every word as written, so "the" and "vet" still match,
    as a prefix, like the substring search on SQLite."""
    return SearchVector("text", "reference", config="simple")


def findings_matching(word: str) -> QuerySet:
    """The ids of the findings one search word matches (PostgreSQL), a subquery: in the text or
    reference (as a word prefix), the reference exactly, or the inspection's reference or title.
    Asked as a UNION, each way of matching on its own index (the text's search index, the
    references in any case, the inspections' trigram indexes), rather than every finding tested
    against all three."""
    terms = re.findall(r"\w+", word)
    by_reference = Finding.objects.filter(reference__iexact=word).values_list("pk", flat=True)
    inspections = Inspection.objects.filter(Q(reference__icontains=word) | Q(title__icontains=word)).values("pk")
    by_inspection = Finding.objects.filter(inspection_id__in=inspections).values_list("pk", flat=True)
    parts = [by_inspection]
    if terms:
        query = SearchQuery(" & ".join(f"{term}:*" for term in terms), search_type="raw", config="simple")
        parts.append(
            Finding.objects.annotate(document=finding_search_vector())
            .filter(document=query)
            .values_list("pk", flat=True)
        )
    return by_reference.order_by().union(*(part.order_by() for part in parts))


def forces_matching(word: str) -> QuerySet:
    return Force.objects.filter(name__icontains=word).values("pk")


class GovukDateFilter(django_filters.Filter):
    """A date filter entered with the GOV.UK date input (day, month, year). A filter only asks, so
    any real date is accepted (a date typed into a record is bounded: core.dates)."""

    field_class = GovukDateField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("bounded", False)
        super().__init__(*args, **kwargs)


class ScopedFilterSet(django_filters.FilterSet):
    """A filter set whose choices come from what the user may see."""

    class Meta:
        form = GovukForm

    def __init__(self, data=None, *args, user=None, **kwargs) -> None:
        self.user = user
        super().__init__(data, *args, **kwargs)
        if "region" in self.filters:
            # Evaluated once: callable choices would be queried again to validate and to render.
            self.filters["region"].extra["choices"] = region_choices()


class DashboardFilter(ScopedFilterSet):
    region = django_filters.ChoiceFilter(
        field_name="force__region", label="Region", choices=region_choices, empty_label=ALL_REGIONS
    )
    kind = django_filters.ChoiceFilter(
        field_name="force__kind", label="Kind of organisation", choices=Force.Kind.choices, empty_label=ALL_KINDS
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="finding__inspection__programme",
        label="Programme",
        queryset=Programme.objects.all(),
        to_field_name="slug",
        empty_label=ALL_PROGRAMMES,
    )
    theme = django_filters.ModelChoiceFilter(
        method="filter_theme",
        label="Theme",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=ALL_THEMES,
    )

    class Meta(ScopedFilterSet.Meta):
        model = TrackedItem
        fields: list[str] = []

    def filter_theme(self, queryset: QuerySet, name: str, value: Theme) -> QuerySet:
        # The findings first (tens of thousands), then the items by finding_id: no join of every item.
        return queryset.filter(finding_id__in=Finding.objects.filter(themes=value).values("pk"))


class ItemFilter(DashboardFilter):
    q = django_filters.CharFilter(
        method="search", label="Search", help_text="Words in the text, a reference or a force"
    )
    show = django_filters.ChoiceFilter(
        label="Show only",
        method="headline",
        choices=[(name, view.label) for name, view in rules.HEADLINES.items()]
        + [(name, f"Overdue: {view.label.lower()}") for name, view in rules.OVERDUE_ORIGINS.items()]
        + [(name, view.label) for name, view in rules.LIST_VIEWS.items()],
        empty_label="All recommendations",
    )
    force = django_filters.ModelChoiceFilter(
        field_name="force",
        label="Force or service",
        queryset=Force.objects.none(),
        to_field_name="slug",
        empty_label="All forces and services",
    )
    # Typed, not chosen from a list: at national scale a list of every inspection is thousands of
    # options (most of the page's weight and time).
    inspection = django_filters.ModelChoiceFilter(
        field_name="finding__inspection",
        label="Inspection reference",
        help_text="For example, PEEL-2025-CLE",
        queryset=Inspection.objects.none(),
        to_field_name="reference",
        widget=forms.TextInput,
        error_messages={
            "invalid_choice": "Enter the reference of an inspection you can see, for example PEEL-2025-CLE"
        },
    )
    category = django_filters.ChoiceFilter(
        field_name="finding__category", label="Category", choices=Finding.Category.choices, empty_label="All categories"
    )
    status = django_filters.ChoiceFilter(label="Status", choices=TrackedItem.Status.choices, empty_label="All statuses")
    response = django_filters.ChoiceFilter(
        label="Response", choices=TrackedItem.Response.choices, empty_label="All responses"
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        method="filter_overdue",
        choices=[("yes", "Overdue"), ("no", "Not overdue")],
        empty_label="Overdue or not",
    )
    target_from = GovukDateFilter(
        field_name="current_target_date", lookup_expr="gte", label="Target date from", help_text="For example, 1 4 2026"
    )
    target_to = GovukDateFilter(
        field_name="current_target_date", lookup_expr="lte", label="Target date to", help_text="For example, 31 3 2027"
    )

    class Meta(DashboardFilter.Meta):
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.user is not None:
            self.filters["force"].queryset = forces_visible_to(user=self.user)
            self.filters["inspection"].queryset = selectors.inspections_visible_to(user=self.user).order_by(
                "-published_on", "title"
            )

    @property
    def today(self):
        return london_today()

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word must match the finding's text or reference, the force's name, or the
        inspection's reference or title. On PostgreSQL the words are looked up in the findings (tens
        of thousands, full-text through finding_search_idx), the forces and the inspections first,
        and the items are then chosen by finding and force: no join of a million items to the text."""
        postgres = connection.vendor == "postgresql"
        for word in value.split()[:8]:
            if postgres:
                # The forces are a hundred rows: asked first, so that a word naming none leaves a
                # plain semi-join on finding_id (an OR of two subqueries would scan every item).
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

    def headline(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(rules.show_q(value, today=self.today))

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        overdue = rules.headline_q("overdue", today=self.today)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)


class InspectionFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label="Search", help_text="Words in the title or the reference")
    programme = django_filters.ModelChoiceFilter(
        field_name="programme",
        label="Programme",
        queryset=Programme.objects.all(),
        to_field_name="slug",
        empty_label=ALL_PROGRAMMES,
    )
    published = django_filters.ChoiceFilter(
        label="Published",
        method="filter_published",
        choices=[("yes", "Published"), ("no", "Planned")],
        empty_label="Published or planned",
    )
    theme = django_filters.ModelChoiceFilter(
        method="filter_theme",
        label="Theme",
        help_text="Inspections with a finding of this theme",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=ALL_THEMES,
    )

    class Meta(ScopedFilterSet.Meta):
        model = Inspection
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split()[:8]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(reference__icontains=word))
        return queryset

    def filter_published(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(published_on__isnull=value != "yes")

    def filter_theme(self, queryset: QuerySet, name: str, value: Theme) -> QuerySet:
        return queryset.filter(pk__in=Finding.objects.filter(themes=value).values("inspection_id"))


class ReviewFilter(ScopedFilterSet):
    q = django_filters.CharFilter(method="search", label="Search", help_text="Words in the inspection's title")
    programme = django_filters.ModelChoiceFilter(
        field_name="inspection__programme",
        label="Programme",
        queryset=Programme.objects.all(),
        to_field_name="slug",
        empty_label=ALL_PROGRAMMES,
    )

    class Meta(ScopedFilterSet.Meta):
        model = FollowUpReview
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        for word in value.split()[:8]:
            queryset = queryset.filter(Q(inspection__title__icontains=word) | Q(inspection__reference__icontains=word))
        return queryset


def selected_filters(filterset: django_filters.FilterSet, query: MultiValueDict) -> list[dict]:
    """The applied filters as MOJ "selected filter" tags: a label, a value in words, and the URL
    without it (and without the page number)."""
    form = filterset.form
    if not form.is_valid():
        return []
    tags = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", []):
            continue
        field = form.fields[name]
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            shown = dict(field.choices).get(value, value)
        elif hasattr(value, "strftime"):
            shown = f"{value.day} {value:%B %Y}"
        else:
            shown = str(value)
        remaining = query.copy()
        for key in [name, f"{name}_day", f"{name}_month", f"{name}_year", "page"]:
            remaining.pop(key, None)
        tags.append({"label": field.label, "value": shown, "query": remaining.urlencode()})
    return tags
