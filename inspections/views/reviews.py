"""Follow-up reviews: open one for an inspection, judge all its items on one page, read it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import require_staff
from core.dates import london_today
from core.selectors import get_visible_or_404
from inspections import forms, selectors, services
from inspections.models import FollowUpReview, Judgement, TrackedItem


def _inspection_crumbs(inspection) -> list[tuple[str, str | None]]:
    return [
        ("Inspections", reverse("inspections:inspection_list")),
        (inspection.reference, reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})),
    ]


@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_visible_or_404(selectors.inspections_visible_to(user=request.user), pk=pk)
    require_staff(request.user)
    if request.method == "POST":
        form = forms.ReviewForm(request.POST)
        if form.is_valid():
            try:
                review = services.review_create(
                    inspection=inspection,
                    user=request.user,
                    review_date=form.cleaned_data["review_date"],
                    reviewer=form.cleaned_data["reviewer"],
                    conclusion=form.cleaned_data["conclusion"],
                )
            except services.TransitionRefused as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, "Follow-up review opened: judge the progress on each item")
                return redirect("inspections:review_judge", pk=review.pk)
    else:
        form = forms.ReviewForm(initial={"reviewer": request.user.pk})
    return render(
        request,
        "inspections/review_form.html",
        {
            "inspection": inspection,
            "form": form,
            "crumbs": [*_inspection_crumbs(inspection), ("New follow-up review", None)],
        },
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
    return render(
        request,
        "inspections/review_detail.html",
        {
            "review": review,
            "title": title,
            "judgements": judgements,
            "may_judge": request.user.is_inspectorate_staff,
            "today": london_today(),
            "crumbs": [*_inspection_crumbs(review.inspection), (title, None)],
        },
    )


@require_http_methods(["GET", "POST"])
def review_judge(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_for(request, pk)
    require_staff(request.user)
    items = list(
        TrackedItem.objects.filter(finding__inspection_id=review.inspection_id)
        .select_related("finding", "force")
        .order_by("finding__position", "finding__reference", "force__name")
    )
    existing = {j.item_id: j for j in review.judgements.all()}
    initial = [
        {
            "item_id": item.pk,
            "progress": existing[item.pk].progress if item.pk in existing else "",
            "commentary": existing[item.pk].commentary if item.pk in existing else "",
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
                problem = "The items of this inspection changed while you were working: check the rows and save again"
            else:
                rows = [
                    services.JudgementRow(
                        item=by_id[form.cleaned_data["item_id"]],
                        progress=form.cleaned_data.get("progress") or "",
                        commentary=form.cleaned_data.get("commentary") or "",
                        public_comment=form.cleaned_data.get("public_comment") or "",
                    )
                    for form in formset.forms
                ]
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
                    return redirect("inspections:review_detail", pk=review.pk)
    else:
        formset = forms.JudgementFormSet(initial=initial)
    # Rows follow the posted order; a tampered item id shows no row rather than someone else's.
    rows = [(by_id.get(_posted_id(form["item_id"].value())), form) for form in formset.forms]
    rows = [(item, form, saved_now.get(item.pk)) for item, form in rows if item is not None]
    title = _review_title(review)
    return render(
        request,
        "inspections/review_judge.html",
        {
            "review": review,
            "title": title,
            "formset": formset,
            "rows": rows,
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


def _differences(*, review: FollowUpReview, rows: list) -> dict[int, Judgement]:
    """The judgements now saved in the review that differ from what the user typed, by item."""
    saved = {j.item_id: j for j in review.judgements.all()}
    return {
        row.item.pk: saved[row.item.pk]
        for row in rows
        if row.item.pk in saved
        and (saved[row.item.pk].progress, saved[row.item.pk].commentary) != (row.progress, row.commentary.strip())
    }


def _posted_id(value: object) -> int | None:
    """A row's posted item id as a number, or None for anything else (a tampered form)."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
