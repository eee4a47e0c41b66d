"""The managers' overdue review queue: overdue items awaiting review grouped by finding, one
decision recorded for whole findings, chosen forces or everything matching the filters, after a
confirmation page that states exactly how many items and forces it will be recorded on; and one
item's review."""

import datetime as dt
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_tables2.data import TableListData

from accounts.permissions import require_staff_or_manager
from core.dates import london_today
from core.selectors import get_visible_or_404
from core.tables import paginate
from forces.models import GoverningBody
from forces.selectors import forces_visible_to, governance_on
from inspections.filters import selected_filters
from inspections.selectors import items_visible_to
from inspections.views.findings import ROLLUP_GROUPS
from oversight.filters import ReviewQueueFilter
from oversight.forms import OverdueReviewForm
from oversight.selectors import (
    Selection,
    escalation_target,
    review_queue_groups,
    review_queue_items,
    review_queue_page,
    review_queue_totals,
    review_selection,
    review_selection_summary,
)
from oversight.services import REVIEW_MAX_ITEMS, ReviewError, StaleSelection, overdue_reviews_record
from oversight.tables import ReviewGroupTable, force_choices

QUEUE_PER_PAGE = 25
# The filters the meeting pack shares with the queue, passed on by "Open the meeting pack".
PACK_FILTERS = ("region", "kind", "force", "theme", "origin")
MANY_GOVERNORS = "each force's governing body (named beside each force)"


class _Groups(Sequence):
    """The queue's groups for django-tables2 (wrapped in TableListData, which would otherwise copy
    every group into a list): their number is known from the totals, and a page is one grouped
    query (LIMIT/OFFSET) filled in by review_queue_page."""

    def __init__(self, *, count: int, groups, fill: Callable[[list[dict]], list[dict]]) -> None:
        self.count, self.groups, self.fill = count, groups, fill
        self.pages: dict[tuple, list[dict]] = {}

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        if (key.start, key.stop) not in self.pages:
            self.pages[(key.start, key.stop)] = self.fill(list(self.groups[key]))
        return self.pages[(key.start, key.stop)]


class _GroupData(TableListData):
    """The groups as django-tables2's data: never copied whole, and in the queue's one order (worst
    first) whatever `?sort=` asks."""

    def order_by(self, aliases) -> None:
        return None


def _whole_numbers(values: list[str]) -> frozenset[int]:
    # isdecimal, not isdigit: "¹" is a digit that int() refuses; 18 digits always fit in 64 bits.
    return frozenset(int(value) for value in values if value.isdecimal() and len(value) <= 18)


def _posted_selection(data: QueryDict) -> Selection:
    return Selection(
        everything=data.get("all") == "1",
        finding_ids=_whole_numbers(data.getlist("findings")),
        item_ids=_whole_numbers(data.getlist("items")),
    )


def _addressees_line(addressees: list[dict]) -> tuple[str, int]:
    """ "37 of 43 forces" or "37 of 43 forces, 1 of 3 national bodies", and the overdue total."""
    parts, overdue = [], 0
    for kinds, singular, plural in ROLLUP_GROUPS:
        rows = [row for row in addressees if row["force__kind"] in kinds]
        if rows:
            total = sum(row["total"] for row in rows)
            late = sum(row["overdue"] for row in rows)
            overdue += late
            parts.append(f"{late} of {total} {singular if total == 1 else plural}")
    return ", ".join(parts), overdue


def _filled(
    *, user, items, today, bodies: dict[int, GoverningBody], selection: Selection
) -> Callable[[list[dict]], list[dict]]:
    def fill(groups: list[dict]) -> list[dict]:
        page = review_queue_page(user=user, groups=groups, items=items, today=today)
        for group in page:
            group["overdue_line"], group["overdue"] = _addressees_line(group["addressees"])
            # A finding's forces are shown when some of them were chosen (a form sent back).
            group["open"] = any(item.pk in selection.item_ids for item in group["items"])
            for item in group["items"]:
                body = bodies.get(item.force_id)
                item.governor_name = body.name if body else ""
            group["choices"] = force_choices(group, selection=selection, today=today)
        return page

    return fill


def _pack_url(filters: ReviewQueueFilter) -> str:
    data = filters.form.cleaned_data if filters.form.is_valid() else {}
    query = {name: filters.data[name] for name in PACK_FILTERS if data.get(name)}
    if data.get("programme"):
        query["programme"] = data["programme"].pk  # the pack's programme filter takes the id
    return f"{reverse('oversight:meeting_pack')}{'?' + urlencode(query) if query else ''}"


def _form(data=None, *, today) -> OverdueReviewForm:
    # The next review is suggested at the review interval, so a decision needs no date typed.
    initial = {"next_review_on": today + dt.timedelta(days=settings.OVERDUE_REVIEW_INTERVAL_DAYS)}
    return OverdueReviewForm(data, governor=MANY_GOVERNORS, initial=initial)


