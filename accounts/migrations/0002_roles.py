"""The three roles as groups, with the model permissions each holds. Object-level scope (a liaison
officer's own forces) is decided by inspections.selectors, not by these permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF = "Inspectorate staff"
LIAISON = "Force liaison officer"
MANAGER = "Manager"

APPS = ["forces", "inspections", "accounts"]


def add_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label__in=APPS)

    staff, _ = Group.objects.get_or_create(name=STAFF)
    staff.permissions.set(ours)

    manager, _ = Group.objects.get_or_create(name=MANAGER)
    manager.permissions.set(ours.filter(codename__startswith="view_"))

    liaison, _ = Group.objects.get_or_create(name=LIAISON)
    liaison.permissions.set(
        ours.filter(codename__startswith="view_").exclude(content_type__model__in=["user", "liaisonmembership"])
        | ours.filter(codename__in=["add_progressupdate", "add_evidencefile", "add_extensionrequest"])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("forces", "0001_initial"),
        ("inspections", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
