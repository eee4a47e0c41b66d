from django.db import migrations

from reporting.migration_operations import cell_counts_added


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_awaiting_review"),
    ]

    # One count per public status (rules.PUBLIC_STATUSES) but "complete", counted already;
    # written out, since a migration must not change when the rules do.
    operations = cell_counts_added(
        [
            "public_awaiting_review",
            "public_being_progressed",
            "public_not_implemented",
            "public_superseded",
            "public_withdrawn",
        ]
    )
