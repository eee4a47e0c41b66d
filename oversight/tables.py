import django_tables2 as tables

from core.tables import GovukTable
from inspections.links import LinkScope, link_or_text
from inspections.models import TrackedItem
from inspections.tables import LinkedTable
from inspections.templatetags.tracker import long_date


def _item_link(links: LinkScope, item: TrackedItem) -> str:
    return link_or_text(links.url(item), f"{item.finding.reference} of {item.finding.inspection.reference}")


class ReviewGroupTable(GovukTable):
    """The review queue, one row per finding (its items awaiting review grouped), each row
    expandable to its forces. Rows are the dicts of selectors.review_queue_page."""

    label = "Overdue findings waiting for a review"
    stacked = True
    select = tables.TemplateColumn(template_name="oversight/_group_select.html", verbose_name="Select")
    finding = tables.TemplateColumn(template_name="oversight/_group_finding.html", verbose_name="Finding")
    inspection = tables.TemplateColumn(template_name="oversight/_group_inspection.html", verbose_name="Inspection")
    forces = tables.TemplateColumn(template_name="oversight/_group_forces.html", verbose_name="Overdue at")
    worst = tables.TemplateColumn(template_name="oversight/_group_worst.html", verbose_name="Worst overdue")

    class Meta(GovukTable.Meta):
        orderable = False
        empty_text = "No overdue item is waiting for a review."


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
