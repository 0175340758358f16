"""The demo plant: a battery-recycling site in Tianjin with its people, a year of production, its
meters (every medium) and a demo gateway.

Loading is idempotent: everything is looked up by its natural key first, so a second run changes
nothing. Each app adds its own demo data through the module its AppConfig names as ``demo``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from greenfactory.accounts.models import User
from greenfactory.accounts.roles import Role
from greenfactory.accounts.services import user_create
from greenfactory.core.time import month_end, months_before
from greenfactory.sites.models import Organisation, ProductionKind, ProductionRecord, Site
from greenfactory.sites.services import (
    organisation_create,
    production_record_create,
    site_create,
    site_shifts_set,
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    name: str


# Local demo accounts only: load_demo refuses to run with DEBUG off unless forced.
DEMO_LOGINS = (
    DemoLogin("admin", "demo-admin-2026", Role.ADMIN, "Wang Lei"),
    DemoLogin("compliance", "demo-compliance-2026", Role.STAFF, "Li Na"),
    DemoLogin("auditor", "demo-auditor-2026", Role.AUDITOR, "Zhang Wei"),
)

# Monthly tonnes processed over the demo year: the plant ramps up through the year.
_MONTHLY_PROCESSED = [3000, 3400, 3900, 4100, 4600, 5000, 4200, 4400, 4700, 4800, 4900, 5100]
# Output shares of processed tonnes (black mass, copper, aluminium, plastics, electrolyte).
_OUTPUT_SHARES = {
    "Black mass": Decimal("0.42"),
    "Copper": Decimal("0.09"),
    "Aluminium": Decimal("0.12"),
    "Plastics": Decimal("0.08"),
    "Electrolyte": Decimal("0.05"),
}


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> dict:
    """Create the demo organisation, site, users and the last twelve months of production."""
    today = today or timezone.localdate()
    created = {"users": 0, "production_records": 0, "meters": 0, "readings": 0}

    organisation = Organisation.objects.filter(code="binhai-recycling").first() or organisation_create(
        name="Binhai Power Battery Recycling Co., Ltd. 滨海动力电池回收有限公司", code="binhai-recycling"
    )
    site = Site.objects.filter(code="TJ-01").first() or site_create(
        organisation=organisation,
        code="TJ-01",
        name="Tianjin plant, phase I 天津一期工厂",
        address="Lingang Economic Zone, Binhai New Area, Tianjin 天津市滨海新区临港经济区",
        time_zone="Asia/Shanghai",
        land_area_m2=Decimal("86000"),
        floor_area_m2=Decimal("41500"),
        industry="Recycling of spent EV power batteries (electrified physical disassembly)",
    )
    if not site.shifts.exists():
        # Two shifts on weekdays, as the demo meters' load runs (metering/demo.py).
        site_shifts_set(
            site=site,
            shifts=[
                ("Early shift 早班", "12345", dt.time(7), dt.time(15)),
                ("Late shift 中班", "12345", dt.time(15), dt.time(23)),
            ],
        )

    for login in DEMO_LOGINS:
        if not User.objects.filter(username=login.username).exists():
            first, _, last = login.name.partition(" ")
            user_create(
                username=login.username,
                password=login.password,
                roles=[login.role],
                email=f"{login.username}@demo.invalid",
                first_name=first,
                last_name=last,
            )
            created["users"] += 1

    staff = User.objects.get(username="compliance")
    existing = set(ProductionRecord.objects.filter(site=site).values_list("period_start", "material", "kind"))
    for start, processed in zip(months_before(today, 12), _MONTHLY_PROCESSED, strict=True):
        end = month_end(start)
        rows = [
            ("Spent EV battery packs", ProductionKind.RECEIVED, Decimal(processed) * Decimal("1.04")),
            ("Spent EV battery packs", ProductionKind.PROCESSED, Decimal(processed)),
        ]
        rows += [
            (material, ProductionKind.OUTPUT, Decimal(processed) * share)
            for material, share in _OUTPUT_SHARES.items()
        ]
        for material, kind, tonnes in rows:
            if (start, material, kind) in existing:
                continue
            production_record_create(
                site=site,
                period_start=start,
                period_end=end,
                material=material,
                kind=kind,
                tonnes=tonnes.quantize(Decimal("0.001")),
                by=staff,
            )
            created["production_records"] += 1
    approver = User.objects.get(username="admin")
    for module in demo_modules():
        created.update(module.demo_load(site=site, staff=staff, approver=approver, today=today))
    return created


def demo_modules() -> list:
    """Each app's demo module (its AppConfig's ``demo``), in INSTALLED_APPS order: an app builds on
    the demo data of the apps it depends on."""
    return [import_module(config.demo) for config in apps.get_app_configs() if getattr(config, "demo", None)]
