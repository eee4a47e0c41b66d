"""The forces list's filters."""

import django_filters

from forces.models import Force
from inspections.filters import ScopedFilterSet, region_choices


class ForceFilter(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name")
    region = django_filters.ChoiceFilter(field_name="region", label="Region", choices=region_choices)
    kind = django_filters.ChoiceFilter(field_name="kind", label="Kind of organisation", choices=Force.Kind.choices)
    stage = django_filters.ChoiceFilter(
        field_name="monitoring_stage", label="Monitoring stage", choices=Force.MonitoringStage.choices
    )

    class Meta(ScopedFilterSet.Meta):
        model = Force
        fields: list[str] = []
