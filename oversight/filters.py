import django_filters

from core.dates import london_today
from forces.models import Force
from inspections import rules
from inspections.filters import ItemFilter, summary_filters
from inspections.models import Finding, Programme, Theme, TrackedItem


def _regions():
    return [(r, r) for r in Force.objects.order_by("region").values_list("region", flat=True).distinct()]


class QueueFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(
        field_name="force__region", choices=_regions, label="Region", empty_label="All regions"
    )
    kind = django_filters.ChoiceFilter(
        field_name="force__kind", choices=Force.Kind.choices, label="Kind of organisation", empty_label="All kinds"
    )
    programme = django_filters.ModelChoiceFilter(
        field_name="finding__inspection__programme",
        queryset=Programme.objects.all(),
        label="Programme",
        empty_label="All programmes",
    )
    force = django_filters.ModelChoiceFilter(
        queryset=Force.objects.all(), field_name="force", to_field_name="slug", label="Force", empty_label="All forces"
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(),
        method="filter_theme",
        to_field_name="slug",
        label="Theme",
        empty_label="All themes",
    )
    # Today's slippage apart from history loaded already late (rules.OVERDUE_ORIGINS).
    origin = django_filters.ChoiceFilter(
        label="Overdue how",
        choices=[(name, origin.label) for name, origin in rules.OVERDUE_ORIGINS.items()],
        empty_label="All overdue",
        method="filter_origin",
    )

    class Meta:
        model = TrackedItem
        fields: list[str] = []

    def filter_origin(self, queryset, name: str, value: str):
        return queryset.filter(rules.headline_q(value, today=london_today()))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "govuk-select"

    def filter_theme(self, queryset, name: str, value: Theme):
        return queryset.filter(finding_id__in=Finding.objects.filter(themes=value).values("pk"))

    def summary_scope(self) -> dict | None:
        """The chosen filters as reporting.summary.pack_figures takes them, or None when one of
        them is not a filter the summary is kept by (how an item became overdue) or the form is not
        valid (then the items are counted as filtered)."""
        if not self.is_bound or not self.form.is_valid() or self.form.cleaned_data.get("origin"):
            return None
        chosen = self.form.cleaned_data
        return {"force_ids": [chosen["force"].pk] if chosen.get("force") else None, **summary_filters(chosen)}


class ReviewQueueFilter(ItemFilter):
    """The review queue's filters, in the MOJ filter layout: the recommendations list's search,
    inspection, theme, region, kind, programme and force (the same definitions, the same URL
    parameters, so the dashboard's links and a shared list mean the same here), and where the
    lateness comes from (rules.OVERDUE_ORIGINS)."""

    origin = django_filters.ChoiceFilter(
        label="Overdue how",
        choices=[(name, origin.label) for name, origin in rules.OVERDUE_ORIGINS.items()],
        empty_label="All overdue",
        method="filter_origin",
    )
    # The recommendations list's other filters do not apply: the queue holds open overdue items.
    show = category = status = response = overdue = target_from = target_to = None

    ORDER = ("q", "inspection", "theme", "origin", "region", "kind", "programme", "force")

    class Meta(ItemFilter.Meta):
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.filters = {name: self.filters[name] for name in self.ORDER}
        self.filters["q"].extra["help_text"] = "Words in the finding's text or reference, its inspection or a force"

    def filter_origin(self, queryset, name: str, value: str):
        return queryset.filter(rules.headline_q(value, today=self.today))
