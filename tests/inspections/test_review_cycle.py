"""The review cycle run from the pages: opening a review of chosen items, the revisit's verdicts,
the one confirmation page that closes exactly what they close (in one transaction, with events and
emails sent once), and a cause of concern's state derived from its recommendations."""

import datetime as dt

import pytest
from django.urls import reverse

from inspections import services
from inspections.models import FollowUpReview, ItemEvent, Judgement, TrackedItem
from notifications.models import Message
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def concern(force, liaison_user):
    """A cause of concern for Cleveland Police, answered by three recommendations."""
    inspection = factories.InspectionFactory()
    coc = factories.FindingFactory(inspection=inspection, reference="CoC1", category="cause_of_concern", position=0)
    recs = [
        factories.FindingFactory(inspection=inspection, reference=f"R{n}", cause_of_concern=coc, position=n)
        for n in (1, 2, 3)
    ]
    coc_item = factories.TrackedItemFactory(finding=coc, force=force)
    rec_items = [factories.TrackedItemFactory(finding=rec, force=force) for rec in recs]
    return inspection, coc_item, rec_items


def _review(inspection, staff_user, items=()):
    return services.review_create(
        inspection=inspection, user=staff_user, review_date=dt.date(2026, 6, 1), reviewer=staff_user, items=items
    )


def test_a_review_of_chosen_items_judges_only_those(concern, staff_user):
    inspection, coc_item, rec_items = concern
    review = _review(inspection, staff_user, items=rec_items[:2])
    assert set(services.review_items(review=review)) == set(rec_items[:2])
    with pytest.raises(services.TransitionRefused, match="not an item of this review"):
        services.review_judgements_save(
            review=review,
            version=review.version,
            user=staff_user,
            rows=[services.JudgementRow(item=coc_item, progress="good")],
        )
    everything = _review(inspection, staff_user)
    assert set(services.review_items(review=everything)) == {coc_item, *rec_items}


def test_a_verdict_must_fit_the_finding(concern, staff_user):
    inspection, coc_item, rec_items = concern
    review = _review(inspection, staff_user)
    for item, verdict in ((coc_item, "complete"), (rec_items[0], "discharged")):
        with pytest.raises(services.TransitionRefused, match="does not fit"):
            services.review_judgements_save(
                review=review,
                version=review.version,
                user=staff_user,
                rows=[services.JudgementRow(item=item, progress="good", verdict=verdict)],
            )
    assert not Judgement.objects.exists()


def test_verdicts_close_nothing_until_confirmed_then_exactly_those_once(
    concern, staff_user, liaison_user, django_capture_on_commit_callbacks
):
    inspection, coc_item, rec_items = concern
    review = _review(inspection, staff_user)
    rows = [
        services.JudgementRow(item=rec_items[0], progress="good", verdict="complete", commentary="Audit seen."),
        services.JudgementRow(item=rec_items[1], progress="good", verdict="complete"),
        services.JudgementRow(item=rec_items[2], progress="insufficient"),
        services.JudgementRow(item=coc_item, progress="reasonable"),
    ]
    services.review_judgements_save(review=review, version=review.version, user=staff_user, rows=rows)
    assert TrackedItem.objects.filter(status="complete").count() == 0
    pending = services.review_closures_pending(review=review)
    assert [j.item for j in pending] == rec_items[:2]
    shown = {j.item_id: j.item.version for j in pending}
    with django_capture_on_commit_callbacks(execute=True):
        events = services.review_closures_confirm(review=review, user=staff_user, shown=shown)
    assert len(events) == 2
    assert set(TrackedItem.objects.filter(status="complete")) == set(rec_items[:2])
    closed = ItemEvent.objects.filter(kind=ItemEvent.Kind.CLOSED).order_by("item_id")
    assert [e.item_id for e in closed] == [rec_items[0].pk, rec_items[1].pk]
    assert "Closed at the follow-up review of 1 June 2026: recommendation complete. Audit seen." == closed[0].note
    assert Message.objects.filter(reason="closed", recipient=liaison_user).count() == 2
    # Confirming again (a second click, a retry) closes and sends nothing more.
    with pytest.raises(services.TransitionRefused, match="No item of this review"):
        services.review_closures_confirm(review=review, user=staff_user, shown=shown)
    assert Message.objects.filter(reason="closed").count() == 2


