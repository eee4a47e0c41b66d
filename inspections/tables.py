"""The service's tables (django-tables2), rendered as GOV.UK tables by core.tables.GovukTable."""

import datetime as dt

import django_tables2 as tables
from django.conf import settings
from django.utils.html import format_html
from django.utils.text import Truncator

from core.tables import GovukTable
from forces.models import Force
from inspections import rules
from inspections.links import LinkScope, link_or_text, link_scope
from inspections.models import FollowUpReview, Inspection, Judgement, TrackedItem
from inspections.templatetags.tracker import long_date, status_html


def engage_tag(stage: str) -> str:
    if stage != Force.MonitoringStage.ENGAGE:
        return ""
    return format_html(' <strong class="moj-badge moj-badge--red" title="{}">Engage</strong>', "Enhanced monitoring")


def force_cell(links: LinkScope, name: str, slug: str, stage: str):
    return format_html("{}{}", link_or_text(links.force_url(slug=slug), name), engage_tag(stage))


class LinkedTable(GovukTable):
    """A table whose cells link to pages of forces, inspections, items and reviews: each link is
    decided by the reader's LinkScope (inspections/links.py), set when the table is rendered."""

    @property
    def links(self) -> LinkScope:
        return link_scope(getattr(self, "request", None))


def date_with_phrase(target: dt.date | None, today: dt.date, is_open: bool) -> str:
    if target is None:
        return format_html('<span class="govuk-hint app-no-margin">{}</span>', "No target date")
    days = (target - today).days
    phrase = ""
    if is_open:
        if days < 0:
            since = rules.overdue_since(target)
            phrase = f"overdue by {-days} day{'s' if days != -1 else ''} (since {long_date(since)})"
        elif days == 0:
            phrase = "due today"
        else:
            phrase = f"due in {days} day{'s' if days != 1 else ''}"
    if not phrase:
        return long_date(target)
    return format_html('{}<br><span class="govuk-body-s app-no-margin">{}</span>', long_date(target), phrase)


class ItemTable(LinkedTable):
    label = "Recommendations"
    stacked = True
    reference = tables.Column(
        verbose_name="Reference",
        accessor="finding__reference",
        order_by=("finding__inspection__reference", "finding__reference"),
    )
    text = tables.Column(verbose_name="Recommendation", accessor="finding__text", orderable=False)
    force = tables.Column(verbose_name="Force or service", accessor="force__name")
    inspection = tables.Column(verbose_name="Inspection", accessor="finding__inspection__reference")
    status = tables.Column(verbose_name="Status", accessor="status")
    response = tables.Column(verbose_name="Response", accessor="response")
    target = tables.Column(
        verbose_name="Target date", accessor="current_target_date", order_by=("current_target_date", "id")
    )

    class Meta(GovukTable.Meta):
        attrs = {"class": "govuk-table govuk-!-font-size-16 app-table--stacked"}
        empty_text = "No recommendations match these filters."

    def __init__(self, *args, today: dt.date, **kwargs) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def render_reference(self, record: TrackedItem):
        return link_or_text(
            self.links.url(record),
            record.finding.reference,
            f"{record.finding.inspection.reference} for {record.force.name}",
        )

    def render_text(self, value: str) -> str:
        return Truncator(value).words(14)

    def render_force(self, record: TrackedItem):
        force = record.force
        return force_cell(self.links, force.name, force.slug, force.monitoring_stage)

    def render_inspection(self, record: TrackedItem):
        inspection = record.finding.inspection
        return link_or_text(self.links.inspection_url_of_item(record), inspection.reference)

    def render_status(self, record: TrackedItem):
        tag = status_html(record, self.today)
        if record.no_recent_progress(self.today, days=settings.STALE_PROGRESS_DAYS):
            return format_html('{} <strong class="govuk-tag govuk-tag--orange">{}</strong>', tag, "No recent progress")
        return tag

    def render_response(self, record: TrackedItem) -> str:
        return record.get_response_display()

    def render_target(self, record: TrackedItem):
        return date_with_phrase(record.current_target_date, self.today, record.is_open)


class FindingItemTable(ItemTable):
    """An inspection's or a force's items: the same columns, less repetition."""

    class Meta(ItemTable.Meta):
        exclude = ("text",)


class InspectionTable(LinkedTable):
    label = "Inspections"
    reference = tables.Column(verbose_name="Reference")
    title = tables.Column(verbose_name="Title")
    programme = tables.Column(verbose_name="Programme", accessor="programme__name")
    published_on = tables.Column(verbose_name="Published")
    open = tables.Column(verbose_name="Open", empty_values=(), orderable=False)
    overdue = tables.Column(verbose_name="Overdue", empty_values=(), orderable=False)

    class Meta(GovukTable.Meta):
        empty_text = "No inspections match these filters."

    def __init__(self, *args, counts: dict[int, dict], **kwargs) -> None:
        self.counts = counts
        super().__init__(*args, **kwargs)

    def render_title(self, record: Inspection):
        return link_or_text(self.links.url(record), record.title)

    def render_published_on(self, value: dt.date) -> str:
        return long_date(value)

    def value_published_on(self, value):
        return value

    def render_open(self, record: Inspection) -> str:
        return str(self.counts.get(record.pk, {}).get("open", 0))

    def render_overdue(self, record: Inspection) -> str:
        return str(self.counts.get(record.pk, {}).get("overdue", 0))


class ReviewTable(LinkedTable):
    label = "Follow-up reviews"
    inspection = tables.Column(verbose_name="Inspection reviewed", accessor="inspection__title")
    review_date = tables.Column(verbose_name="Review date")
    reviewer = tables.Column(verbose_name="Reviewer", orderable=False)
    judged = tables.Column(verbose_name="Items judged", orderable=False)
    conclusion = tables.Column(verbose_name="Conclusion", orderable=False)

    class Meta(GovukTable.Meta):
        empty_text = "No follow-up reviews match these filters."

    def render_inspection(self, record: FollowUpReview):
        return link_or_text(
            self.links.url(record), record.inspection.title, f"reviewed on {long_date(record.review_date)}"
        )

    def render_review_date(self, value: dt.date) -> str:
        return long_date(value)

    def render_conclusion(self, value: str) -> str:
        return Truncator(value).words(20)


PROGRESS_LABELS = dict(Judgement.Progress.choices)
