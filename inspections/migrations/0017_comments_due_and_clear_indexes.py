"""Each item's comments deadline (TrackedItem.comments_due_on, empty until the sweep works it out),
and the indexes that let the sweep find what to flag and what to clear without reading every open
or flagged item: the comments clock's by deadline, the overdue flags by target date, and the flags
of items since closed. The field is added empty (no rewrite of the table); the indexes are built
concurrently on PostgreSQL and the ones they replace dropped after, so this migration is not
atomic. The first sweep after it works out every item's deadline once."""

from django.db import migrations, models

from core.migration_operations import AddIndexWithoutLocking, RemoveIndexWithoutLocking

OPEN = ("published", "in_progress", "submitted")
CLOSED = ("complete", "not_implemented", "superseded", "withdrawn")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("inspections", "0016_search_indexes")]

    operations = [
        migrations.AddField(
            model_name="trackeditem",
            name="comments_due_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        AddIndexWithoutLocking(
            model_name="trackeditem",
            index=models.Index(
                condition=models.Q(("overdue_flagged_on__isnull", False)),
                fields=["current_target_date"],
                name="item_flagged_target_idx",
            ),
        ),
        AddIndexWithoutLocking(
            model_name="trackeditem",
            index=models.Index(
                condition=models.Q(("overdue_flagged_on__isnull", False), ("status__in", CLOSED)),
                fields=["overdue_flagged_on"],
                name="item_closed_overdue_flag_idx",
            ),
        ),
        AddIndexWithoutLocking(
            model_name="trackeditem",
            index=models.Index(
                condition=models.Q(("comments_overdue_flagged_on__isnull", True), ("status__in", OPEN)),
                fields=["comments_due_on"],
                name="item_comments_due_idx",
            ),
        ),
        AddIndexWithoutLocking(
            model_name="trackeditem",
            index=models.Index(
                condition=models.Q(("comments_overdue_flagged_on__isnull", False)),
                fields=["comments_due_on"],
                name="item_comments_flagged_due_idx",
            ),
        ),
        AddIndexWithoutLocking(
            model_name="trackeditem",
            index=models.Index(
                condition=models.Q(("comments_overdue_flagged_on__isnull", False), ("status__in", CLOSED)),
                fields=["comments_overdue_flagged_on"],
                name="item_closed_comments_flag_idx",
            ),
        ),
        AddIndexWithoutLocking(
            model_name="trackeditem",
            index=models.Index(
                condition=models.Q(("comments_due_on__isnull", True)),
                fields=["id"],
                name="item_comments_due_unknown_idx",
            ),
        ),
        RemoveIndexWithoutLocking(model_name="trackeditem", name="item_flagged_idx"),
        RemoveIndexWithoutLocking(model_name="trackeditem", name="item_comments_flagged_idx"),
    ]
