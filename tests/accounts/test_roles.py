import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from accounts.roles import GROUP_NAMES
from inspections.models import Programme


@pytest.mark.django_db(transaction=True)
def test_roles_and_programmes_survive_a_flush():
    call_command("flush", "--noinput", verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == set(GROUP_NAMES.values())
    liaison = Group.objects.get(name=GROUP_NAMES["liaison"])
    codenames = set(liaison.permissions.values_list("codename", flat=True))
    assert {"add_progressupdate", "view_trackeditem"} <= codenames
    assert "change_trackeditem" not in codenames
    assert Programme.objects.filter(slug="ncpi").exists()
