import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def bill_through_requests(apps, schema_editor):
    """Additional work logged before: on a request, billed through it; on a change, through its first request."""
    TimeEntry = apps.get_model("timesheets", "TimeEntry")
    Link = apps.get_model("changes", "Change").tickets.through
    TimeEntry.objects.filter(kind="additional", ticket__isnull=False).update(billed_request=models.F("ticket"))
    first = Link.objects.filter(change_id=OuterRef("change_id")).order_by("ticket_id").values("ticket_id")[:1]
    TimeEntry.objects.filter(kind="additional", change__isnull=False).update(billed_request=Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_unread_customer_messages"),
        ("changes", "0001_initial"),
        ("timesheets", "0004_time_on_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="timeentry",
            name="billed_request",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tickets.ticket",
            ),
        ),
        migrations.RunPython(bill_through_requests, migrations.RunPython.noop),
    ]
