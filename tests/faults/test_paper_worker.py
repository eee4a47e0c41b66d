"""A large committee paper written by a real Celery worker (a separate process) through Redis,
sharing nothing with the web side but PostgreSQL and the broker: the request asks, the
worker writes, the progress page then offers the Word file, which opens."""

import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from docx import Document

from accounts.roles import GROUP_NAMES, Role
from reporting.models import PaperJob
from tests import factories
from tests.faults.support import Worker, broker, postgres_only, wait_for, worker_env
from tests.two_factor import TwoFactorClient

pytestmark = [pytest.mark.redis, pytest.mark.postgres, postgres_only]

ITEMS = 30


def test_the_worker_writes_a_large_paper_and_the_progress_page_offers_it(
    request, fault_redis, settings, tmp_path, monkeypatch
):
    request.getfixturevalue("committed")  # committed, so the worker sees it
    manager = factories.UserFactory(username="paper.manager")
    manager.groups.add(Group.objects.get(name=GROUP_NAMES[Role.MANAGER]))
    force = factories.ForceFactory(name="Cleveland Police")
    inspection = factories.InspectionFactory(reference="PEEL-2025-CLE")
    for n in range(ITEMS):
        factories.TrackedItemFactory(
            force=force,
            status="in_progress",
            finding=factories.FindingFactory(inspection=inspection, reference=f"R{n}"),
        )
    settings.COMMITTEE_PAPER_INLINE_MAX_ITEMS = 10
    client = TwoFactorClient()
    client.force_login(manager)
    env = worker_env(broker=fault_redis.url, mail_dir=tmp_path / "mail", VAR_DIR=str(tmp_path / "worker-var"))
    worker = Worker(env=env, log=tmp_path / "worker.log", name="papers")
    try:
        worker.wait_ready()
        with broker(fault_redis.url, settings, monkeypatch):
            asked = client.post(reverse("forces:force_committee_paper", args=[force.slug]))
        assert asked.status_code == 302
        job = PaperJob.objects.get()
        assert asked["Location"] == reverse("forces:committee_paper_job", args=[force.slug, job.pk])
        wait_for(
            lambda: PaperJob.objects.get(pk=job.pk).state == "ready",
            timeout=60,
            what=f"the worker to write the paper; worker log:\n{worker.log()[-3000:]}",
        )
    finally:
        worker.stop()
    page = client.get(asked["Location"]).content.decode()
    assert f"{ITEMS} open items" in page
    download = client.get(reverse("forces:committee_paper_job_download", args=[force.slug, job.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "Cleveland Police" in text
    assert sum("PEEL-2025-CLE: " in p for p in text.splitlines()) == 1  # one report heading
    assert "build_committee_paper" in worker.log()
