"""Load the factor sets shipped in metering/data/factor_sets.yaml (sets already present are kept)."""

from decimal import Decimal
from pathlib import Path

import yaml
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "factor_sets.yaml"


def load(apps, schema_editor):
    FactorSet = apps.get_model("metering", "FactorSet")
    Factor = apps.get_model("metering", "Factor")
    for entry in yaml.safe_load(DATA.read_text(encoding="utf-8")):
        if FactorSet.objects.filter(code=entry["code"]).exists():
            continue
        factor_set = FactorSet.objects.create(
            code=entry["code"], name=entry["name"], kind=entry["kind"], version=entry["version"]
        )
        Factor.objects.bulk_create(
            Factor(
                factor_set=factor_set,
                key=row["key"],
                year=row["year"],
                value=Decimal(str(row["value"])),
                unit=row["unit"],
                source=row["source"],
            )
            for row in entry["factors"]
        )


class Migration(migrations.Migration):
    dependencies = [("metering", "0002_kpis")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
