"""Settings saved twice at the same moment end as one row, not an error."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from accounting.models import InventoryCategory, InventorySite
from accounting.services.inventory import inventory_category_save, inventory_site_save
from tests.factories import SiteFactory
from tests.services import need


def _together(calls) -> list[str]:
    """Run the calls in threads released at once; the errors they raised."""
    start, errors = threading.Barrier(len(calls)), []

    def run(call):
        try:
            start.wait()
            call()
        except Exception as exc:  # noqa: BLE001 - the test reports whatever a caller would have seen
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_the_same_inventory_rows_at_once_leave_one_row_each():
    need(connection.vendor == "postgresql", "the concurrency test needs PostgreSQL (set DATABASE_URL)")
    site = SiteFactory(code="CC-02")
    organisation = site.organisation
    calls = [
        lambda note=note: inventory_category_save(
            organisation=organisation, category=5, included=False, justification=note
        )
        for note in ("Outside our influence", "Customers refine it")
    ] + [
        lambda pct=pct: inventory_site_save(site=site, included=True, equity_share_pct=pct)
        for pct in (50, 60)
    ]
    assert _together(calls) == []
    [category] = InventoryCategory.objects.filter(organisation=organisation, category=5)
    assert category.justification in {"Outside our influence", "Customers refine it"}
    [entry] = InventorySite.objects.filter(site=site)
    assert entry.equity_share_pct in {50, 60}
