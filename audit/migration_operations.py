"""What a migration that changes the kinds of export (ExportKind) does, written once for each such
migration. SQLite rebuilds the table to change its check constraint, which drops the append-only
trigger (migration 0002): it is created again after the rebuild (and after the rebuild that undoing
the migration makes). PostgreSQL alters the table in place and keeps it."""

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


def export_kinds_operations(kinds: list[tuple[str, str]]) -> list:
    """The operations that make `kinds` (value, label) the kinds an export record may have."""
    return [
        migrations.RunPython(migrations.RunPython.noop, restore_trigger),
        migrations.RemoveConstraint(model_name="exportrecord", name="export_kind_valid"),
        migrations.AlterField(
            model_name="exportrecord", name="kind", field=models.CharField(choices=kinds, max_length=40)
        ),
        migrations.AddConstraint(
            model_name="exportrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", [value for value, _label in kinds])), name="export_kind_valid"
            ),
        ),
        migrations.RunPython(restore_trigger, migrations.RunPython.noop),
    ]
