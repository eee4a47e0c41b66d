"""The service's tables (django-tables2), rendered as GOV.UK tables by core.tables.GovukTable."""

import datetime as dt

import django_tables2 as tables
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from core.tables import GovukTable
from forces.models import Force
from inspections import rules
from inspections.models import FollowUpReview, Inspection, Judgement, TrackedItem
from inspections.templatetags.tracker import long_date, status_tag_parts


def link_or_text(url: str, text: str, hidden: str = ""):
    if not url:
        return text
    if hidden:
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {}</span></a>', url, text, hidden
        )
    return format_html('<a class="govuk-link" href="{}">{}</a>', url, text)


def engage_tag(stage: str) -> str:
    if stage != Force.MonitoringStage.ENGAGE:
        return ""
    return format_html(' <strong class="moj-badge moj-badge--red" title="{}">Engage</strong>', "Enhanced monitoring")


def force_cell(name: str, slug: str, stage: str):
    return format_html("{}{}", link_or_text(reverse("forces:force_detail", args=[slug]), name), engage_tag(stage))


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


class ItemTable(GovukTable):
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
        attrs = {"class": "govuk-table govuk-!-font-size-16"}
        empty_text = "No recommendations match these filters."

    def __init__(self, *args, today: dt.date, **kwargs) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def render_reference(self, record: TrackedItem):
        url = reverse("inspections:item_detail", args=[record.pk])
        return link_or_text(
            url, record.finding.reference, f"{record.finding.inspection.reference} for {record.force.name}"
        )

    def render_text(self, value: str) -> str:
        return Truncator(value).words(14)

    def render_force(self, record: TrackedItem):
        force = record.force
        return force_cell(force.name, force.slug, force.monitoring_stage)

    def render_inspection(self, record: TrackedItem):
        inspection = record.finding.inspection
        return link_or_text(reverse("inspections:inspection_detail", args=[inspection.pk]), inspection.reference)

    def render_status(self, record: TrackedItem):
        label, css = status_tag_parts(record, self.today)
        tag = format_html('<strong class="govuk-tag {}">{}</strong>', css, label)
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


class InspectionTable(GovukTable):
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
        return link_or_text(reverse("inspections:inspection_detail", args=[record.pk]), record.title)

    def render_published_on(self, value: dt.date) -> str:
        return long_date(value)

    def value_published_on(self, value):
        return value

    def render_open(self, record: Inspection) -> str:
        return str(self.counts.get(record.pk, {}).get("open", 0))

    def render_overdue(self, record: Inspection) -> str:
        return str(self.counts.get(record.pk, {}).get("overdue", 0))


class ReviewTable(GovukTable):
    inspection = tables.Column(verbose_name="Inspection reviewed", accessor="inspection__title")
    review_date = tables.Column(verbose_name="Review date")
    reviewer = tables.Column(verbose_name="Reviewer", orderable=False)
    judged = tables.Column(verbose_name="Items judged", orderable=False)
    conclusion = tables.Column(verbose_name="Conclusion", orderable=False)

    class Meta(GovukTable.Meta):
        empty_text = "No follow-up reviews match these filters."

    def render_inspection(self, record: FollowUpReview):
        url = reverse("inspections:review_detail", args=[record.pk])
        return link_or_text(url, record.inspection.title, f"reviewed on {long_date(record.review_date)}")

    def render_review_date(self, value: dt.date) -> str:
        return long_date(value)

    def render_conclusion(self, value: str) -> str:
        return Truncator(value).words(20)


PROGRESS_LABELS = dict(Judgement.Progress.choices)
