"""Filters for the API's lists. Every filter narrows a queryset already scoped to the user."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from core.dates import london_today
from core.forms import TextPolicyForm
from inspections.models import Finding, Inspection, TrackedItem


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number within the database's range, or a 400 (never an overflow, a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class InspectionFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__slug", help_text="Programme slug, e.g. peel")
    published = django_filters.BooleanFilter(
        field_name="published_on", lookup_expr="isnull", exclude=True, help_text="Published (true) or planned (false)"
    )
    force = django_filters.CharFilter(method="filter_force", help_text="Force slug: inspections with items for it")

    class Meta:
        model = Inspection
        form = TextPolicyForm  # the text policy (core/text.py) for the slugs and words asked for
        fields = ["programme", "published", "force"]

    def filter_force(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(forces__slug=value) | Q(findings__items__force__slug=value)).distinct()


class FindingFilter(django_filters.FilterSet):
    inspection = IdFilter(field_name="inspection_id", help_text="Inspection id")
    programme = django_filters.CharFilter(field_name="inspection__programme__slug", help_text="Programme slug")
    category = django_filters.ChoiceFilter(choices=Finding.Category.choices)
    theme = django_filters.CharFilter(method="filter_theme", help_text="Theme slug, e.g. vetting")

    class Meta:
        model = Finding
        form = TextPolicyForm  # the text policy (core/text.py) for the slugs and words asked for
        fields = ["inspection", "programme", "category", "theme"]

    def filter_theme(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(pk__in=Finding.objects.filter(themes__slug=value).values("pk"))


class TrackedItemFilter(django_filters.FilterSet):
    force = django_filters.CharFilter(field_name="force__slug", help_text="Force slug, e.g. cleveland-police")
    # A column of the item itself: no join can repeat a row, so no DISTINCT (django-filter's
    # default for a multiple choice), which made PostgreSQL sort whole rows (0.9 s at a million).
    status = django_filters.MultipleChoiceFilter(choices=TrackedItem.Status.choices, distinct=False)
    response = django_filters.ChoiceFilter(choices=TrackedItem.Response.choices)
    category = django_filters.ChoiceFilter(field_name="finding__category", choices=Finding.Category.choices)
    inspection = IdFilter(field_name="finding__inspection_id", help_text="Inspection id")
    finding = IdFilter(field_name="finding_id", help_text="Finding id")
    programme = django_filters.CharFilter(field_name="finding__inspection__programme__slug", help_text="Programme slug")
    theme = django_filters.CharFilter(method="filter_theme", help_text="Theme slug of the finding, e.g. vetting")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="Open and past the current target date (London date)"
    )

    class Meta:
        model = TrackedItem
        form = TextPolicyForm  # the text policy (core/text.py) for the slugs and words asked for
        fields = ["force", "status", "response", "category", "inspection", "finding", "programme", "overdue"]

    def filter_theme(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(finding_id__in=Finding.objects.filter(themes__slug=value).values("pk"))

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        overdue = Q(status__in=TrackedItem.OPEN_STATUSES, current_target_date__lt=london_today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
