"""A superuser (createsuperuser, in no group) is inspectorate staff on every page: each page of
the matrix answers them as it answers staff."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.access.test_matrix import DECLARED

PAGES = [case for case in DECLARED if case.method == "GET"]


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
