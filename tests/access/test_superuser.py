"""A superuser (createsuperuser, in no group) is inspectorate staff on every page: each page of
the matrix answers them as it answers staff."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.access.test_matrix import DECLARED

# On a requester-only page a superuser is answered as any other member of staff: not found.
PAGES = [case for case in DECLARED if case.method == "GET" and not case.requester_only]
OWN_PAGES = [case for case in DECLARED if case.method == "GET" and case.requester_only]


@pytest.mark.parametrize("case", PAGES, ids=[case.id for case in PAGES])
def test_a_superuser_is_answered_as_staff(case, world, client):
    superuser = User.objects.create_superuser("root", "root@example.gov.uk", "a-long-test-password-1")
    assert not superuser.groups.exists()
    path = reverse(case.url_name, kwargs=case.kwargs(world))
    url = path + (f"?{case.query}" if case.query else "")
    client.force_login(world.users["staff"])
    as_staff = client.get(url).status_code
    client.force_login(superuser)
    assert client.get(url).status_code == as_staff, case.id


def test_a_superuser_has_staff_navigation(client, db):
    superuser = User.objects.create_superuser("root", "root@example.gov.uk", "a-long-test-password-1")
    client.force_login(superuser)
    labels = [item["label"] for item in client.get(reverse("dashboard")).context["primary_navigation"]]
    assert {"Import", "Users", "Overdue review"} <= set(labels)


@pytest.mark.parametrize("case", OWN_PAGES, ids=[case.id for case in OWN_PAGES])
def test_a_superuser_does_not_see_what_another_asked_for(case, world, client):
    superuser = User.objects.create_superuser("root", "root@example.gov.uk", "a-long-test-password-1")
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    client.force_login(world.users["staff"])
    assert client.get(url).status_code == 200
    client.force_login(superuser)
    assert client.get(url).status_code == 404