def _record(request: HttpRequest, form: OverdueReviewForm, *, items, today, fingerprint: str | None = None):
    """Record the form's decision for the items; a refusal (not a stale selection) becomes the
    form's error (None)."""
    try:
        return overdue_reviews_record(
            items=items,
            reviewer=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            next_review_on=form.cleaned_data["next_review_on"],
            today=today,
            fingerprint=fingerprint,
        )
    except StaleSelection:
        raise
    except ReviewError as error:
        form.add_error(None, str(error))
        return None


@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    require_staff_or_manager(request.user)
    today = london_today()
    user = request.user
    filters = ReviewQueueFilter(request.GET or None, queryset=review_queue_items(user=user, today=today), user=user)
    items = filters.qs
    selection = Selection()
    form = _form(today=today)
    if request.method == "POST":
        selection = _posted_selection(request.POST)
        form = _form(request.POST, today=today)
        step = request.POST.get("step", "check")
        if step != "change" and form.is_valid():
            if not selection:
                form.add_error(None, "Select the findings or forces to record the decision for")
            else:
                return _confirm(request, form=form, selection=selection, items=items, today=today, step=step)
    return _queue_page(request, filters=filters, form=form, selection=selection, today=today)


def _queue_page(request, *, filters, form, selection: Selection, today, status: int | None = None) -> HttpResponse:
    user = request.user
    items = filters.qs
    totals = review_queue_totals(items=items, today=today)
    bodies = {
        force_id: period.body
        for force_id, period in governance_on(
            force_ids=forces_visible_to(user=user).values_list("id", flat=True), day=today
        ).items()
    }
    groups = _Groups(
        count=totals["findings"],
        groups=review_queue_groups(items=items),
        fill=_filled(user=user, items=items, today=today, bodies=bodies, selection=selection),
    )
    table = ReviewGroupTable(_GroupData(groups), selection=selection)
    paginate(request, table, per_page=QUEUE_PER_PAGE)
    return render(
        request,
        "oversight/queue.html",
        {
            "filter": filters,
            "selected": selected_filters(filters, request.GET),
            "table": table,
            "totals": totals,
            "form": form,
            "selection": selection,
            "today": today,
            "interval": settings.OVERDUE_REVIEW_INTERVAL_DAYS,
            "pack_url": _pack_url(filters),
            "max_items": REVIEW_MAX_ITEMS,
        },
        status=status or (400 if form.errors else 200),
    )


def _confirm(request, *, form, selection: Selection, items, today, step: str) -> HttpResponse:
    """The confirmation page (step "check"), or the decision recorded (step "confirm", with the
    fingerprint of the items the page showed)."""
    chosen = review_selection(items=items, selection=selection)
    problem, stale = "", False
    if step == "confirm":
        try:
            reviews = _record(request, form, items=chosen, today=today, fingerprint=request.POST.get("fingerprint", ""))
        except StaleSelection as error:
            problem, stale = str(error), True
        else:
            if reviews is not None:
                count = len(reviews)
                forces = len({review.item.force_id for review in reviews})
                messages.success(
                    request,
                    f"Decision recorded on {count} item{'s' if count != 1 else ''} at "
                    f"{forces} force{'s' if forces != 1 else ''}",
                )
                return redirect(request.get_full_path())
            problem = " ".join(form.non_field_errors())
    summary = review_selection_summary(user=request.user, items=chosen)
    if not summary["items"] and not problem:
        problem = "None of the chosen items awaits a review any more: choose again."
    elif summary["items"] > REVIEW_MAX_ITEMS and not problem:
        problem = (
            f"One decision can be recorded on at most {REVIEW_MAX_ITEMS:,} items: narrow the filters "
            f"(these are {summary['items']:,})."
        )
    decision = form.cleaned_data["decision"]
    return render(
        request,
        "oversight/queue_confirm.html",
        {
            "form": form,
            "decision_label": dict(form.fields["decision"].choices)[decision],
            "summary": summary,
            "selection": selection,
            "problem": problem,
            "stale": stale,
            "can_confirm": 0 < summary["items"] <= REVIEW_MAX_ITEMS,
            "action": request.get_full_path(),
        },
        status=409 if stale else 400 if problem else 200,
    )


@require_http_methods(["GET", "POST"])
def item_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(items_visible_to(user=request.user).select_related("finding__inspection", "force"), pk=pk)
    require_staff_or_manager(request.user)
    today = london_today()
    form = OverdueReviewForm(request.POST or None, governor=escalation_target(items=[item], today=today))
    if request.method == "POST" and form.is_valid() and _record(request, form, items=[item], today=today):
        messages.success(request, "Review recorded")
        return redirect("oversight:queue")
    return render(
        request,
        "oversight/item_review.html",
        {
            "item": item,
            "form": form,
            "today": today,
            "reviews": item.overdue_reviews.select_related("reviewer")[:10],
            "crumbs": [
                ("Overdue items to review", reverse("oversight:queue")),
                (f"{item.finding.reference}, {item.force.name}", ""),
            ],
        },
        status=400 if form.errors else 200,
    )
