"""Themes (a managed list, seeded with the inspectorate's usual subjects), stable public slugs for
inspections, the public comment on item events, and what the recurring-findings search needs on
PostgreSQL: the pg_trgm extension and a trigram index on the findings' text."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.utils.text import slugify

THEMES = [
    ("vetting", "Vetting", "Vetting, counter-corruption and professional standards"),
    ("child-protection", "Child protection", "Children at risk, missing children, exploitation"),
    ("custody", "Custody", "Custody suites and the care of detainees"),
    ("vawg", "Violence against women and girls", "Domestic abuse, stalking, sexual offences"),
    ("crime-recording", "Crime recording", "Crime data integrity and recording standards"),
    ("leadership-and-culture", "Leadership and culture", "Leadership, culture, wellbeing and workforce"),
    ("protection", "Protection", "Fire protection: inspecting and enforcing fire safety"),
    ("response", "Response", "Answering and responding to emergencies"),
]
TRIGRAM_INDEX = "finding_text_trgm_idx"


def add_themes(apps, schema_editor):
    Theme = apps.get_model("inspections", "Theme")
    for slug, name, description in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})


def set_inspection_slugs(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    taken: set[str] = set()
    for inspection in Inspection.objects.order_by("id").only("id", "reference"):
        base = slugify(inspection.reference)[:80] or "inspection"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base[:75]}-{n}"
        taken.add(slug)
        Inspection.objects.filter(pk=inspection.pk).update(slug=slug)


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON inspections_finding USING gin (text gin_trgm_ops)"
        )


def remove_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0006_list_sort_and_search_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalTheme",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                ("slug", models.SlugField(max_length=60)),
                ("name", models.CharField(db_index=True, max_length=80)),
                ("description", models.CharField(blank=True, max_length=300)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical theme",
                "verbose_name_plural": "historical themes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="Theme",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("slug", models.SlugField(max_length=60, unique=True)),
                ("name", models.CharField(max_length=80, unique=True)),
                ("description", models.CharField(blank=True, max_length=300)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="historicalinspection",
            name="slug",
            field=models.SlugField(default="", max_length=80),
        ),
        migrations.AddField(
            model_name="inspection",
            name="slug",
            field=models.SlugField(default="", max_length=80, db_index=False),
        ),
        migrations.RunPython(set_inspection_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="inspection",
            name="slug",
            field=models.SlugField(max_length=80, unique=True),
        ),
        migrations.AlterField(
            model_name="historicalinspection",
            name="slug",
            field=models.SlugField(max_length=80),
        ),
        migrations.AddField(
            model_name="itemevent",
            name="public_comment",
            field=models.TextField(blank=True, db_default="", default=""),
        ),
        migrations.AddIndex(
            model_name="itemevent",
            index=models.Index(
                condition=models.Q(
                    models.Q(("to_status", ""), _negated=True),
                    models.Q(("public_comment", ""), _negated=True),
                    ("kind", "extension_approved"),
                    _connector="OR",
                ),
                fields=["-at"],
                name="event_public_at_idx",
            ),
        ),
        migrations.AddField(
            model_name="historicaltheme",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="themes",
            field=models.ManyToManyField(blank=True, related_name="findings", to="inspections.theme"),
        ),
        migrations.RunPython(add_themes, migrations.RunPython.noop),
        # A no-op on SQLite; on PostgreSQL it needs a role allowed to create the extension.
        TrigramExtension(),
        migrations.RunPython(add_trigram_index, remove_trigram_index, elidable=False),
    ]
