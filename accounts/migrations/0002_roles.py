"""The three roles as groups. The groups carry no model permissions: what each role may do is
decided by accounts.permissions and the scoping selectors, in code that the tests cover."""

from django.db import migrations

STAFF = "Inspectorate staff"
LIAISON = "Force liaison officer"
MANAGER = "Manager"


def add_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in (STAFF, MANAGER, LIAISON):
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("forces", "0001_initial"),
        ("inspections", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
