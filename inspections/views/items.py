"""An item's page, its actions (one page each, so they work without JavaScript), and evidence
downloads. Every fetch goes through the selectors (404 outside the user's scope); the services
decide what each role and state allows (403 for a role that may see but not act)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.dates import london_today
from core.selectors import get_visible_or_404
from inspections import forms, rules, selectors, services
from inspections.models import EvidenceFile, ExtensionRequest, ItemEvent, TrackedItem


def _item_for(request: HttpRequest, pk: int) -> TrackedItem:
    items = selectors.items_visible_to(user=request.user).select_related(
        "finding__inspection__programme",
        "finding__cause_of_concern",
        "force",
        "superseded_by__finding",
        "superseded_by__force",
        "closed_by",
    )
    return get_visible_or_404(items, pk=pk)


def _pending_extension(item: TrackedItem) -> ExtensionRequest | None:
    return item.extensions.filter(decision=ExtensionRequest.Decision.PENDING).select_related("requested_by").first()


def _crumbs(item: TrackedItem, *more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    inspection = item.finding.inspection
    return [
        ("Recommendations", reverse("inspections:item_list")),
        (inspection.reference, reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})),
        (
            f"{item.finding.reference} – {item.force.name}",
            reverse("inspections:item_detail", kwargs={"pk": item.pk}) if more else None,
        ),
        *more,
    ]


@dataclass
class TimelineEntry:
    at: dt.datetime
    title: str
    kind: str = ""
    actor: object = None
    note: str = ""
    evidence: list[EvidenceFile] = field(default_factory=list)
    link: tuple[str, str] | None = None
    status_change: tuple[str, str] | None = None
    imported: bool = False
    date_only: bool = False  # an imported event, or a clock's day: the day is known, not the time


# A clock's "late" event happened on the day after its deadline, whenever the sweep noticed it.
_CLOCK_LATE = (
    ItemEvent.Kind.BECAME_OVERDUE,
    ItemEvent.Kind.RESPONSE_LATE,
    ItemEvent.Kind.ACTION_PLAN_LATE,
    ItemEvent.Kind.VERIFICATION_LATE,
)


# Updates and judgements are shown from their own rows (with evidence and the review), so their
# events would only repeat them.
_EVENTS_SHOWN_ELSEWHERE = (ItemEvent.Kind.UPDATE, ItemEvent.Kind.SUBMITTED, ItemEvent.Kind.JUDGED)


def item_timeline(*, item: TrackedItem) -> list[TimelineEntry]:
    labels = dict(TrackedItem.Status.choices)
    entries = []
    for event in item.events.exclude(kind__in=_EVENTS_SHOWN_ELSEWHERE).select_related("actor"):
        title = event.get_kind_display()
        if event.kind == ItemEvent.Kind.CLOSED and event.to_status:
            title = labels.get(event.to_status, title)
        note = event.note
        if event.target_date and event.kind in (
            ItemEvent.Kind.EXTENSION_REQUESTED,
            ItemEvent.Kind.EXTENSION_APPROVED,
            ItemEvent.Kind.EXTENSION_REFUSED,
        ):
            title = f"{title}: to {event.target_date.day} {event.target_date:%B %Y}"
        change = None
        if event.from_status and event.to_status:
            change = (labels.get(event.from_status, event.from_status), labels.get(event.to_status, event.to_status))
        elif event.to_status and event.kind == ItemEvent.Kind.RECORDED:
            title = f"{title}: {labels.get(event.to_status, event.to_status).lower()}"
        at, date_only = event.at, event.imported
        if event.kind in _CLOCK_LATE and event.target_date is not None:
            # Dated when it became late (the day after the deadline), not when the sweep noticed.
            became = rules.overdue_since(event.target_date)
            at, date_only = timezone.make_aware(dt.datetime.combine(became, dt.time.min)), True
            if event.clock_day and event.clock_day > became and not event.imported:
                note = f"{note}\n\nNoticed by the tracker on {event.clock_day.day} {event.clock_day:%B %Y}.".strip()
        entries.append(
            TimelineEntry(
                at=at,
                title=title,
                kind=event.kind,
                actor=event.actor,
                note=note,
                status_change=change,
                imported=event.imported,
                date_only=date_only,
            )
        )
    for update in item.updates.select_related("author").prefetch_related("evidence"):
        entries.append(
            TimelineEntry(
                at=update.created_at,
                title="Submitted for closure" if update.is_closure_claim else "Progress update",
                kind=ItemEvent.Kind.SUBMITTED if update.is_closure_claim else ItemEvent.Kind.UPDATE,
                actor=update.author,
                note=update.narrative,
                evidence=list(update.evidence.all()),
            )
        )
    for judgement in item.judgements.select_related("review__reviewer"):
        review = judgement.review
        entries.append(
            TimelineEntry(
                at=judgement.created_at,
                title=f"Progress judged: {judgement.get_progress_display().lower()}",
                actor=review.reviewer,
                note=judgement.commentary,
                link=(
                    f"Follow-up review of {review.review_date.day} {review.review_date:%B %Y}",
                    reverse("inspections:review_detail", kwargs={"pk": review.pk}),
                ),
            )
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _history(item: TrackedItem):
    item_history = getattr(selectors, "item_history", None)
    if item_history is not None:
        return item_history(item=item)
    return item.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]


ACTION_LINKS = {
    "respond": ("Record the response", "inspections:item_respond", "govuk-button--secondary"),
    "update": ("Post a progress update", "inspections:item_update", ""),
    "submit": ("Submit for closure", "inspections:item_submit", "govuk-button--secondary"),
    "extension_request": ("Ask for more time", "inspections:item_extension_request", "govuk-button--secondary"),
    "verify": ("Verify the claim", "inspections:item_verify", ""),
    "extension_decide": ("Decide extension", "inspections:item_extension_decide", "govuk-button--secondary"),
    "close": ("Close as…", "inspections:item_close", "govuk-button--secondary"),
    "reopen": ("Reopen", "inspections:item_reopen", "govuk-button--secondary"),
}


def _returned_claim(item: TrackedItem, timeline: list[TimelineEntry]) -> TimelineEntry | None:
    """The inspectorate's reason, when the force's latest claim was returned and not yet made
    again: what the force needs to act on now."""
    if item.status != TrackedItem.Status.IN_PROGRESS:
        return None
    for entry in timeline:
        if entry.kind in (ItemEvent.Kind.SUBMITTED, ItemEvent.Kind.CLOSED, ItemEvent.Kind.REOPENED):
            return None
        if entry.kind == ItemEvent.Kind.RETURNED:
            return entry
    return None


@require_GET
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    today = london_today()
    pending = _pending_extension(item)
    actions = services.item_actions_available(user=request.user, item=item, pending_extension=pending)
    timeline = item_timeline(item=item)
    return render(
        request,
        "inspections/item_detail.html",
        {
            "item": item,
            "today": today,
            "days_overdue": item.days_overdue(today),
            "days_overdue_original": item.days_overdue(today, against_original=True),
            "overdue_since": item.overdue_since(today),
            "pending_extension": pending,
            "actions": [
                (label, reverse(url_name, kwargs={"pk": item.pk}), css)
                for action, (label, url_name, css) in ACTION_LINKS.items()
                if action in actions
            ],
            "timeline": timeline,
            "returned": _returned_claim(item, timeline),
            "history": _history(item),
            "crumbs": _crumbs(item),
        },
    )


def _act(
    request: HttpRequest,
    pk: int,
    *,
    action: str,
    form_class: type[forms.VersionedForm],
    perform: Callable[[TrackedItem, dict, ExtensionRequest | None], object],
    title: str,
    success: str | Callable[[dict], str],
    button: str,
    needs_item: bool = False,
) -> HttpResponse:
    item = _item_for(request, pk)
    services.item_action_assert_permitted(user=request.user, item=item, action=action)
    pending = _pending_extension(item)
    kwargs = {"item": item} if needs_item else {}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            try:
                perform(item, form.cleaned_data, pending)
            except services.ItemChanged:
                item = _item_for(request, pk)
                pending = _pending_extension(item)
                form.show_changed(item)
            except services.TransitionRefused as error:
                form.refusal(error)
            else:
                messages.success(request, success(form.cleaned_data) if callable(success) else success)
                return redirect("inspections:item_detail", pk=item.pk)
    else:
        form = form_class(initial={"version": item.version}, **kwargs)
    claim = None
    if action == "verify":
        # What staff are verifying: the force's latest claim, with its evidence.
        claim = item.updates.filter(is_closure_claim=True).select_related("author").prefetch_related("evidence").first()
    return render(
        request,
        "inspections/item_action.html",
        {
            "item": item,
            "form": form,
            "title": title,
            "button": button,
            "action": action,
            "pending_extension": pending,
            "claim": claim,
            "today": london_today(),
            "crumbs": _crumbs(item, (title, None)),
        },
    )


@require_http_methods(["GET", "POST"])
def item_respond(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(item, data, pending):
        return services.item_response_record(
            item=item, user=request.user, version=data["version"], response=data["response"], reason=data["reason"]
        )

    return _act(
        request,
        pk,
        action="respond",
        form_class=forms.ResponseForm,
        perform=perform,
        title="Record the force's response",
        success="Response recorded",
        button="Save the response",
    )


@require_http_methods(["GET", "POST"])
def item_update(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(item, data, pending):
        return services.item_update_post(
            item=item, user=request.user, version=data["version"], narrative=data["narrative"], files=data["files"]
        )

    return _act(
        request,
        pk,
        action="update",
        form_class=forms.UpdateForm,
        perform=perform,
        title="Post a progress update",
        success="Progress update saved",
        button="Save the update",
    )


@require_http_methods(["GET", "POST"])
def item_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(item, data, pending):
        return services.item_closure_submit(
            item=item, user=request.user, version=data["version"], narrative=data["narrative"], files=data["files"]
        )

    return _act(
        request,
        pk,
        action="submit",
        form_class=forms.SubmitForm,
        perform=perform,
        title="Submit for closure",
        success="Submitted for closure: the inspectorate will verify it",
        button="Submit for closure",
    )


@require_http_methods(["GET", "POST"])
def item_extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(item, data, pending):
        return services.extension_request(
            item=item,
            user=request.user,
            version=data["version"],
            requested_date=data["requested_date"],
            reason=data["reason"],
        )

    return _act(
        request,
        pk,
        action="extension_request",
        form_class=forms.ExtensionRequestForm,
        perform=perform,
        title="Ask for more time",
        success="Extension requested: the inspectorate will decide",
        button="Ask for more time",
    )


@require_http_methods(["GET", "POST"])
def item_verify(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(item, data, pending):
        return services.item_closure_verify(
            item=item,
            user=request.user,
            version=data["version"],
            accept=data["decision"] == "accept",
            note=data["note"],
        )

    return _act(
        request,
        pk,
        action="verify",
        form_class=forms.VerifyForm,
        perform=perform,
        title="Verify the claim",
        success=lambda data: "Closed as complete" if data["decision"] == "accept" else "Claim returned to the force",
        button="Save the decision",
    )


@require_http_methods(["GET", "POST"])
def item_extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(item, data, pending):
        if pending is None:
            raise services.TransitionRefused("No extension for this item awaits a decision.")
        return services.extension_decide(
            extension=pending,
            user=request.user,
            version=data["version"],
            approve=data["approve"] == "approve",
            note=data["note"],
        )

    return _act(
        request,
        pk,
        action="extension_decide",
        form_class=forms.ExtensionDecideForm,
        perform=perform,
        title="Decide the extension",
        success=lambda data: (
            "Extension approved: the current target date has moved"
            if data["approve"] == "approve"
            else "Extension refused"
        ),
        button="Save the decision",
    )


@require_http_methods(["GET", "POST"])
def item_close(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(item, data, pending):
        return services.item_close(
            item=item,
            user=request.user,
            version=data["version"],
            status=data["status"],
            note=data["note"],
            superseded_by=data.get("superseded_by"),
        )

    return _act(
        request,
        pk,
        action="close",
        form_class=forms.CloseForm,
        perform=perform,
        title="Close the item",
        success="Item closed",
        button="Close the item",
        needs_item=True,
    )


@require_http_methods(["GET", "POST"])
def item_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(item, data, pending):
        return services.item_reopen(item=item, user=request.user, version=data["version"], reason=data["reason"])

    return _act(
        request,
        pk,
        action="reopen",
        form_class=forms.ReopenForm,
        perform=perform,
        title="Reopen the item",
        success="Item reopened",
        button="Reopen the item",
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_visible_or_404(selectors.evidence_visible_to(user=request.user), pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
