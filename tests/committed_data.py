"""Data committed for a whole module (the demo, loaded once and read by every test of a module), and
the database put back as the migrations left it afterwards."""

import importlib

# The data migrations that create rows the service needs: a flush by any transactional test removes
# those rows. Both are written to be run again (get_or_create, update_or_create).
DATA_MIGRATIONS = (
    ("accounts.migrations.0002_roles", "add_roles"),
    ("inspections.migrations.0002_programmes", "add_programmes"),
    ("inspections.migrations.0007_themes_slugs_public_comments", "add_themes"),
    ("inspections.migrations.0008_replies_reviews_and_clocks", "add_review_months"),
)


def restore_migration_data() -> None:
    from django.apps import apps

    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def flush() -> None:
    """Empty the database and put back what the migrations made. Where pytest-django serialized the
    migrated database (a test asks for serialized_rollback), restore exactly that, keys included:
    a plain flush re-creates content types in a different order, with different keys, and the next
    serialized_rollback test would then collide with them."""
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=contents is not None)
    if contents is None:
        restore_migration_data()
        return
    connection.creation.deserialize_db_from_string(contents)
    # Rows came back with their keys; move each sequence past them.
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
