from django.db import migrations, models


def summary_out_of_date(apps, schema_editor):
    """The new column is counted for no cell yet: every force is recounted before its next read."""
    apps.get_model("reporting", "SummaryForce").objects.update(as_of=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_paper_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="summarycell",
            name="awaiting_review",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(summary_out_of_date, migrations.RunPython.noop),
    ]
