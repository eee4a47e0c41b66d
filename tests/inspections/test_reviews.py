"""Follow-up reviews: opening one, judging every item of the inspection on one page, and what the
judgements change (the latest judgement and the timelines, never an item's status)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import Role
from inspections import services
from inspections.models import FollowUpReview, ItemEvent, Judgement, TrackedItem
from tests import factories
from tests.conftest import _user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection_items(force, other_force):
    inspection = factories.InspectionFactory()
    first = factories.FindingFactory(inspection=inspection, reference="R1", position=1)
    second = factories.FindingFactory(inspection=inspection, reference="R2", position=2)
    return [
        factories.TrackedItemFactory(finding=first, force=force),
        factories.TrackedItemFactory(finding=first, force=other_force),
        factories.TrackedItemFactory(finding=second, force=force, status="submitted", submitted_on=dt.date(2026, 1, 5)),
    ]


def _formset(items, rows, version=1):
    data = {
        "version": str(version),
        "form-TOTAL_FORMS": str(len(items)),
        "form-INITIAL_FORMS": str(len(items)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for n, (item, (progress, commentary)) in enumerate(zip(items, rows, strict=True)):
        data[f"form-{n}-item_id"] = str(item.pk)
        data[f"form-{n}-progress"] = progress
        data[f"form-{n}-commentary"] = commentary
    return data


def test_staff_open_a_review_and_are_sent_to_judge_it(client, staff_user, inspection_items):
    inspection = inspection_items[0].finding.inspection
    client.force_login(staff_user)
    response = client.post(
        reverse("inspections:review_create", kwargs={"pk": inspection.pk}),
        {
            "review_date_day": "15",
            "review_date_month": "1",
            "review_date_year": "2026",
            "reviewer": str(staff_user.pk),
            "conclusion": "Slow progress.",
        },
    )
    review = FollowUpReview.objects.get()
    assert response["Location"] == reverse("inspections:review_judge", kwargs={"pk": review.pk})
    assert (review.review_date, review.reviewer, review.conclusion) == (
        dt.date(2026, 1, 15),
        staff_user,
        "Slow progress.",
    )


def test_a_review_form_with_an_impossible_date_keeps_what_was_typed(client, staff_user, inspection_items):
    inspection = inspection_items[0].finding.inspection
    client.force_login(staff_user)
    response = client.post(
        reverse("inspections:review_create", kwargs={"pk": inspection.pk}),
        {
            "review_date_day": "31",
            "review_date_month": "2",
            "review_date_year": "2026",
            "reviewer": str(staff_user.pk),
            "conclusion": "Slow progress, eight cases handled inadequately.",
        },
    )
    page = response.content.decode()
    assert "must be a real date" in page and "eight cases handled inadequately" in page
    assert not FollowUpReview.objects.exists()


def test_the_reviewer_must_be_staff(staff_user, liaison_user, inspection_items):
    with pytest.raises(services.TransitionRefused, match="inspectorate staff"):
        services.review_create(
            inspection=inspection_items[0].finding.inspection,
            user=staff_user,
            review_date=dt.date(2026, 1, 15),
            reviewer=liaison_user,
        )
    assert not FollowUpReview.objects.exists()


def test_the_judging_page_lists_every_item_of_every_force(client, staff_user, inspection_items, force, other_force):
    review = factories.FollowUpReviewFactory(inspection=inspection_items[0].finding.inspection)
    client.force_login(staff_user)
    page = client.get(reverse("inspections:review_judge", kwargs={"pk": review.pk})).content.decode()
    assert page.count('type="radio"') == 3 * 5
    assert page.count("<textarea") == 3 * 2  # a commentary and a public comment for each item
    assert f"R1 – {force.name}" in page and f"R1 – {other_force.name}" in page and f"R2 – {force.name}" in page


def test_judgements_are_saved_together_and_never_close_an_item(client, staff_user, inspection_items):
    review = factories.FollowUpReviewFactory(inspection=inspection_items[0].finding.inspection)
    client.force_login(staff_user)
    data = _formset(inspection_items, [("good", "Strong."), ("insufficient", "Backlog of 500."), ("reasonable", "")])
    response = client.post(reverse("inspections:review_judge", kwargs={"pk": review.pk}), data)
    assert response.status_code == 302
    progress = {j.item_id: j.progress for j in Judgement.objects.all()}
    assert progress == {
        inspection_items[0].pk: "good",
        inspection_items[1].pk: "insufficient",
        inspection_items[2].pk: "reasonable",
    }
    statuses = {i.pk: (i.status, i.latest_progress, i.version) for i in TrackedItem.objects.all()}
    assert statuses[inspection_items[2].pk] == ("submitted", "reasonable", 1)
    assert statuses[inspection_items[0].pk] == ("published", "good", 1)
    assert ItemEvent.objects.filter(kind="judged").count() == 3
    # The review's page and the item's timeline both show them.
    page = client.get(response["Location"]).content.decode()
    assert "Backlog of 500." in page and "Insufficient progress" in page
    item_page = client.get(reverse("inspections:item_detail", kwargs={"pk": inspection_items[1].pk})).content.decode()
    assert "Progress judged: insufficient progress" in item_page and "Backlog of 500." in item_page


def test_one_invalid_row_keeps_everything_typed_and_saves_nothing(client, staff_user, inspection_items):
    review = factories.FollowUpReviewFactory(inspection=inspection_items[0].finding.inspection)
    client.force_login(staff_user)
    data = _formset(
        inspection_items,
        [("good", "Strong governance now."), ("", "Commentary with no judgement."), ("no_meaningful", "Nothing done.")],
    )
    response = client.post(reverse("inspections:review_judge", kwargs={"pk": review.pk}), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Choose a judgement, or remove the commentary" in page
    for typed in ("Strong governance now.", "Commentary with no judgement.", "Nothing done."):
        assert typed in page
    assert 'value="good" checked' in page and 'value="no_meaningful" checked' in page
    assert not Judgement.objects.exists()
    assert not ItemEvent.objects.filter(kind="judged").exists()


def test_an_unknown_judgement_value_is_an_error_not_a_crash(client, staff_user, inspection_items):
    review = factories.FollowUpReviewFactory(inspection=inspection_items[0].finding.inspection)
    client.force_login(staff_user)
    data = _formset(inspection_items, [("excellent", ""), ("", ""), ("", "")])
    response = client.post(reverse("inspections:review_judge", kwargs={"pk": review.pk}), data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not Judgement.objects.exists()


def test_an_item_of_another_inspection_is_refused(staff_user, inspection_items, other_item):
    review = factories.FollowUpReviewFactory(inspection=inspection_items[0].finding.inspection)
    with pytest.raises(services.TransitionRefused, match="not an item of this review"):
        services.review_judgements_save(
            review=review,
            version=review.version,
            user=staff_user,
            rows=[services.JudgementRow(item=other_item, progress="good")],
        )
    assert not Judgement.objects.exists()


def test_rejudging_changes_the_judgement_and_records_it_once(staff_user, inspection_items):
    item = inspection_items[0]
    review = factories.FollowUpReviewFactory(inspection=item.finding.inspection)
    save = services.review_judgements_save
    assert (
        save(
            review=review,
            version=review.version,
            user=staff_user,
            rows=[services.JudgementRow(item=item, progress="insufficient")],
        )
        == 1
    )
    assert (
        save(
            review=review,
            version=review.version,
            user=staff_user,
            rows=[services.JudgementRow(item=item, progress="insufficient")],
        )
        == 0
    )
    assert (
        save(
            review=review,
            version=review.version,
            user=staff_user,
            rows=[services.JudgementRow(item=item, progress="good")],
        )
        == 1
    )
    assert Judgement.objects.get().progress == "good"
    assert ItemEvent.objects.filter(item=item, kind="judged").count() == 2
    item.refresh_from_db()
    assert item.latest_progress == "good"


def test_judging_an_older_review_late_does_not_overwrite_the_latest(staff_user, inspection_items):
    item = inspection_items[0]
    newer = factories.FollowUpReviewFactory(inspection=item.finding.inspection, review_date=dt.date(2026, 1, 15))
    older = factories.FollowUpReviewFactory(inspection=item.finding.inspection, review_date=dt.date(2025, 9, 1))
    services.review_judgements_save(
        review=newer, version=newer.version, user=staff_user, rows=[services.JudgementRow(item, "good")]
    )
    services.review_judgements_save(
        review=older, version=older.version, user=staff_user, rows=[services.JudgementRow(item, "no_meaningful")]
    )
    item.refresh_from_db()
    assert item.latest_progress == "good"


@pytest.mark.parametrize("who", ["liaison_user", "manager_user"])
def test_only_staff_judge(who, request, inspection_items):
    user = request.getfixturevalue(who)
    review = factories.FollowUpReviewFactory(inspection=inspection_items[0].finding.inspection)
    with pytest.raises(PermissionDenied):
        services.review_judgements_save(
            review=review, version=review.version, user=user, rows=[services.JudgementRow(inspection_items[0], "good")]
        )
    assert not Judgement.objects.exists()


def test_a_liaison_officer_sees_only_their_forces_judgements(client, liaison_user, staff_user, inspection_items):
    review = factories.FollowUpReviewFactory(inspection=inspection_items[0].finding.inspection)
    services.review_judgements_save(
        review=review,
        version=review.version,
        user=staff_user,
        rows=[
            services.JudgementRow(inspection_items[0], "good", "Ours."),
            services.JudgementRow(inspection_items[1], "no_meaningful", "Theirs."),
        ],
    )
    client.force_login(liaison_user)
    page = client.get(reverse("inspections:review_detail", kwargs={"pk": review.pk})).content.decode()
    assert "Ours." in page and "Theirs." not in page
    assert "Judge progress" not in page


@pytest.mark.parametrize("forces", [5, 43])
def test_the_judging_and_review_pages_cost_the_same_for_5_or_43_forces(
    client, staff_user, forces, django_assert_num_queries
):
    finding = factories.FindingFactory()
    items = [
        factories.TrackedItemFactory(finding=finding, force=factories.ForceFactory(name=f"Force {n:02}"))
        for n in range(forces)
    ]
    review = factories.FollowUpReviewFactory(inspection=finding.inspection)
    services.review_judgements_save(
        review=review,
        version=review.version,
        user=staff_user,
        rows=[services.JudgementRow(item, "reasonable", "Fine.") for item in items],
    )
    client.force_login(staff_user)
    judge = reverse("inspections:review_judge", kwargs={"pk": review.pk})
    detail = reverse("inspections:review_detail", kwargs={"pk": review.pk})
    client.get(judge)
    # +1 since a review may judge only the items chosen: whether it has chosen any.
    with django_assert_num_queries(10):
        response = client.get(judge)
    assert response.content.decode().count('value="reasonable" checked') == forces
    # +1 since staff see which items the review's verdicts would close.
    with django_assert_num_queries(9):
        response = client.get(detail)
    assert response.content.decode().count("Reasonable progress") == forces


def test_a_second_reviewer_saving_from_a_stale_page_is_told_and_keeps_what_they_typed(
    client, staff_user, inspection_items
):
    second = _user_with_role(Role.STAFF, username="second.reviewer")
    review = factories.FollowUpReviewFactory(inspection=inspection_items[0].finding.inspection)
    url = reverse("inspections:review_judge", kwargs={"pk": review.pk})
    # Both open the judging page at version 1.
    client.force_login(second)
    assert 'name="version" value="1"' in client.get(url).content.decode()
    client.force_login(staff_user)
    first = client.post(url, _formset(inspection_items, [("good", "Strong."), ("reasonable", ""), ("", "")], 1))
    assert first.status_code == 302

    client.force_login(second)
    stale = _formset(inspection_items, [("insufficient", "Backlog of 500."), ("", ""), ("", "")], 1)
    response = client.post(url, stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved judgements in this review while you were working on it" in page
    assert "Backlog of 500." in page and 'value="insufficient" checked' in page
    assert "Now saved by someone else: Good progress" in page and "Strong." in page
    assert 'name="version" value="2"' in page
    # The first reviewer's judgements and timelines are intact.
    assert {j.item_id: j.progress for j in Judgement.objects.all()} == {
        inspection_items[0].pk: "good",
        inspection_items[1].pk: "reasonable",
    }
    assert ItemEvent.objects.filter(kind="judged").count() == 2

    # Having looked, the second reviewer saves deliberately with the version the page now carries.
    assert client.post(url, {**stale, "version": "2"}).status_code == 302
    assert Judgement.objects.get(item=inspection_items[0]).progress == "insufficient"


def test_the_service_refuses_a_stale_version_and_writes_nothing(staff_user, inspection_items):
    item = inspection_items[0]
    review = factories.FollowUpReviewFactory(inspection=item.finding.inspection)
    services.review_judgements_save(
        review=review, version=1, user=staff_user, rows=[services.JudgementRow(item=item, progress="good")]
    )
    assert review.version == 2
    stale = FollowUpReview.objects.get(pk=review.pk)
    with pytest.raises(services.ReviewChanged):
        services.review_judgements_save(
            review=stale, version=1, user=staff_user, rows=[services.JudgementRow(item=item, progress="insufficient")]
        )
    assert Judgement.objects.get().progress == "good"
    assert ItemEvent.objects.filter(kind="judged").count() == 1
