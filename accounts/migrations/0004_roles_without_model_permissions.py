"""Databases made before the roles lost their model permissions: take them away (nothing checks
them; accounts.permissions decides)."""

from django.db import migrations


def clear_group_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Inspectorate staff", "Manager", "Force liaison officer"]):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_history")]
    operations = [migrations.RunPython(clear_group_permissions, migrations.RunPython.noop)]