def test_a_changed_list_closes_nothing(concern, staff_user):
    inspection, _coc_item, rec_items = concern
    review = _review(inspection, staff_user)
    services.review_judgements_save(
        review=review,
        version=review.version,
        user=staff_user,
        rows=[services.JudgementRow(item=item, progress="good", verdict="complete") for item in rec_items[:2]],
    )
    shown = {j.item_id: j.item.version for j in services.review_closures_pending(review=review)}
    # Someone acts on one of the items after the page was shown.
    TrackedItem.objects.filter(pk=rec_items[0].pk).update(version=5)
    with pytest.raises(services.TransitionRefused, match="changed while you were looking"):
        services.review_closures_confirm(review=review, user=staff_user, shown=shown)
    assert not TrackedItem.objects.filter(status="complete").exists()
    assert not ItemEvent.objects.filter(kind=ItemEvent.Kind.CLOSED).exists()


def test_a_cause_of_concern_shows_a_state_derived_from_its_recommendations(client, concern, staff_user):
    inspection, coc_item, rec_items = concern
    for item in rec_items[:2]:
        TrackedItem.objects.filter(pk=item.pk).update(status="complete", closed_on=dt.date(2026, 5, 1))
    review = _review(inspection, staff_user)
    services.review_judgements_save(
        review=review,
        version=review.version,
        user=staff_user,
        rows=[services.JudgementRow(item=coc_item, progress="reasonable")],
    )
    client.force_login(staff_user)
    page = client.get(reverse("inspections:item_detail", kwargs={"pk": coc_item.pk})).content.decode()
    assert "Open: 2 of 3 recommendations complete; latest judgement: reasonable progress" in page
    TrackedItem.objects.filter(pk=rec_items[2].pk).update(status="complete", closed_on=dt.date(2026, 5, 2))
    page = client.get(reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})).content.decode()
    assert (
        "Open: 3 of 3 recommendations complete; latest judgement: reasonable progress; ready to be discharged" in page
    )


def test_a_discharged_cause_of_concern_says_so(client, concern, staff_user):
    inspection, coc_item, _rec_items = concern
    review = _review(inspection, staff_user)
    services.review_judgements_save(
        review=review,
        version=review.version,
        user=staff_user,
        rows=[services.JudgementRow(item=coc_item, progress="good", verdict="discharged")],
    )
    pending = services.review_closures_pending(review=review)
    services.review_closures_confirm(review=review, user=staff_user, shown={j.item_id: j.item.version for j in pending})
    client.force_login(staff_user)
    page = client.get(reverse("inspections:item_detail", kwargs={"pk": coc_item.pk})).content.decode()
    assert "Closed: discharged" in page


def test_judged_undated_items_take_the_reviews_next_review_date(force, staff_user):
    inspection = factories.InspectionFactory()
    afi = factories.TrackedItemFactory(
        force=force,
        finding=factories.FindingFactory(inspection=inspection, category="area_for_improvement", target_date=None),
    )
    review = services.review_create(
        inspection=inspection,
        user=staff_user,
        review_date=dt.date(2026, 6, 1),
        reviewer=staff_user,
        next_review_by=dt.date(2027, 6, 1),
    )
    services.review_judgements_save(
        review=review, version=review.version, user=staff_user, rows=[services.JudgementRow(item=afi, progress="good")]
    )
    afi.refresh_from_db()
    assert afi.review_by == dt.date(2027, 6, 1)


# --- Through the pages -----------------------------------------------------------------------------


