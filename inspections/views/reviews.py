"""Follow-up reviews: start one from the inspection page or the reviews list, judge all its items
(or the ones chosen) on one page, record the revisit's verdicts, and close the items they close
after one confirmation page. Also: the "next review by" date of an inspection's undated items."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import require_staff
from core.dates import london_today
from core.selectors import get_visible_or_404
from inspections import forms, rules, selectors, services
from inspections.models import FollowUpReview, Inspection, Judgement, TrackedItem


def _inspection_crumbs(inspection) -> list[tuple[str, str | None]]:
    return [
        ("Inspections", reverse("inspections:inspection_list")),
        (inspection.reference, reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})),
    ]


@require_GET
def review_start(request: HttpRequest) -> HttpResponse:
    """From the reviews list: staff name the inspection to follow up, then open the review."""
    require_staff(request.user)
    form = forms.ReviewStartForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("inspections:review_create", pk=form.cleaned_data["inspection"].pk)
    return render(
        request,
        "inspections/review_start.html",
        {
            "form": form,
            "crumbs": [("Follow-up reviews", reverse("inspections:review_list")), ("Start a follow-up review", None)],
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(
        selectors.inspections_visible_to(user=request.user).select_related("programme"), pk=pk
    )
    require_staff(request.user)
    if request.method == "POST":
        form = forms.ReviewForm(request.POST, inspection=inspection)
        if form.is_valid():
            try:
                review = services.review_create(
                    inspection=inspection,
                    user=request.user,
                    review_date=form.cleaned_data["review_date"],
                    reviewer=form.cleaned_data["reviewer"],
                    conclusion=form.cleaned_data["conclusion"],
                    items=list(form.cleaned_data["items"]),
                    next_review_by=form.cleaned_data["next_review_by"],
                )
            except services.TransitionRefused as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Follow-up review opened: judge the progress on each item")
                return redirect("inspections:review_judge", pk=review.pk)
    else:
        today = london_today()
        form = forms.ReviewForm(
            initial={
                "reviewer": request.user.pk,
                "review_date": today,
                "next_review_by": rules.review_by_default(
                    start=today, review_months=inspection.programme.review_months
                ),
            },
            inspection=inspection,
        )
    return render(
        request,
        "inspections/review_form.html",
        {
            "inspection": inspection,
            "form": form,
            "crumbs": [*_inspection_crumbs(inspection), ("New follow-up review", None)],
        },
        status=400 if form.errors else 200,
    )


def _review_for(request: HttpRequest, pk: int) -> FollowUpReview:
    reviews = selectors.reviews_visible_to(user=request.user).select_related("inspection", "reviewer")
    return get_visible_or_404(reviews, pk=pk)


def _review_title(review: FollowUpReview) -> str:
    return f"Follow-up review of {review.review_date.day} {review.review_date:%B %Y}"


@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_for(request, pk)
    items = selectors.items_visible_to(user=request.user)
    judgements = list(
        review.judgements.filter(item__in=items)
        .select_related("item__finding", "item__force")
        .order_by("item__finding__position", "item__finding__reference", "item__force__name")
    )
    title = _review_title(review)
    may_judge = request.user.is_inspectorate_staff
    return render(
        request,
        "inspections/review_detail.html",
        {
            "review": review,
            "title": title,
            "judgements": judgements,
            "may_judge": may_judge,
            "pending": services.review_closures_pending(review=review) if may_judge else [],
            "today": london_today(),
            "crumbs": [*_inspection_crumbs(review.inspection), (title, None)],
        },
    )


def _close_label(item: TrackedItem) -> str:
    if item.finding.category == "cause_of_concern":
        return "Cause of concern discharged: close it"
    return f"{item.finding.get_category_display()} complete: close it"


@require_http_methods(["GET", "POST"])
def review_judge(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_for(request, pk)
    require_staff(request.user)
    items = list(
        services.review_items(review=review)
        .select_related("finding", "force")
        .order_by("finding__position", "finding__reference", "force__name")
    )
    existing = {j.item_id: j for j in review.judgements.all()}
    initial = [
        {
            "item_id": item.pk,
            "progress": existing[item.pk].progress if item.pk in existing else "",
            "commentary": existing[item.pk].commentary if item.pk in existing else "",
            "close": bool(existing[item.pk].verdict) if item.pk in existing else False,
        }
        for item in items
    ]
    by_id = {item.pk: item for item in items}
    problem = ""
    version = review.version
    saved_now: dict[int, object] = {}
    if request.method == "POST":
        formset = forms.JudgementFormSet(request.POST, initial=initial)
        version = _posted_id(request.POST.get("version"))
        if formset.is_valid():
            posted_ids = [form.cleaned_data.get("item_id") for form in formset.forms]
            if sorted(posted_ids) != sorted(by_id):
                problem = "The items of this review changed while you were working: check the rows and save again"
            else:
                rows = []
                for form in formset.forms:
                    item = by_id[form.cleaned_data["item_id"]]
                    verdict = ""
                    if form.cleaned_data.get("close") and item.is_open:
                        verdict = (
                            Judgement.Verdict.DISCHARGED
                            if item.finding.category == "cause_of_concern"
                            else Judgement.Verdict.COMPLETE
                        )
                    rows.append(
                        services.JudgementRow(
                            item=item,
                            progress=form.cleaned_data.get("progress") or "",
                            commentary=form.cleaned_data.get("commentary") or "",
                            public_comment=form.cleaned_data.get("public_comment") or "",
                            verdict=verdict,
                        )
                    )
                try:
                    changed = services.review_judgements_save(
                        review=review, user=request.user, rows=rows, version=version
                    )
                except services.ReviewChanged as error:
                    # Keep everything typed, show what is saved now beside each row that differs,
                    # and carry the new version, so a deliberate second save is possible.
                    review.refresh_from_db()
                    version = review.version
                    saved_now = _differences(review=review, rows=rows)
                    problem = (
                        f"{error.message}. What you typed is kept: check the judgements now saved, then save again."
                    )
                except services.TransitionRefused as error:
                    problem = error.message
                else:
                    messages.success(request, f"Judgements saved ({changed} recorded or changed)")
                    if services.review_closures_pending(review=review):
                        return redirect("inspections:review_close", pk=review.pk)
                    return redirect("inspections:review_detail", pk=review.pk)
    else:
        formset = forms.JudgementFormSet(initial=initial)
    # Rows follow the posted order; a tampered item id shows no row rather than someone else's.
    rows = [(by_id.get(_posted_id(form["item_id"].value())), form) for form in formset.forms]
    concerns = selectors.concern_states(items=[item for item, _form in rows if item is not None])
    title = _review_title(review)
    return render(
        request,
        "inspections/review_judge.html",
        {
            "review": review,
            "title": title,
            "formset": formset,
            "rows": [
                (item, form, _close_label(item), concerns.get(item.pk), saved_now.get(item.pk))
                for item, form in rows
                if item is not None
            ],
            "version": version if version is not None else review.version,
            "problem": problem,
            "today": london_today(),
            "crumbs": [
                *_inspection_crumbs(review.inspection),
                (title, reverse("inspections:review_detail", kwargs={"pk": review.pk})),
                ("Judge progress", None),
            ],
        },
    )


def _shown_versions(request: HttpRequest) -> dict[int, int] | None:
    """The items (and versions) the confirmation page listed, as posted back: "item:version"."""
    shown = {}
    for value in request.POST.getlist("close"):
        item_id, _sep, version = value.partition(":")
        if not (item_id.isdecimal() and version.isdecimal() and len(item_id) <= 18 and len(version) <= 9):
            return None
        shown[int(item_id)] = int(version)
    return shown


@require_http_methods(["GET", "POST"])
def review_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The one confirmation page: exactly the items this review's verdicts close. Confirming closes
    them all in one transaction, or none."""
    review = _review_for(request, pk)
    require_staff(request.user)
    title = _review_title(review)
    problem = ""
    if request.method == "POST":
        shown = _shown_versions(request)
        try:
            if shown is None:
                raise services.TransitionRefused("The list of items to close could not be read: check it and confirm")
            events = services.review_closures_confirm(review=review, user=request.user, shown=shown)
        except services.TransitionRefused as error:
            problem = error.message
        else:
            count = len(events)
            messages.success(request, f"{count} item{'s' if count != 1 else ''} closed")
            return redirect("inspections:review_detail", pk=review.pk)
    pending = services.review_closures_pending(review=review)
    return render(
        request,
        "inspections/review_close.html",
        {
            "review": review,
            "title": title,
            "pending": pending,
            "problem": problem,
            "today": london_today(),
            "crumbs": [
                *_inspection_crumbs(review.inspection),
                (title, reverse("inspections:review_detail", kwargs={"pk": review.pk})),
                ("Close the items", None),
            ],
        },
        status=400 if problem else 200,
    )


