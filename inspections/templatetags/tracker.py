"""Status tags and dates, one colour meaning one thing everywhere (docs/pages.md):
overdue red, due within 30 days orange, submitted for closure blue, in progress light blue,
published grey, closed complete green, closed otherwise grey with its word."""

import datetime as dt

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join

from core.dates import london_today
from inspections.links import link_or_text, link_scope
from inspections.models import Judgement, TrackedItem

register = template.Library()

DUE_SOON_DAYS = 30

STATUS_TAG_CLASSES = {
    TrackedItem.Status.PUBLISHED: "govuk-tag--grey",
    TrackedItem.Status.IN_PROGRESS: "govuk-tag--light-blue",
    TrackedItem.Status.SUBMITTED: "govuk-tag--blue",
    TrackedItem.Status.COMPLETE: "govuk-tag--green",
    TrackedItem.Status.NOT_IMPLEMENTED: "govuk-tag--grey",
    TrackedItem.Status.SUPERSEDED: "govuk-tag--grey",
    TrackedItem.Status.WITHDRAWN: "govuk-tag--grey",
}
PROGRESS_TAG_CLASSES = {
    Judgement.Progress.NONE: "govuk-tag--red",
    Judgement.Progress.INSUFFICIENT: "govuk-tag--orange",
    Judgement.Progress.REASONABLE: "govuk-tag--yellow",
    Judgement.Progress.GOOD: "govuk-tag--green",
    Judgement.Progress.NOT_ASSESSED: "govuk-tag--grey",
}


def status_tag_parts(item: TrackedItem, today: dt.date) -> tuple[str, str]:
    """The label and tag class an item shows: overdue and due soon outrank the lifecycle status."""
    if item.is_open and item.current_target_date is not None:
        if item.current_target_date < today:
            return "Overdue", "govuk-tag--red"
        if (item.current_target_date - today).days <= DUE_SOON_DAYS and item.status != TrackedItem.Status.SUBMITTED:
            return "Due soon", "govuk-tag--orange"
    return item.status_label, STATUS_TAG_CLASSES[item.status]


def status_extra_parts(item: TrackedItem, today: dt.date) -> list[tuple[str, str]]:
    """What the main tag would hide: the lifecycle status when the clock's tag replaces it, that an
    open item's target was extended (so an extended item never looks freshly published), and an
    undated item past its next review date."""
    extra = []
    label, _css = status_tag_parts(item, today)
    if item.is_open and label in ("Overdue", "Due soon"):
        extra.append((item.status_label, STATUS_TAG_CLASSES[item.status]))
    if item.is_open and item.extension_count:
        extra.append(("Extended", "govuk-tag--purple"))
    if item.review_overdue(today):
        extra.append(("Review overdue", "govuk-tag--pink"))
    return extra


def status_html(item: TrackedItem, today: dt.date):
    label, css = status_tag_parts(item, today)
    tags = [format_html('<strong class="govuk-tag {}">{}</strong>', css, label)]
    tags += [
        format_html('<strong class="govuk-tag {}">{}</strong>', c, text) for text, c in status_extra_parts(item, today)
    ]
    return format_html_join(" ", "{}", ((tag,) for tag in tags))


@register.simple_tag(takes_context=True)
def status_tag(context, item: TrackedItem):
    return status_html(item, context.get("today") or london_today())


@register.simple_tag
def concern_label(state) -> str:
    """A cause of concern's derived state in words."""
    return state.label(progress_labels=dict(Judgement.Progress.choices))


@register.simple_tag
def lifecycle_tag(item: TrackedItem):
    """The lifecycle status alone, without the overdue clock."""
    return format_html('<strong class="govuk-tag {}">{}</strong>', STATUS_TAG_CLASSES[item.status], item.status_label)


@register.simple_tag
def progress_tag(progress: str):
    if not progress:
        return format_html('<span class="govuk-hint app-no-margin">{}</span>', "Not yet judged")
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', PROGRESS_TAG_CLASSES[progress], Judgement.Progress(progress).label
    )


@register.filter
def long_date(value: dt.date | None) -> str:
    """31 March 2027."""
    return date_format(value, "j F Y") if value else ""


@register.simple_tag(takes_context=True)
def due_phrase(context, target: dt.date | None, is_open: bool = True) -> str:
    """'overdue by 43 days', 'due in 12 days', 'due today'; empty for closed items."""
    if target is None or not is_open:
        return ""
    today = context.get("today") or london_today()
    days = (target - today).days
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "due today"
    return f"due in {days} day{'s' if days != 1 else ''}"


@register.simple_tag(takes_context=True)
def link_to(context, obj, text=None, hidden: str = ""):
    """A link to the page of `obj` (a force, inspection, finding, tracked item or follow-up review),
    or its text alone where the reader may not open that page (inspections/links.py decides).
    `text` defaults to the object's name; `hidden` adds words for screen readers only."""
    url = link_scope(context.get("request")).url(obj)
    return link_or_text(url, str(obj) if text is None else text, hidden)


@register.simple_tag(takes_context=True)
def force_link(context, name: str, slug: str):
    """link_to for a force known only by name and slug (rows of grouped queries)."""
    return link_or_text(link_scope(context.get("request")).force_url(slug=slug), name)


@register.simple_tag(takes_context=True)
def overdue_since_phrase(context, item: TrackedItem) -> str:
    """ "; overdue since 1 April 2027" (and "(arrived overdue)" when it entered the tracker so), or
    nothing when the item is not overdue."""
    today = context.get("today") or london_today()
    since = item.overdue_since(today)
    if since is None:
        return ""
    return f"; overdue since {long_date(since)}" + (" (arrived overdue)" if item.arrived_overdue else "")
