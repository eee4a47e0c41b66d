import django_tables2 as tables
from django.utils.html import format_html

from core.tables import GovukTable
from inspections.links import LinkScope, link_or_text
from inspections.models import TrackedItem
from inspections.tables import LinkedTable
from inspections.templatetags.tracker import long_date


def _item_link(links: LinkScope, item: TrackedItem) -> str:
    return link_or_text(links.url(item), f"{item.finding.reference} of {item.finding.inspection.reference}")


class QueueTable(LinkedTable):
    label = "Overdue items waiting for a review"
    select = tables.TemplateColumn(template_name="oversight/_select_cell.html", verbose_name="Select", orderable=False)
    item = tables.Column(empty_values=(), verbose_name="Item", orderable=False)
    force = tables.Column(accessor="force__name", verbose_name="Force", orderable=False)
    category = tables.Column(accessor="finding__category", verbose_name="Kind", orderable=False)
    days_overdue = tables.Column(empty_values=(), verbose_name="Days overdue", orderable=False)
    overdue_since = tables.Column(empty_values=(), verbose_name="Overdue since", orderable=False)
    current_target_date = tables.Column(verbose_name="Current target", orderable=False)
    last_reviewed_at = tables.Column(verbose_name="Last review", orderable=False, empty_values=())
    stale = tables.Column(empty_values=(), verbose_name="Progress", orderable=False)
    governor = tables.Column(empty_values=(), verbose_name="Governed by", orderable=False)

    class Meta(GovukTable.Meta):
        empty_text = "No overdue item is waiting for a review."

    def __init__(self, *args, today, bodies=None, **kwargs) -> None:
        self.today = today
        self.bodies = bodies or {}
        super().__init__(*args, **kwargs)

    def render_governor(self, record: TrackedItem) -> str:
        body = self.bodies.get(record.force_id)
        return body.name if body else "None recorded"

    def render_item(self, record: TrackedItem) -> str:
        return _item_link(self.links, record)

    def render_category(self, record: TrackedItem) -> str:
        return record.finding.get_category_display()

    def render_days_overdue(self, record: TrackedItem) -> str:
        return str(record.days_overdue(self.today))

    def render_overdue_since(self, record: TrackedItem) -> str:
        since = record.overdue_since(self.today)
        if since is None:
            return ""
        if record.arrived_overdue:
            return format_html(
                '{}<br><span class="govuk-body-s app-no-margin">{}</span>', long_date(since), "arrived overdue"
            )
        return long_date(since)

    def render_current_target_date(self, value) -> str:
        return long_date(value)

    def render_last_reviewed_at(self, value) -> str:
        return long_date(value.date()) if value else "Never"

    def render_stale(self, record: TrackedItem) -> str:
        if record.is_stale:
            return format_html('<strong class="govuk-tag govuk-tag--orange">{}</strong>', "No recent progress")
        return ""


class EscalationTable(LinkedTable):
    label = "Escalations in the last 90 days"
    reviewed_at = tables.Column(verbose_name="Date", orderable=False)
    force = tables.Column(accessor="item__force__name", verbose_name="Force", orderable=False)
    item = tables.Column(empty_values=(), verbose_name="Item", orderable=False)
    decision = tables.Column(verbose_name="Decision", orderable=False)
    reviewer = tables.Column(verbose_name="By", orderable=False)

    class Meta(GovukTable.Meta):
        empty_text = "No escalations in the last 90 days."

    def render_reviewed_at(self, value) -> str:
        return long_date(value.date())

    def render_item(self, record) -> str:
        return _item_link(self.links, record.item)

    def render_decision(self, record) -> str:
        return record.decision_label