def _differences(*, review: FollowUpReview, rows: list) -> dict[int, Judgement]:
    """The judgements now saved in the review that differ from what the user typed, by item."""
    saved = {j.item_id: j for j in review.judgements.all()}
    return {
        row.item.pk: saved[row.item.pk]
        for row in rows
        if row.item.pk in saved
        and (saved[row.item.pk].progress, saved[row.item.pk].commentary, saved[row.item.pk].verdict)
        != (row.progress, row.commentary.strip(), row.verdict)
    }


def _posted_id(value: object) -> int | None:
    """A row's posted item id as a number, or None for anything else (a tampered form)."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


@require_http_methods(["GET", "POST"])
def review_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff set when the inspection's open undated items (most areas for improvement and causes
    of concern) are next reviewed; the programme's cycle is offered."""
    inspection: Inspection = get_visible_or_404(
        selectors.inspections_visible_to(user=request.user).select_related("programme"), pk=pk
    )
    require_staff(request.user)
    today = london_today()
    undated = selectors.undated_open_items(inspection=inspection)
    default = rules.review_by_default(start=inspection.published_on, review_months=inspection.programme.review_months)
    if default is not None and default <= today:
        default = rules.review_by_default(start=today, review_months=inspection.programme.review_months)
    form = forms.ReviewDatesForm(request.POST or None, initial={"review_by": default})
    if request.method == "POST" and form.is_valid():
        try:
            count = services.review_dates_set(
                inspection=inspection, user=request.user, review_by=form.cleaned_data["review_by"]
            )
        except services.TransitionRefused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Next review date set for {count} item{'s' if count != 1 else ''}")
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return render(
        request,
        "inspections/review_dates.html",
        {
            "inspection": inspection,
            "form": form,
            "undated": undated,
            "months": inspection.programme.review_months,
            "today": today,
            "crumbs": [*_inspection_crumbs(inspection), ("Next review of undated findings", None)],
        },
        status=400 if form.errors else 200,
    )
