"""What a migration that adds counts to the summary's cells (reporting.columns) does, written once
for each such migration: each column added as a count starting at zero, then every force's cells
marked out of date (SummaryForce.as_of emptied), since no cell has been counted with the new
columns yet. The next read, or the sweep, recounts each force before anyone sees its figures."""

from django.db import migrations, models


def _summary_out_of_date(apps, schema_editor):
    apps.get_model("reporting", "SummaryForce").objects.update(as_of=None)


def cell_counts_added(names: list[str]) -> list:
    """The operations that add the count columns `names` to SummaryCell."""
    return [
        *(
            migrations.AddField(model_name="summarycell", name=name, field=models.PositiveIntegerField(default=0))
            for name in names
        ),
        migrations.RunPython(_summary_out_of_date, migrations.RunPython.noop),
    ]
