"""A new kind of export: the committee paper. SQLite rebuilds the table to change its check
constraint, which drops the append-only trigger (0002): it is created again after the rebuild (and
after the rebuild that undoing this migration makes). PostgreSQL alters the table in place and keeps it."""

from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS audit_exportrecord_no_update BEFORE UPDATE ON audit_exportrecord
BEGIN
    SELECT RAISE(ABORT, 'The record of exports is append-only: a row cannot be changed');
END;
"""


def restore_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


KINDS = [
    ("items_csv", "Recommendations list (CSV)"),
    ("items_xlsx", "Recommendations list (Excel)"),
    ("meeting_pack", "Meeting pack (page)"),
    ("meeting_pack_xlsx", "Meeting pack (Excel)"),
    ("committee_paper", "Committee paper (Word)"),
    ("api_list", "API list page"),
    ("export_records_csv", "Record of exports (CSV)"),
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_trigger),
        migrations.RemoveConstraint(model_name="exportrecord", name="export_kind_valid"),
        migrations.AlterField(
            model_name="exportrecord", name="kind", field=models.CharField(choices=KINDS, max_length=40)
        ),
        migrations.AddConstraint(
            model_name="exportrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", [value for value, _label in KINDS])), name="export_kind_valid"
            ),
        ),
        migrations.RunPython(restore_trigger, migrations.RunPython.noop),
    ]
