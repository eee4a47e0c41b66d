"""Two Celery workers at once, on the same Redis and PostgreSQL, deliver a few hundred messages
and run sweeps side by side: every message is sent exactly once, every clock event recorded once."""

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.db.models import Count
from django.utils import timezone

from accounts.roles import GROUP_NAMES, Role
from core.dates import london_today
from inspections.models import ItemEvent, TrackedItem
from notifications.models import Message
from tests import factories
from tests.faults.support import Worker, broker, postgres_only, sent_emails, wait_for, worker_env

MESSAGES = 300
OVERDUE_ITEMS = 40
DELIVERIES = 12
SWEEPS = 6


@pytest.mark.redis
@pytest.mark.postgres
@postgres_only
def test_two_workers_send_every_message_exactly_once(request, fault_redis, settings, tmp_path, monkeypatch):
    request.getfixturevalue("committed")
    force = factories.ForceFactory(name="Cleveland Police")
    liaison = factories.UserFactory(username="liaison.user")
    liaison.groups.add(Group.objects.get(name=GROUP_NAMES[Role.LIAISON]))
    factories.LiaisonMembershipFactory(user=liaison, force=force)
    yesterday = london_today() - dt.timedelta(days=1)
    inspection = factories.InspectionFactory()
    for _ in range(OVERDUE_ITEMS):
        factories.TrackedItemFactory(force=force, finding__inspection=inspection, finding__target_date=yesterday)
    # Rows straight into the outbox (no publish on commit): the workers' tasks are the only senders.
    Message.objects.bulk_create(
        Message(
            key=f"load:{n}",
            recipient=liaison,
            to_email=f"person{n}@example.gov.uk",
            reason="test",
            subject=f"Message {n}",
            body="Body",
            next_attempt_at=timezone.now(),
        )
        for n in range(MESSAGES)
    )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = worker_env(broker=fault_redis.url, mail_dir=mail_dir)
    workers = [Worker(env=env, log=tmp_path / f"worker{n}.log", name=f"w{n}", concurrency=2) for n in range(2)]
    try:
        for worker in workers:
            worker.wait_ready()
        with broker(fault_redis.url, settings, monkeypatch):
            from inspections.tasks import sweep_overdue
            from notifications.tasks import deliver_messages

            for n in range(max(DELIVERIES, SWEEPS)):
                if n < SWEEPS:
                    sweep_overdue.apply_async(expires=120)
                if n < DELIVERIES:
                    deliver_messages.apply_async(expires=120)
            wait_for(
                lambda: (
                    ItemEvent.objects.filter(kind=ItemEvent.Kind.BECAME_OVERDUE).count() == OVERDUE_ITEMS
                    and Message.objects.filter(reason="overdue").exists()
                ),
                timeout=60,
                what="the sweeps",
            )

            def all_sent() -> bool:
                if not Message.objects.exclude(state=Message.State.SENT).exists():
                    return True
                deliver_messages.apply_async(expires=120)  # as the beat's minute tick would
                return False

            wait_for(all_sent, timeout=90, what="every message to be sent", interval=1)
    finally:
        for worker in workers:
            worker.stop()

    logs = [worker.log() for worker in workers]
    assert all("succeeded" in log for log in logs), "both workers took tasks"
    emails = sent_emails(mail_dir)
    # A long encoded subject is folded onto its own line: the decoded text starts with that space.
    per_recipient_subject = Counter((e["To"], e["Subject"].strip()) for e in emails)
    twice = {key: n for key, n in per_recipient_subject.items() if n > 1}
    assert not twice, f"sent more than once: {list(twice.items())[:5]}"
    expected = Counter(Message.objects.values_list("to_email", "subject"))
    assert per_recipient_subject == expected
    assert Message.objects.count() == MESSAGES + OVERDUE_ITEMS  # one alert per overdue item
    assert set(Message.objects.values_list("attempts", flat=True)) == {1}
    events = ItemEvent.objects.values("item_id", "kind").annotate(n=Count("id")).filter(n__gt=1)
    assert not events.exists(), list(events[:5])
    assert TrackedItem.objects.filter(overdue_flagged_on__isnull=False).count() == OVERDUE_ITEMS
