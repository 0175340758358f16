"""Store the default KPI settings of every site that has none, so that reading them never writes.

Defaults: North China grid, the national grid factor excluding market instruments as residual
factor, the AR5 GWP set, the China combustion method (the model's field defaults). Sites created
later get their row on the first save of their settings; until then the reads show the same defaults.
"""

from django.db import migrations

DEFAULT_GWP_SET = "gwp-ar5"


def seed(apps, schema_editor):
    Site = apps.get_model("sites", "Site")
    FactorSet = apps.get_model("accounting", "FactorSet")
    SiteKpiSettings = apps.get_model("accounting", "SiteKpiSettings")
    gwp = FactorSet.objects.filter(code=DEFAULT_GWP_SET).first()
    if gwp is None:  # no shipped factor sets in this database: nothing to default to
        return
    missing = Site.objects.filter(kpi_settings__isnull=True).values_list("pk", flat=True)
    SiteKpiSettings.objects.bulk_create(SiteKpiSettings(site_id=pk, gwp_set=gwp) for pk in missing)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]
    # Reversing keeps the rows: a seeded row cannot be told from one a person saved with the defaults.
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
