import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from forces.models import LiaisonMembership
from notifications.services import messages_deliver
from tests import factories

pytestmark = pytest.mark.django_db


def _new_user_data(**overrides) -> dict:
    data = {
        "first_name": "Sam",
        "last_name": "Patel",
        "email": "sam.patel@example.gov.uk",
        "username": "sam.patel",
        "role": "liaison",
    }
    return {**data, **overrides}


def test_staff_add_a_liaison_officer_for_two_forces_who_is_emailed_a_link(client, staff_user, force, other_force):
    client.force_login(staff_user)
    response = client.post("/accounts/users/new/", _new_user_data(forces=[force.pk, other_force.pk]), follow=True)
    assert "Sam Patel can now sign in" in response.content.decode()
    user = User.objects.get(username="sam.patel")
    assert user.role == Role.LIAISON
    assert set(user.liaison_forces.all()) == {force, other_force}
    assert not user.has_usable_password()
    messages_deliver()  # the email waits in the outbox until the delivery job runs
    assert mail.outbox[0].to == ["sam.patel@example.gov.uk"]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 302  # a valid link
    record = user.history.earliest()
    assert record.history_user == staff_user
    assert "Force liaison officer" in record.history_change_reason


def test_a_liaison_officer_needs_a_force(client, staff_user):
    client.force_login(staff_user)
    response = client.post("/accounts/users/new/", _new_user_data())
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Select at least one force for a force liaison officer" in page
    assert 'value="sam.patel@example.gov.uk"' in page  # nothing typed is lost
    assert not User.objects.filter(username="sam.patel").exists()


def test_other_roles_must_have_no_force(client, staff_user, force):
    client.force_login(staff_user)
    response = client.post("/accounts/users/new/", _new_user_data(role="manager", forces=[force.pk]))
    assert "Only force liaison officers act for a force" in response.content.decode()
    assert not User.objects.filter(username="sam.patel").exists()


def test_missing_fields_and_a_taken_username_are_explained(client, staff_user, liaison_user):
    client.force_login(staff_user)
    response = client.post("/accounts/users/new/", {"username": "LIAISON.user", "email": "not-an-email"})
    page = response.content.decode()
    for message in (
        "Enter a first name",
        "Enter a last name",
        "Select a role",
        "Enter an email address in the correct format",
        "A user with this username already exists",
    ):
        assert message in page


def test_staff_change_a_role_and_forces(client, staff_user, liaison_user, force, other_force):
    client.force_login(staff_user)
    data = {"first_name": "Alex", "last_name": "Moved", "email": liaison_user.email, "role": "liaison"}
    response = client.post(f"/accounts/users/{liaison_user.pk}/", {**data, "forces": [other_force.pk]})
    assert response.status_code == 302
    liaison_user = User.objects.get(pk=liaison_user.pk)
    assert list(liaison_user.liaison_forces.all()) == [other_force]
    # The removed membership is recorded, with who removed it.
    removed = LiaisonMembership.history.filter(force=force, history_type="-").get()
    assert removed.history_user == staff_user
    response = client.post(f"/accounts/users/{liaison_user.pk}/", {**data, "role": "manager"})
    liaison_user = User.objects.get(pk=liaison_user.pk)
    assert liaison_user.role == Role.MANAGER
    assert not liaison_user.liaison_forces.exists()
    assert liaison_user.groups.count() == 1


def test_deactivate_and_reactivate(client, staff_user, liaison_user):
    client.force_login(staff_user)
    response = client.post(f"/accounts/users/{liaison_user.pk}/active/", {"active": "0"}, follow=True)
    assert "has been deactivated" in response.content.decode()
    liaison_user.refresh_from_db()
    assert not liaison_user.is_active
    assert liaison_user.history.latest().history_change_reason == "Deactivated"
    client.post(f"/accounts/users/{liaison_user.pk}/active/", {"active": "1"})
    liaison_user.refresh_from_db()
    assert liaison_user.is_active


def test_staff_cannot_deactivate_themselves(client, staff_user):
    client.force_login(staff_user)
    response = client.post(f"/accounts/users/{staff_user.pk}/active/", {"active": "0"}, follow=True)
    assert "You cannot deactivate your own account" in response.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.is_active


def test_a_deactivated_user_sees_nothing(liaison_user, item):
    from inspections.selectors import items_visible_to

    liaison_user.is_active = False
    assert not items_visible_to(user=liaison_user).exists()


def _users(n: int) -> None:
    liaison = Group.objects.get(name=GROUP_NAMES[Role.LIAISON])
    for _ in range(n):
        user = factories.UserFactory()
        user.groups.add(liaison)
        factories.LiaisonMembershipFactory(user=user)


@pytest.mark.parametrize("extra", [2, 20])
def test_user_list_queries_do_not_grow_with_users(client, staff_user, extra, django_assert_num_queries):
    _users(extra)
    client.force_login(staff_user)
    # session, user, their role; count, users, users' groups, users' forces; the session saved
    # (an update inside a savepoint: three statements)
    with django_assert_num_queries(10):
        response = client.get("/accounts/users/")
    assert response.status_code == 200
    page = response.content.decode()
    for user in User.objects.all():
        assert f'href="/accounts/users/{user.pk}/"' in page


def test_the_users_nav_entry_is_shown_to_staff_only(client, staff_user, manager_user):
    client.force_login(staff_user)
    assert 'href="/accounts/users/"' in client.get("/accounts/profile/").content.decode()
    client.force_login(manager_user)
    assert 'href="/accounts/users/"' not in client.get("/accounts/profile/").content.decode()


def test_two_users_cannot_share_an_email_address(client, staff_user, liaison_user):
    client.force_login(staff_user)
    response = client.post(
        "/accounts/users/new/", {**_new_user_data(role="staff"), "email": liaison_user.email.upper()}
    )
    assert "Another user already has this email address" in response.content.decode()
    # Keeping one's own address on edit is fine.
    data = {"first_name": "A", "last_name": "B", "email": liaison_user.email, "role": "manager"}
    assert client.post(f"/accounts/users/{liaison_user.pk}/", data).status_code == 302
