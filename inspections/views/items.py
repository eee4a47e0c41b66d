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
from core.refusals import Refusal
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
    public_comment: str = ""
    evidence: list[EvidenceFile] = field(default_factory=list)
    link: tuple[str, str] | None = None
    status_change: tuple[str, str] | None = None
    imported: bool = False
    date_only: bool = False  # an imported event, or a clock's day: the day is known, not the time


# A clock's "late" event happened on the day after its deadline, whenever the sweep noticed it.
_CLOCK_LATE = (
    ItemEvent.Kind.BECAME_OVERDUE,
    ItemEvent.Kind.RESPONSE_LATE,
    ItemEvent.Kind.COMMENTS_LATE,
    ItemEvent.Kind.FRA_PLAN_LATE,
    ItemEvent.Kind.REVIEW_LATE,
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
                public_comment=event.public_comment,
                status_change=change,
                imported=event.imported,
                date_only=date_only,
            )
        )
    for update in item.updates.select_related("author").prefetch_related("evidence", "cited_evidence"):
        entries.append(
            TimelineEntry(
                at=update.created_at,
                title="Submitted for closure" if update.is_closure_claim else "Progress update",
                kind=ItemEvent.Kind.SUBMITTED if update.is_closure_claim else ItemEvent.Kind.UPDATE,
                actor=update.author,
                note=update.narrative,
                evidence=[*update.evidence.all(), *update.cited_evidence.all()],
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
    return selectors.item_history(item=item)


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
            "concern": selectors.concern_states(items=[item]).get(item.pk),
            "today": today,
            "days_overdue": item.days_overdue(today),
            "days_overdue_original": item.days_overdue(today, against_original=True),
            "overdue_since": item.overdue_since(today),
            "pending_extension": pending,
            "actions": [
                (
                    spec.link,
                    reverse(f"inspections:{spec.url_name}", kwargs={"pk": item.pk}),
                    "govuk-button--secondary" if spec.secondary else "",
                )
                for action, spec in ACTIONS.items()
                if action in actions
            ],
            "timeline": timeline,
            "returned": _returned_claim(item, timeline),
            "history": _history(item),
            "crumbs": _crumbs(item),
        },
    )


@dataclass(frozen=True)
class ItemAction:
    """One action on an item: its form, the service call, and the words on its page."""

    path: str  # under recommendations/<pk>/
    url_name: str
    link: str  # the button on the item page
    form: type[forms.VersionedForm]
    perform: Callable[..., object]  # (item, user, cleaned data, pending extension) -> the event
    title: str
    button: str  # the form's submit button
    success: str | Callable[[dict], str]
    secondary: bool = True  # a grey button on the item page
    form_takes_item: bool = False


def _decide_extension(item, user, data, pending):
    if pending is None:  # decided by someone else since the page was shown
        raise services.TransitionRefused("No extension for this item awaits a decision.")
    return services.extension_decide(
        extension=pending,
        user=user,
        version=data["version"],
        approve=data["approve"] == "approve",
        note=data["note"],
        approved_date=data.get("approved_date"),
    )


