"""Server errors the fuzzing found, each pinned by a plain test."""

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
