"""The forces list's filters."""

import django_filters

from forces.models import Force
from inspections.filters import ALL_KINDS, ALL_REGIONS, ScopedFilterSet, region_choices


class ForceFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name")
    region = django_filters.ChoiceFilter(
        field_name="region", label="Region", choices=region_choices, empty_label=ALL_REGIONS
    )
    kind = django_filters.ChoiceFilter(
        field_name="kind", label="Kind of organisation", choices=Force.Kind.choices, empty_label=ALL_KINDS
    )
    stage = django_filters.ChoiceFilter(
        field_name="monitoring_stage",
        label="Monitoring stage",
        choices=Force.MonitoringStage.choices,
        empty_label="All monitoring stages",
    )

    class Meta(ScopedFilterSet.Meta):
        model = Force
        fields: list[str] = []
