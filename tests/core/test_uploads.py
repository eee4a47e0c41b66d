"""Request limits: a request larger than the one body limit (core.middleware.request_max_bytes) is
refused from its Content-Length, before its body is read, with the "too large" page; one update
takes at most EVIDENCE_MAX_FILES files (more is a message that keeps what was typed; more than twice
as many is refused outright with the same page)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from core.middleware import request_max_bytes
from inspections.models import ProgressUpdate

pytestmark = pytest.mark.django_db


def _pdf(n: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"evidence-{n}.pdf", b"%PDF-1.4\n", content_type="application/pdf")


def test_a_body_larger_than_the_limit_is_refused_before_it_is_received(client, liaison_user, item, settings):
    # By default the larger upload limit plus 1 MB for the rest of the form.
    assert settings.REQUEST_MAX_BYTES == 0
    assert request_max_bytes() == max(settings.EVIDENCE_MAX_BYTES, settings.IMPORT_MAX_BYTES) + 1024 * 1024
    client.force_login(liaison_user)
    body = encode_multipart("BoUnDaRy", {"version": item.version, "narrative": "Update", "files": [_pdf(1)]})
    # The request says it is 101 MB; the test's request stream holds a few hundred bytes and fails
    # the test if anything tries to read more than that.
    response = client.post(
        reverse("inspections:item_update", kwargs={"pk": item.pk}),
        body,
        content_type=f"{MULTIPART_CONTENT.split(';')[0]}; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(101 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "What you sent is too large" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_more_files_than_an_update_takes_is_a_message_that_keeps_the_text(client, liaison_user, item, settings):
    settings.EVIDENCE_MAX_FILES = 10
    client.force_login(liaison_user)
    response = client.post(
        reverse("inspections:item_update", kwargs={"pk": item.pk}),
        {"version": item.version, "narrative": "Eleven files of evidence.", "files": [_pdf(n) for n in range(11)]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose at most 10 files for one update (you chose 11)" in page
    assert "Eleven files of evidence." in page
    assert not ProgressUpdate.objects.exists()


def test_a_request_with_far_more_files_is_refused_outright(client, liaison_user, item, settings):
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 2 * settings.EVIDENCE_MAX_FILES == 20
    client.force_login(liaison_user)
    response = client.post(
        reverse("inspections:item_update", kwargs={"pk": item.pk}),
        {"version": item.version, "narrative": "A hundred files.", "files": [_pdf(n) for n in range(100)]},
    )
    assert response.status_code == 413
    assert not ProgressUpdate.objects.exists()
