"""Evidence is downloaded under a name whose extension matches the type read from its bytes, as an
attachment that the browser may not sniff: a GIF uploaded as invoice.html is invoice.gif."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import EvidenceFile, evidence_file_name
from tests import factories

pytestmark = pytest.mark.django_db

GIF_WITH_SCRIPT = b"GIF89a\x01\x00\x01\x00\x00\x00\x00<html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_gif_uploaded_as_html_is_stored_shown_and_downloaded_as_a_gif(client, liaison_user, staff_user, item):
    client.force_login(liaison_user)
    response = client.post(
        reverse("inspections:item_update", kwargs={"pk": item.pk}),
        {
            "version": item.version,
            "narrative": "Invoice attached.",
            "files": [SimpleUploadedFile("invoice.html", GIF_WITH_SCRIPT, content_type="text/html")],
        },
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert (evidence.original_name, evidence.content_type) == ("invoice.gif", "image/gif")
    client.force_login(staff_user)
    page = client.get(reverse("inspections:item_detail", kwargs={"pk": item.pk})).content.decode()
    assert "invoice.gif" in page and "invoice.html" not in page
    download = client.get(reverse("inspections:evidence_download", kwargs={"pk": evidence.pk}))
    assert download["Content-Disposition"] == 'attachment; filename="invoice.gif"'
    assert download["Content-Type"] == "image/gif"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == GIF_WITH_SCRIPT


def test_evidence_stored_under_a_mismatching_name_before_is_downloaded_under_a_matching_one(
    client, staff_user, liaison_user, item
):
    update = factories.ProgressUpdateFactory(item=item, author=liaison_user)
    evidence = EvidenceFile(
        update=update, original_name="invoice.html", content_type="image/gif", size=len(GIF_WITH_SCRIPT), sha256="0"
    )
    evidence.file.save("x", ContentFile(GIF_WITH_SCRIPT), save=False)
    evidence.save()
    client.force_login(staff_user)
    download = client.get(reverse("inspections:evidence_download", kwargs={"pk": evidence.pk}))
    assert download["Content-Disposition"] == 'attachment; filename="invoice.gif"'


@pytest.mark.parametrize(
    ("name", "content_type", "shown"),
    [
        ("Audit report.PDF", "application/pdf", "Audit report.PDF"),
        ("scan.jpeg", "image/jpeg", "scan.jpeg"),
        ("scan.html", "image/jpeg", "scan.jpg"),
        ("photo", "image/png", "photo.png"),
        ("plan.docx.exe", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "plan.docx.docx"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\me\\minutes.doc", "application/msword", "minutes.doc"),
        ("two\r\nlines.pdf", "application/pdf", "two lines.pdf"),
        ("", "application/vnd.ms-excel", "evidence.xls"),
    ],
)
def test_the_name_always_ends_with_the_types_extension(name, content_type, shown):
    assert evidence_file_name(name, content_type) == shown
