import pytest

from forces.models import Force

pytestmark = pytest.mark.django_db


def test_staff_set_the_staff_lead_and_the_stage(client, staff_user, force):
    client.force_login(staff_user)
    response = client.post(
        f"/forces/{force.slug}/monitoring/", {"staff_lead": staff_user.pk, "monitoring_stage": "engage"}
    )
    assert response.status_code == 302
    force.refresh_from_db()
    assert (force.staff_lead, force.monitoring_stage) == (staff_user, "engage")
    assert force.history.first().history_user == staff_user
    page = client.get(f"/forces/{force.slug}/").content.decode()
    assert str(staff_user) in page


def test_only_staff_can_lead(client, staff_user, manager_user, force):
    client.force_login(staff_user)
    response = client.post(
        f"/forces/{force.slug}/monitoring/", {"staff_lead": manager_user.pk, "monitoring_stage": "scan"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert Force.objects.get(pk=force.pk).staff_lead is None