def _formset(items, rows, version=1):
    data = {
        "version": str(version),
        "form-TOTAL_FORMS": str(len(items)),
        "form-INITIAL_FORMS": str(len(items)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for n, (item, (progress, close)) in enumerate(zip(items, rows, strict=True)):
        data[f"form-{n}-item_id"] = str(item.pk)
        data[f"form-{n}-progress"] = progress
        if close:
            data[f"form-{n}-close"] = "on"
    return data


def test_staff_start_a_review_from_the_inspection_page_and_the_reviews_list(client, concern, staff_user, manager_user):
    inspection, _coc, _recs = concern
    create = reverse("inspections:review_create", kwargs={"pk": inspection.pk})
    client.force_login(staff_user)
    assert create in client.get(reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})).content.decode()
    assert reverse("inspections:review_start") in client.get(reverse("inspections:review_list")).content.decode()
    start = client.get(reverse("inspections:review_start"), {"inspection": inspection.reference})
    assert start["Location"] == create
    bad = client.get(reverse("inspections:review_start"), {"inspection": "NO-SUCH-REF"})
    assert bad.status_code == 400 and "Enter the reference of a published inspection" in bad.content.decode()
    client.force_login(manager_user)
    assert (
        create
        not in client.get(reverse("inspections:inspection_detail", kwargs={"pk": inspection.pk})).content.decode()
    )
    assert reverse("inspections:review_start") not in client.get(reverse("inspections:review_list")).content.decode()


def test_the_judge_page_sends_staff_to_confirm_the_closures(client, concern, staff_user):
    inspection, _coc_item, rec_items = concern
    client.force_login(staff_user)
    response = client.post(
        reverse("inspections:review_create", kwargs={"pk": inspection.pk}),
        {
            "review_date_day": "1",
            "review_date_month": "6",
            "review_date_year": "2026",
            "reviewer": str(staff_user.pk),
            "scope": "chosen",
            "items": [str(item.pk) for item in rec_items],
        },
    )
    review = FollowUpReview.objects.get()
    assert response["Location"] == reverse("inspections:review_judge", kwargs={"pk": review.pk})
    judge = client.post(
        reverse("inspections:review_judge", kwargs={"pk": review.pk}),
        _formset(rec_items, [("good", True), ("reasonable", False), ("", False)]),
    )
    assert judge["Location"] == reverse("inspections:review_close", kwargs={"pk": review.pk})
    page = client.get(judge["Location"]).content.decode()
    assert "Close 1 item</button>" in page
    assert f"{rec_items[0].finding.reference} – " in page and f"{rec_items[1].finding.reference} – " not in page
    confirm = client.post(
        judge["Location"], {"close": f"{rec_items[0].pk}:{TrackedItem.objects.get(pk=rec_items[0].pk).version}"}
    )
    assert confirm["Location"] == reverse("inspections:review_detail", kwargs={"pk": review.pk})
    assert list(TrackedItem.objects.filter(status="complete")) == [rec_items[0]]


def test_a_tampered_confirmation_closes_nothing(client, concern, staff_user):
    inspection, _coc_item, rec_items = concern
    review = _review(inspection, staff_user)
    services.review_judgements_save(
        review=review,
        version=review.version,
        user=staff_user,
        rows=[services.JudgementRow(item=rec_items[0], progress="good", verdict="complete")],
    )
    client.force_login(staff_user)
    url = reverse("inspections:review_close", kwargs={"pk": review.pk})
    for posted in ({"close": f"{rec_items[1].pk}:1"}, {"close": "¹:1"}, {}):
        response = client.post(url, posted)
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
    assert not TrackedItem.objects.filter(status="complete").exists()


def test_a_stale_judging_page_shows_the_verdict_saved_meanwhile(client, concern, staff_user):
    inspection, _coc_item, rec_items = concern
    review = _review(inspection, staff_user, items=rec_items)
    url = reverse("inspections:review_judge", kwargs={"pk": review.pk})
    client.force_login(staff_user)
    # Someone saves "good, complete" for the first recommendation after this page was shown at version 1.
    services.review_judgements_save(
        review=review,
        version=1,
        user=staff_user,
        rows=[services.JudgementRow(item=rec_items[0], progress="good", verdict="complete")],
    )
    stale = client.post(url, _formset(rec_items, [("good", False), ("", False), ("", False)], version=1))
    page = stale.content.decode()
    assert stale.status_code == 200
    assert "Now saved by someone else: Good progress, recommendation complete" in page
    assert 'name="version" value="2"' in page
    assert Judgement.objects.get().verdict == "complete"
