import django_tables2 as tables
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.tables import GovukTable
from inspections.links import LinkScope, link_or_text
from inspections.models import TrackedItem
from inspections.tables import LinkedTable
from inspections.templatetags.tracker import long_date


def _item_link(links: LinkScope, item: TrackedItem) -> str:
    return link_or_text(links.url(item), f"{item.finding.reference} of {item.finding.inspection.reference}")


class _CellColumn(tables.Column):
    """A cell drawn by its own template from the row and the table's selection alone. Unlike
    TemplateColumn it renders without the request, so the context processors (the navigation's
    links) do not run again for every cell of the page."""

    def __init__(self, template_name: str, **kwargs) -> None:
        self.template_name = template_name
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)

    def render(self, record, table, **kwargs) -> str:
        return get_template(self.template_name).render({"record": record, "selection": table.selection})


# One force of a finding in the queue, as a GOV.UK checkbox with its facts as the hint. Drawn in
# Python: a page holds hundreds (25 findings, each at up to every force), and the template engine
# took most of the page's time to draw them.
FORCE_CHOICE = (
    '<div class="govuk-checkboxes__item">'
    '<input class="govuk-checkboxes__input" id="item-{pk}" name="items" type="checkbox" value="{pk}" '
    'aria-describedby="item-{pk}-hint"{checked}>'
    '<label class="govuk-label govuk-checkboxes__label govuk-!-font-size-16" for="item-{pk}">{force}</label>'
    '<div id="item-{pk}-hint" class="govuk-hint govuk-checkboxes__hint govuk-!-font-size-16">'
    "{days} overdue, since {since}{arrived}. Last review: {reviewed}. Governed by {governor}. {stale}"
    '<a class="govuk-link" href="{item_url}">Open<span class="govuk-visually-hidden"> {reference} for {force}</span></a>'
    ' · <a class="govuk-link" href="{review_url}">Review alone<span class="govuk-visually-hidden">: {reference} for '
    "{force}</span></a></div></div>"
)
STALE_TAG = format_html('<strong class="govuk-tag govuk-tag--orange">{}</strong> ', "No recent progress")


def force_choices(record: dict, *, selection, today) -> str:
    """The checkboxes of a finding's forces awaiting review (selectors.review_queue_page's items)."""
    return format_html_join(
        "",
        FORCE_CHOICE,
        (
            {
                "pk": item.pk,
                "checked": mark_safe(" checked") if item.pk in selection.item_ids else "",
                "force": item.force.name,
                "days": f"{item.days_overdue(today):,} day{'s' if item.days_overdue(today) != 1 else ''}",
                "since": long_date(item.overdue_since(today)),
                "arrived": " (arrived overdue)" if item.arrived_overdue else "",
                "reviewed": long_date(item.last_reviewed_at.date()) if item.last_reviewed_at else "never",
                "governor": item.governor_name or "none recorded",
                "stale": STALE_TAG if item.is_stale else "",
                "item_url": reverse("inspections:item_detail", args=[item.pk]),
                "review_url": reverse("oversight:item_review", args=[item.pk]),
                "reference": record["finding"].reference,
            }
            for item in record["items"]
        ),
    )


class ReviewGroupTable(GovukTable):
    """The review queue, one row per finding (its items awaiting review grouped), each row
    expandable to its forces. Rows are the dicts of selectors.review_queue_page; `selection` is
    what the form sent back, ticked again."""

    label = "Overdue findings waiting for a review"
    stacked = True
    select = _CellColumn("oversight/_group_select.html", verbose_name="Select")
    finding = _CellColumn("oversight/_group_finding.html", verbose_name="Finding")
    inspection = _CellColumn("oversight/_group_inspection.html", verbose_name="Inspection")
    forces = _CellColumn("oversight/_group_forces.html", verbose_name="Overdue at")
    worst = _CellColumn("oversight/_group_worst.html", verbose_name="Worst overdue")

    class Meta(GovukTable.Meta):
        orderable = False
        attrs = {"class": "govuk-table app-table--stacked"}
        empty_text = "No overdue item is waiting for a review."

    def __init__(self, *args, selection, **kwargs) -> None:
        self.selection = selection
        super().__init__(*args, **kwargs)


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
