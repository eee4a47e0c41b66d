"""When each item entered the tracker (existing items: the London day they were created), imported
events, and the history of an inspection's forces."""

import zoneinfo

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models
from django.db.models.functions import TruncDate

import core.dates


def entered_on_from_created_at(apps, schema_editor):
    TrackedItem = apps.get_model("inspections", "TrackedItem")
    TrackedItem.objects.update(entered_on=TruncDate("created_at", tzinfo=zoneinfo.ZoneInfo("Europe/London")))


class Migration(migrations.Migration):
    dependencies = [
        ("forces", "0003_national_bodies_and_governance"),
        ("inspections", "0008_replies_reviews_and_clocks"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaltrackeditem",
            name="entered_on",
            field=models.DateField(default=core.dates.london_today),
        ),
        migrations.AddField(
            model_name="itemevent",
            name="imported",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name="trackeditem",
            name="entered_on",
            field=models.DateField(default=core.dates.london_today),
        ),
        migrations.RunPython(entered_on_from_created_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="itemevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Published"),
                    ("response", "Response recorded"),
                    ("update", "Progress update"),
                    ("submitted", "Submitted for closure"),
                    ("returned", "Returned to the force"),
                    ("closed", "Closed"),
                    ("reopened", "Reopened"),
                    ("extension_requested", "More time asked for"),
                    ("extension_approved", "Extension approved"),
                    ("extension_refused", "Extension refused"),
                    ("judged", "Progress judged"),
                    ("became_overdue", "Became overdue"),
                    ("no_longer_overdue", "No longer overdue"),
                    ("response_late", "Response not given within 56 days"),
                    ("response_late_ended", "Response given late"),
                    ("comments_late", "Local policing body's comments overdue"),
                    ("comments_late_ended", "Local policing body's comments published"),
                    ("fra_plan_late", "Fire and rescue authority's action plan overdue"),
                    ("fra_plan_late_ended", "Fire and rescue authority's action plan published"),
                    ("review_date_set", "Next review date set"),
                    ("review_late", "Review overdue"),
                    ("review_late_ended", "Review no longer overdue"),
                    ("action_plan_late", "Action plan overdue"),
                    ("action_plan_late_ended", "Action plan received late"),
                    ("verification_late", "Closure claim waiting over 30 days"),
                    ("verification_late_ended", "Closure claim decided"),
                    ("manager_review", "Overdue review"),
                    ("recorded", "Recorded in the register"),
                ],
                max_length=24,
            ),
        ),
        migrations.CreateModel(
            name="HistoricalInspection_forces",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "force",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="forces.force",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="inspections.historicalinspection",
                    ),
                ),
                (
                    "inspection",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="inspections.inspection",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalInspection_forces",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
