"""Evidence in S3-compatible object storage (EVIDENCE_S3_BUCKET), against a real S3 API: moto's
server, started here as a process on a free loopback port. A file posted through one machine is
downloaded through another (a fresh storage client and an empty local disk), by the service's own
view, with the same access checks."""

import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import EvidenceFile

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"evidence " * 2000
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "eu-west-2"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path, monkeypatch):
    name = f"evidence-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, **CREDENTIALS)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings.MEDIA_ROOT = tmp_path / "media-machine-one"
    # As config/settings.py configures it when EVIDENCE_S3_BUCKET is set.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-2",
                "location": "tracker",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
            },
        },
    }
    return client, name


def test_evidence_is_stored_in_the_bucket_and_served_from_it_to_those_who_may_see_it(
    client, bucket, settings, tmp_path, liaison_user, other_liaison_user, staff_user, item
):
    s3, name = bucket
    client.force_login(liaison_user)
    response = client.post(
        reverse("inspections:item_update", kwargs={"pk": item.pk}),
        {
            "version": item.version,
            "narrative": "Audit done.",
            "files": [SimpleUploadedFile("audit.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    keys = [entry["Key"] for entry in s3.list_objects_v2(Bucket=name)["Contents"]]
    assert keys == [f"tracker/{evidence.file.name}"]
    assert s3.get_object(Bucket=name, Key=keys[0])["Body"].read() == PDF
    assert not (tmp_path / "media-machine-one").exists() or not any((tmp_path / "media-machine-one").rglob("*.*"))

    # Another machine: its own storage client, an empty local disk.
    settings.MEDIA_ROOT = tmp_path / "media-machine-two"
    storages._storages.pop("default", None)
    url = reverse("inspections:evidence_download", kwargs={"pk": evidence.pk})
    for user in (staff_user, liaison_user):
        client.force_login(user)
        download = client.get(url)
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Disposition"] == 'attachment; filename="audit.pdf"'
        assert download["X-Content-Type-Options"] == "nosniff"
    client.force_login(other_liaison_user)
    assert client.get(url).status_code == 404


def test_an_object_missing_from_the_bucket_answers_404(client, bucket, staff_user, liaison_user, item):
    s3, name = bucket
    client.force_login(liaison_user)
    client.post(
        reverse("inspections:item_update", kwargs={"pk": item.pk}),
        {"version": item.version, "narrative": "Plan.", "files": [SimpleUploadedFile("plan.pdf", PDF)]},
    )
    evidence = EvidenceFile.objects.get()
    s3.delete_object(Bucket=name, Key=f"tracker/{evidence.file.name}")
    client.force_login(staff_user)
    assert client.get(reverse("inspections:evidence_download", kwargs={"pk": evidence.pk})).status_code == 404
