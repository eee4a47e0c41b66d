from django.db import migrations

PROGRAMMES = [
    ("peel", "PEEL", False),
    ("ncpi", "National child protection inspection", False),
    ("crime-data-integrity", "Crime data integrity", False),
    ("jtai", "Joint targeted area inspection", False),
    ("fire-and-rescue", "Fire and rescue inspection", False),
    ("thematic", "Thematic inspection", False),
    ("post-inspection-review", "Post-inspection review or revisit", True),
]


def add_programmes(apps, schema_editor):
    Programme = apps.get_model("inspections", "Programme")
    for slug, name, is_follow_up in PROGRAMMES:
        Programme.objects.update_or_create(slug=slug, defaults={"name": name, "is_follow_up": is_follow_up})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(add_programmes, migrations.RunPython.noop)]
