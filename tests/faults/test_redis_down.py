"""Redis down: every page and form still answers, at once, and the messages wait in the outbox;
when Redis is back a real worker sends each of them exactly once."""

import time

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.roles import GROUP_NAMES, Role
from config.celery import app
from inspections.models import TrackedItem
from notifications.models import Message
from tests import factories
from tests.faults.support import Worker, broker, postgres_only, sent_emails, wait_for, worker_env
from tests.two_factor import sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A request that publishes to a dead broker must not hang: one attempt, no retries.
FAST = 2.0


def _user(role: Role, username: str):
    user = factories.UserFactory(username=username)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.redis
@pytest.mark.postgres
@postgres_only
def test_with_redis_down_pages_and_forms_work_and_the_outbox_waits_until_it_is_back(
    request, fault_redis, settings, tmp_path, monkeypatch
):
    request.getfixturevalue("committed")  # committed, so the worker sees it
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    force = factories.ForceFactory(name="Cleveland Police")
    liaison = _user(Role.LIAISON, "liaison.user")
    factories.LiaisonMembershipFactory(user=liaison, force=force)
    staff = [_user(Role.STAFF, f"staff{n}") for n in range(3)]
    items = factories.TrackedItemFactory.create_batch(3, force=force)

    with broker(fault_redis.url, settings, monkeypatch):
        assert app.connection_for_write().port == fault_redis.port
        fault_redis.stop()
        timings: dict[str, float] = {}

        liaison_client, staff_client = Client(), Client()
        for client, user in ((liaison_client, liaison), (staff_client, staff[0])):
            # Both steps: the password, then the code from the user's authenticator.
            response, timings[f"sign in {user.username}"] = _timed(lambda c=client, u=user: sign_in(c, u))
            assert response.status_code == 302, response.content.decode()[:2000]
        for item in items:
            url = reverse("inspections:item_submit", kwargs={"pk": item.pk})
            response, timings[f"GET submit {item.pk}"] = _timed(lambda u=url: liaison_client.get(u))
            assert response.status_code == 200
            response, timings[f"POST submit {item.pk}"] = _timed(
                lambda u=url, i=item: liaison_client.post(
                    u,
                    {
                        "version": i.version,
                        "narrative": "All done.",
                        "files": SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf"),
                    },
                )
            )
            assert response.status_code == 302, response.content.decode()[:2000]
        for item in items:
            item.refresh_from_db()
            url = reverse("inspections:item_verify", kwargs={"pk": item.pk})
            response, timings[f"GET verify {item.pk}"] = _timed(lambda u=url: staff_client.get(u))
            assert response.status_code == 200
            response, timings[f"POST return {item.pk}"] = _timed(
                lambda u=url, i=item: staff_client.post(
                    u, {"version": i.version, "decision": "return", "note": "The evidence is missing."}
                )
            )
            assert response.status_code == 302, response.content.decode()[:2000]
        for name in ("dashboard", "inspections:item_list", "inspections:inspection_list", "oversight:queue"):
            url = reverse(name)
            response, timings[f"GET {name}"] = _timed(lambda u=url: staff_client.get(u))
            assert response.status_code == 200
        response, timings["GET healthz"] = _timed(lambda: Client().get(reverse("healthz")))
        assert response.status_code == 200  # the broker is reported, not fatal
        assert response.json()["checks"]["broker"]["ok"] is False

        slow = {name: round(seconds, 2) for name, seconds in timings.items() if seconds > FAST}
        assert not slow, f"requests waited on the dead broker: {slow}"
        # The returns were saved: no item is left waiting for verification.
        assert not TrackedItem.objects.filter(status="submitted").exists()
        waiting = list(Message.objects.values_list("to_email", "reason", "state"))
        # Each claim told every member of staff; each return told the liaison officer.
        assert len(waiting) == len(items) * (len(staff) + 1)
        assert {state for _, _, state in waiting} == {Message.State.PENDING}
        assert Message.objects.filter(to_email=liaison.email, reason="returned").count() == len(items)

        # Redis is back: a real worker, and the periodic delivery job (published as beat would).
        fault_redis.start()
        mail_dir = tmp_path / "mail"
        mail_dir.mkdir()
        worker = Worker(
            env=worker_env(broker=fault_redis.url, mail_dir=mail_dir), log=tmp_path / "worker.log", name="back"
        )
        try:
            worker.wait_ready()
            from notifications.tasks import deliver_messages

            deliver_messages.apply_async(expires=60)
            wait_for(
                lambda: not Message.objects.exclude(state=Message.State.SENT).exists(),
                timeout=60,
                what=f"the outbox to empty; worker log:\n{worker.log()[-3000:]}",
            )
            deliver_messages.apply_async(expires=60)  # a second run finds nothing to send
            time.sleep(1)  # let it run (bounded; the assertion below is on its effect)
        finally:
            worker.stop()

    emails = sent_emails(mail_dir)
    sent = sorted((e["To"], e["Subject"].strip()) for e in emails)
    expected = sorted(Message.objects.values_list("to_email", "subject"))
    assert sent == expected
    assert len(sent) == len(waiting)
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
