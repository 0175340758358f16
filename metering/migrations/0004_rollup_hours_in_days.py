"""Hours move into their day's rollup row (MeterRollup.hourly).

The hour rows are dropped and every meter with readings gets one pending dirty range over all of
them, so the next sweep (or ``recompute_kpis``) rebuilds its day rows with their hours. Rollups are
derived data: nothing entered by a user is touched.
"""

import greenfactory.core.fields
from django.db import migrations, models
from django.db.models import Max, Min


def hours_into_days(apps, schema_editor):
    MeterRollup = apps.get_model("metering", "MeterRollup")
    Reading = apps.get_model("metering", "Reading")
    DirtyRange = apps.get_model("metering", "DirtyRange")
    MeterRollup.objects.filter(granularity="hour").delete()
    spans = (
        Reading.objects.values("meter_id")
        .annotate(first_start=Min("start"), first_ts=Min("ts"), last=Max("ts"))
        .order_by("meter_id")
    )
    DirtyRange.objects.bulk_create(
        [
            DirtyRange(
                meter_id=span["meter_id"],
                start=min(filter(None, (span["first_start"], span["first_ts"]))),
                end=span["last"],
            )
            for span in spans
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("metering", "0003_load_factor_sets"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="meterrollup",
            name="meter_rollup_granularity",
        ),
        migrations.AddField(
            model_name="meterrollup",
            name="hourly",
            field=greenfactory.core.fields.FloatListField(
                blank=True, default=list, verbose_name="consumption per local hour"
            ),
        ),
        migrations.RunPython(hours_into_days, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="meterrollup",
            constraint=models.CheckConstraint(
                condition=models.Q(("granularity__in", ["day", "month"])), name="meter_rollup_day_or_month"
            ),
        ),
    ]
