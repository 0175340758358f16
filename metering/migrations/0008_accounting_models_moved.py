"""Factor sets, activity data, site KPIs, baselines and targets, and the GHG inventory now belong to
the accounting app (accounting 0001). Their tables stay where they are: only Django's state changes.

Deleting a model from the state is enough: no remaining metering model refers to them. Removing
their relation fields first, as the autodetector writes it, would re-render most of the project once
per field and make this migration take tens of seconds in each direction for nothing."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('metering', '0007_energy_baselines'),
        ('accounting', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='SourceUncertainty',
                ),
                migrations.DeleteModel(
                    name='BaselineAdjustment',
                ),
                migrations.DeleteModel(
                    name='BaseYearRecalculation',
                ),
                migrations.DeleteModel(
                    name='DriverValue',
                ),
                migrations.DeleteModel(
                    name='EnergyBaseline',
                ),
                migrations.DeleteModel(
                    name='EnergyTarget',
                ),
                migrations.DeleteModel(
                    name='TargetAlert',
                ),
                migrations.DeleteModel(
                    name='Factor',
                ),
                migrations.DeleteModel(
                    name='FactorSet',
                ),
                migrations.DeleteModel(
                    name='FuelDelivery',
                ),
                migrations.DeleteModel(
                    name='GreenCertificateRetirement',
                ),
                migrations.DeleteModel(
                    name='HistoricalBaselineAdjustment',
                ),
                migrations.DeleteModel(
                    name='HistoricalBaseYearRecalculation',
                ),
                migrations.DeleteModel(
                    name='HistoricalDriverValue',
                ),
                migrations.DeleteModel(
                    name='HistoricalEnergyBaseline',
                ),
                migrations.DeleteModel(
                    name='HistoricalEnergyTarget',
                ),
                migrations.DeleteModel(
                    name='HistoricalFactor',
                ),
                migrations.DeleteModel(
                    name='HistoricalFactorSet',
                ),
                migrations.DeleteModel(
                    name='HistoricalFuelDelivery',
                ),
                migrations.DeleteModel(
                    name='HistoricalGreenCertificateRetirement',
                ),
                migrations.DeleteModel(
                    name='HistoricalInventoryCategory',
                ),
                migrations.DeleteModel(
                    name='HistoricalInventorySettings',
                ),
                migrations.DeleteModel(
                    name='HistoricalInventorySite',
                ),
                migrations.DeleteModel(
                    name='HistoricalRefrigerantRefill',
                ),
                migrations.DeleteModel(
                    name='HistoricalScope3Activity',
                ),
                migrations.DeleteModel(
                    name='HistoricalSiteKpiSettings',
                ),
                migrations.DeleteModel(
                    name='HistoricalSourceUncertainty',
                ),
                migrations.DeleteModel(
                    name='InventoryCategory',
                ),
                migrations.DeleteModel(
                    name='InventorySettings',
                ),
                migrations.DeleteModel(
                    name='InventorySite',
                ),
                migrations.DeleteModel(
                    name='RefrigerantRefill',
                ),
                migrations.DeleteModel(
                    name='Scope3Activity',
                ),
                migrations.DeleteModel(
                    name='SiteKpi',
                ),
                migrations.DeleteModel(
                    name='SiteKpiSettings',
                ),
    
            ],
        ),
    ]