# Every action, in the order the item page offers them. The services check the role and the state
# again, so these are the words and the wiring, never the rules.
ACTIONS: dict[str, ItemAction] = {
    "respond": ItemAction(
        path="response/",
        url_name="item_respond",
        link="Record the response",
        form=forms.ResponseForm,
        perform=lambda item, user, data, pending: services.item_response_record(
            item=item, user=user, version=data["version"], response=data["response"], reason=data["reason"]
        ),
        title="Record the force's response",
        button="Save the response",
        success="Response recorded",
    ),
    "update": ItemAction(
        path="update/",
        url_name="item_update",
        link="Post a progress update",
        secondary=False,
        form=forms.UpdateForm,
        perform=lambda item, user, data, pending: services.item_update_post(
            item=item, user=user, version=data["version"], narrative=data["narrative"], files=data["files"]
        ),
        title="Post a progress update",
        button="Save the update",
        success="Progress update saved",
    ),
    "submit": ItemAction(
        path="submit/",
        url_name="item_submit",
        link="Submit for closure",
        form=forms.SubmitForm,
        perform=lambda item, user, data, pending: services.item_closure_submit(
            item=item,
            user=user,
            version=data["version"],
            narrative=data["narrative"],
            files=data["files"],
            existing_evidence=data.get("existing_evidence") or (),
        ),
        title="Submit for closure",
        button="Submit for closure",
        success="Submitted for closure: the inspectorate will verify it",
        form_takes_item=True,
    ),
    "extension_request": ItemAction(
        path="more-time/",
        url_name="item_extension_request",
        link="Ask for more time",
        form=forms.ExtensionRequestForm,
        perform=lambda item, user, data, pending: services.extension_request(
            item=item, user=user, version=data["version"], requested_date=data["requested_date"], reason=data["reason"]
        ),
        title="Ask for more time",
        button="Ask for more time",
        success="Extension requested: the inspectorate will decide",
    ),
    "verify": ItemAction(
        path="verify/",
        url_name="item_verify",
        link="Verify the claim",
        secondary=False,
        form=forms.VerifyForm,
        perform=lambda item, user, data, pending: services.item_closure_verify(
            item=item,
            user=user,
            version=data["version"],
            accept=data["decision"] == "accept",
            note=data["note"],
            public_comment=data.get("public_comment", ""),
        ),
        title="Verify the claim",
        button="Save the decision",
        success=lambda data: "Closed as complete" if data["decision"] == "accept" else "Claim returned to the force",
    ),
    "extension_decide": ItemAction(
        path="more-time/decide/",
        url_name="item_extension_decide",
        link="Decide extension",
        form=forms.ExtensionDecideForm,
        perform=_decide_extension,
        title="Decide the extension",
        button="Save the decision",
        success=lambda data: (
            "Extension approved: the current target date has moved"
            if data["approve"] == "approve"
            else "Extension refused"
        ),
    ),
    "close": ItemAction(
        path="close/",
        url_name="item_close",
        link="Close as…",
        form=forms.CloseForm,
        perform=lambda item, user, data, pending: services.item_close(
            item=item,
            user=user,
            version=data["version"],
            status=data["status"],
            note=data["note"],
            superseded_by=data.get("superseded_by"),
            public_comment=data.get("public_comment", ""),
        ),
        title="Close the item",
        button="Close the item",
        success="Item closed",
        form_takes_item=True,
    ),
    "reopen": ItemAction(
        path="reopen/",
        url_name="item_reopen",
        link="Reopen",
        form=forms.ReopenForm,
        perform=lambda item, user, data, pending: services.item_reopen(
            item=item, user=user, version=data["version"], reason=data["reason"]
        ),
        title="Reopen the item",
        button="Reopen the item",
        success="Item reopened",
    ),
}


@require_http_methods(["GET", "POST"])
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The page of one action (the URL names it): the form on GET, the service call on POST. An
    action the item's state does not allow answers the same on GET and POST: the reason, no form."""
    spec = ACTIONS[action]
    item = _item_for(request, pk)
    services.item_action_assert_permitted(user=request.user, item=item, action=action)
    pending = _pending_extension(item)
    form_kwargs = {"item": item} if spec.form_takes_item else {}
    refusal = services.item_action_refusal(item=item, action=action, pending_extension=pending)
    # A form shown before someone else changed the item goes to the service, which says so and
    # keeps what was typed, even when the change means the action is no longer allowed.
    stale = request.method == "POST" and request.POST.get("version") != str(item.version)
    form = None
    if request.method == "POST" and (refusal is None or stale):
        form = spec.form(request.POST, request.FILES, **form_kwargs)
        if form.is_valid():
            try:
                spec.perform(item, request.user, form.cleaned_data, pending)
            except services.ItemChanged:
                item = _item_for(request, pk)
                pending = _pending_extension(item)
                form.show_changed(item)
            except Refusal as error:
                form.refusal(error)
            else:
                messages.success(request, spec.success(form.cleaned_data) if callable(spec.success) else spec.success)
                return redirect("inspections:item_detail", pk=item.pk)
    elif refusal is None:
        form = spec.form(initial={"version": item.version}, **form_kwargs)
    claim = None
    if action == "verify":
        # What staff are verifying: the force's latest claim, with its evidence.
        claim = (
            item.updates.filter(is_closure_claim=True)
            .select_related("author")
            .prefetch_related("evidence", "cited_evidence")
            .first()
        )
    return render(
        request,
        "inspections/item_action.html",
        {
            "item": item,
            "form": form,
            "refusal": refusal,
            "title": spec.title,
            "button": spec.button,
            "action": action,
            "pending_extension": pending,
            "claim": claim,
            "today": london_today(),
            "crumbs": _crumbs(item, (spec.title, None)),
        },
        status=409 if refusal and form is None else 200,
    )


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_visible_or_404(selectors.evidence_visible_to(user=request.user), pk=pk)
    # Local disk or S3-compatible object storage (EVIDENCE_S3_BUCKET): read through the storage,
    # so the same checks guard both.
    if not evidence.file.storage.exists(evidence.file.name):
        raise Http404("The file is missing from storage.")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    # Always a download (Content-Disposition: attachment), of the type read from its bytes when it
    # was uploaded, under a name whose extension matches that type, and never sniffed: a browser
    # cannot be led to open evidence as a page.
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.download_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
