"""The dashboard's and the forces pages' tables."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from core.tables import GovukTable
from forces.models import Force
from inspections.links import link_or_text
from inspections.models import TrackedItem
from inspections.tables import ItemTable, LinkedTable, force_cell
from inspections.templatetags.tracker import long_date


class NeedsNowTable(ItemTable):
    """A liaison officer's "what needs you now": a claim returned by the inspectorate says so."""

    label = "What needs you now"

    class Meta(ItemTable.Meta):
        exclude = ("response",)

    def render_status(self, record: TrackedItem):
        if getattr(record, "was_returned", False) and record.status == TrackedItem.Status.IN_PROGRESS:
            return format_html(
                '<strong class="govuk-tag govuk-tag--purple">{}</strong>{}',
                "Returned to you",
                format_html(" {}", super().render_status(record)) if record.is_overdue(self.today) else "",
            )
        return super().render_status(record)


class ByForceTable(LinkedTable):
    """The dashboard's "Overdue by force" (rows are dicts from dashboard_by_force)."""

    label = "Overdue by force"

    name = tables.Column(verbose_name="Force or service")
    region = tables.Column(verbose_name="Region")
    kind = tables.Column(verbose_name="Kind")
    overdue = tables.Column(
        verbose_name="Overdue",
        attrs={"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}},
    )
    open = tables.Column(
        verbose_name="Open",
        attrs={"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}},
    )
    oldest_overdue_days = tables.Column(
        verbose_name="Oldest overdue (days)",
        attrs={"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}},
    )
    percent_complete = tables.Column(
        verbose_name="Complete",
        attrs={"th": {"class": "govuk-table__header--numeric"}, "td": {"class": "govuk-table__cell--numeric"}},
    )

    class Meta(GovukTable.Meta):
        empty_text = "No open recommendations for these filters."

    def __init__(self, *args, list_query: str = "", **kwargs) -> None:
        self.list_query = list_query
        super().__init__(*args, **kwargs)

    def render_name(self, record: dict):
        return force_cell(self.links, record["name"], record["slug"], record["stage"])

    def render_kind(self, value: str) -> str:
        return Force.Kind(value).label

    def render_overdue(self, record: dict):
        if not record["overdue"]:
            return "0"
        url = f"{reverse('inspections:item_list')}?show=overdue&force={record['slug']}"
        return link_or_text(url, str(record["overdue"]), f"overdue for {record['name']}")

    def render_oldest_overdue_days(self, value) -> str:
        return str(value) if value is not None else "–"

    def render_percent_complete(self, value: int) -> str:
        return f"{value}%"


class ForceTable(LinkedTable):
    label = "Forces and services"
    name = tables.Column(verbose_name="Name")
    kind = tables.Column(verbose_name="Kind")
    region = tables.Column(verbose_name="Region")
    open_count = tables.Column(verbose_name="Open")
    overdue_count = tables.Column(verbose_name="Overdue")

    class Meta(GovukTable.Meta):
        empty_text = "No forces or services match these filters."

    def render_name(self, record: Force):
        return force_cell(self.links, record.name, record.slug, record.monitoring_stage)

    def render_kind(self, record: Force) -> str:
        label = record.get_kind_display()
        return f"{label} (until {long_date(record.active_until)})" if record.active_until else label
