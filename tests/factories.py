"""factory_boy factories. Users get their roles through the accounts service, as admins give them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import Role
from greenfactory.accounts.services import user_set_roles
from greenfactory.sites.models import Organisation, ProductionKind, ProductionRecord, Site


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    code = factory.Sequence(lambda n: f"org-{n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site
        django_get_or_create = ("code",)

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Plant {n}")
    code = factory.Sequence(lambda n: f"S-{n:02d}")
    time_zone = "Asia/Shanghai"
    land_area_m2 = Decimal("50000")
    floor_area_m2 = Decimal("20000")


class ProductionRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionRecord

    site = factory.SubFactory(SiteFactory)
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 1, 31)
    material = factory.Sequence(lambda n: f"Material {n}")
    kind = ProductionKind.PROCESSED
    tonnes = Decimal("4000.000")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            user_set_roles(user=self, roles=[extracted] if isinstance(extracted, Role) else extracted)


def metering_objects(*, site: Site, pk: int) -> None:
    """A meter, a meter event and a checked import sharing ``pk``, for URL walks that use one pk."""
    from decimal import Decimal

    from accounting.models import (
        Factor,
        FactorSet,
        FuelDelivery,
        GreenCertificateRetirement,
        RefrigerantRefill,
        Scope3Activity,
    )
    from metering.models import ImportJob, Meter, MeterEvent

    meter = Meter.objects.create(
        pk=pk,
        site=site,
        code=f"E-{pk}",
        name="Main incomer",
        medium="electricity",
        unit="kWh",
        kind="register",
        active_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    MeterEvent.objects.create(
        pk=pk,
        meter=meter,
        ts=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        kind="reset",
        old_final_value=1,
        new_start_value=0,
    )
    ImportJob.objects.create(
        pk=pk,
        kind="readings",
        site=site,
        file="imports/none.csv",
        original_name="x.csv",
        sha256="0" * 64,
        size=1,
    )
    factor_set = FactorSet.objects.filter(pk=pk).first() or FactorSet.objects.create(
        pk=pk, code=f"test-{pk}", name="Test set", kind="kgce"
    )
    if not Factor.objects.filter(pk=pk).exists():
        Factor.objects.create(
            pk=pk,
            factor_set=factor_set,
            key="electricity",
            year=2020,
            value=1,
            unit="kgce/kWh",
            source="test",
        )
    day = dt.date(2025, 6, 1)
    RefrigerantRefill.objects.create(pk=pk, site=site, date=day, equipment="Chiller", gas="R-410A", kg=1)
    FuelDelivery.objects.create(pk=pk, site=site, date=day, fuel="diesel", quantity=1, unit="L")
    GreenCertificateRetirement.objects.create(pk=pk, site=site, date=day, kwh=1, vintage=2025)
    Scope3Activity.objects.create(
        pk=pk,
        site=site,
        date=day,
        category=3,
        description="Trucking",
        quantity=1,
        unit="t·km",
        factor_kg_per_unit=Decimal("0.1"),
        factor_source="test",
    )
