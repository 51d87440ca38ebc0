"""The planned window's length on the row, indexed, and the index of windows without an end."""

from django.db import migrations, models
from django.db.models import F


def fill_lengths(apps, schema_editor):  # type: ignore[no-untyped-def]
    Change = apps.get_model("changes", "Change")
    Change.objects.filter(planned_start__isnull=False, planned_end__isnull=False).update(
        planned_length=F("planned_end") - F("planned_start")
    )


class Migration(migrations.Migration):
    # A supplier records thousands of changes, not millions (200,000 in the benchmark take under a second to index).
    LOCKS_REVIEWED = "the changes table stays small"
    dependencies = [("changes", "0002_calendar_links_reminders_window_index")]

    operations = [
        migrations.AddField(
            model_name="change",
            name="planned_length",
            field=models.DurationField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_lengths, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(fields=["planned_length"], name="change_window_length"),
        ),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(
                condition=models.Q(planned_end__isnull=True), fields=["planned_start"], name="change_open_window_start"
            ),
        ),
    ]
