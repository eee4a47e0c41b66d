"""Server errors the fuzzing found, each pinned by a plain test."""

import datetime as dt

from django.urls import reverse

from inspections.models import Judgement


def test_a_judgement_form_with_a_tampered_item_id_is_refused_not_a_server_error(world, client):
    client.force_login(world.users["staff"])
    response = client.post(
        reverse("inspections:review_judge", kwargs={"pk": world.review.pk}),
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-item_id": ":",
            "form-0-progress": "reasonable",
            "form-0-commentary": "Training is under way.",
        },
    )
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert not Judgement.objects.exists()


def test_a_force_id_beyond_64_bits_is_refused_not_a_server_error(world, client):
    from accounts.models import User

    client.force_login(world.users["staff"])
    user = world.users["own_liaison"]
    before = User.objects.filter(pk=user.pk).values_list().get()
    response = client.post(
        reverse("users:user_edit", kwargs={"pk": user.pk}),
        {
            "first_name": "Changed",
            "last_name": "Name",
            "email": "changed@example.gov.uk",
            "role": "liaison",
            "forces": "9" * 40,
        },
    )
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert User.objects.filter(pk=user.pk).values_list().get() == before


def test_queue_item_ids_that_are_not_plain_numbers_are_ignored_not_a_server_error(world, client):
    from oversight.models import OverdueReview

    client.force_login(world.users["staff"])
    response = client.post(
        reverse("oversight:queue"),
        {
            "items": ["", "¹", "9" * 40],
            "decision": "chase",
            "note": "Chased",
            "next_review_on_day": "1",
            "next_review_on_month": "1",
            "next_review_on_year": str(dt.date.today().year + 1),
        },
    )
    assert response.status_code == 400  # the page's answer to a refused form: no item selected
    assert not OverdueReview.objects.exists()


def test_a_force_id_in_superscript_digits_is_refused_not_a_server_error(world, client):
    client.force_login(world.users["staff"])
    response = client.post(
        reverse("users:user_edit", kwargs={"pk": world.users["own_liaison"].pk}),
        {"first_name": "A", "last_name": "B", "email": "changed@example.gov.uk", "role": "liaison", "forces": "¹"},
    )
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
