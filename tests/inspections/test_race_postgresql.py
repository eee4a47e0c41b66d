"""Two people acting on one item at the same moment, for real: two threads, two connections to
PostgreSQL, committed data (tests/inspections/committed.py), so each connection sees the other's rows
and locks."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from accounts.roles import GROUP_NAMES, Role
from inspections import services
from inspections.models import ItemEvent, TrackedItem
from tests import factories
from tests.inspections.committed import committed_db  # noqa: F401


def _user_with_role(role: Role, **kwargs):
    user = factories.UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    return user


@pytest.mark.postgres
@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="needs PostgreSQL (row locks between two connections): run with DATABASE_URL=postgres://...",
)
def test_two_people_racing_on_postgresql_cannot_both_win(request):
    """A real race: two threads, two connections, both holding version 1, released together. The
    row lock makes the second conditional UPDATE wait and then find the version moved on."""
    import threading

    from django.db import connections

    request.getfixturevalue("committed_db")
    force = factories.ForceFactory(name="Cleveland Police")
    liaison_user = _user_with_role(Role.LIAISON, username="liaison.user")
    factories.LiaisonMembershipFactory(user=liaison_user, force=force)
    staff_user = _user_with_role(Role.STAFF, username="staff.user")
    item = factories.TrackedItemFactory(force=force)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, call):
        try:
            shown = TrackedItem.objects.get(pk=item.pk)
            barrier.wait(timeout=10)
            call(shown, user)
            outcomes.append("done")
        except services.ItemChanged:
            outcomes.append("changed")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=act,
            args=(liaison_user, lambda i, u: services.item_update_post(item=i, user=u, version=1, narrative="Mine.")),
        ),
        threading.Thread(
            target=act,
            args=(
                staff_user,
                lambda i, u: services.item_close(item=i, user=u, version=1, status="withdrawn", note="Theirs."),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["changed", "done"]
    item.refresh_from_db()
    assert item.version == 2
    assert ItemEvent.objects.filter(item=item).count() == 1
