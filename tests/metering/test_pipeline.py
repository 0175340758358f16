"""Metering's pipeline: dirty ranges -> rollups -> findings -> outbox, in one transaction, and
metering's independence from the apps that read it."""

from __future__ import annotations

import ast
import datetime as dt
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from metering.models import DirtyRange, MeterRollup, QualityFinding, RollupChange
from metering.services import pipeline, quality
from metering.signals import rollups_changed
from tests.factories import SiteFactory

from .helpers import ingest, meter

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _rows(code, pairs):
    return [{"meter": code, "ts": ts, "value": v} for ts, v in pairs]


@pytest.fixture
def heard():
    """What metering announced through ``rollups_changed`` (as a reader of rollups hears it)."""
    calls: list[list[int] | None] = []

    def receiver(sender, *, change_ids=None, **kwargs):
        calls.append(change_ids)

    rollups_changed.connect(receiver, dispatch_uid="tests.heard")
    yield calls
    rollups_changed.disconnect(dispatch_uid="tests.heard")


def test_the_outbox_row_is_written_with_the_rollups_and_announced_after_commit(
    site, heard, django_capture_on_commit_callbacks
):
    meter(site, "E-1")
    ingest(site, _rows("E-1", [("2025-05-01T10:00:00+08:00", 0), ("2025-05-03T10:00:00+08:00", 48)]))
    with django_capture_on_commit_callbacks() as callbacks:
        assert pipeline.dirty_ranges_process() == 1
        assert MeterRollup.objects.exists()
        change = RollupChange.objects.get()
        assert heard == []  # nothing is said before the rollups are committed
    # The whole local month the rollups were recomputed over, for the meter's site.
    assert (change.site_id, change.start, change.end, change.consumed_at) == (
        site.pk,
        dt.datetime(2025, 5, 1, tzinfo=SHANGHAI),
        dt.datetime(2025, 6, 1, tzinfo=SHANGHAI),
        None,
    )
    for callback in callbacks:
        callback()
    assert heard == [[change.pk]]


def test_a_rolled_back_pipeline_leaves_no_outbox_row_and_says_nothing(
    site, heard, django_capture_on_commit_callbacks
):
    meter(site, "E-1")
    ingest(site, _rows("E-1", [("2025-05-01T10:00:00+08:00", 0), ("2025-05-01T11:00:00+08:00", 5)]))
    written = []

    def process_then_fail() -> None:
        with transaction.atomic():
            pipeline.dirty_ranges_process()
            written.append(RollupChange.objects.count())
            raise RuntimeError("the caller's transaction fails")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        process_then_fail()
    assert written == [1]  # the row was there, inside the transaction
    assert not RollupChange.objects.exists()
    assert not MeterRollup.objects.exists()
    assert DirtyRange.objects.filter(consumed_at__isnull=True).count() == 1
    assert heard == []


def test_a_failure_in_one_sites_balance_is_marked_on_its_ranges_and_the_other_site_moves_on(
    site, monkeypatch
):
    other = SiteFactory(code="SH-02")
    meter(site, "E-1")
    meter(other, "E-9")
    ingest(site, _rows("E-1", [("2025-05-01T10:00:00+08:00", 0), ("2025-05-01T11:00:00+08:00", 5)]))
    ingest(other, _rows("E-9", [("2025-05-01T10:00:00+08:00", 0), ("2025-05-01T11:00:00+08:00", 7)]))
    real = quality.site_balance_refresh

    def fail(*, site, **kwargs):
        if site.code == "TJ-01":
            raise RuntimeError("balance failed")
        return real(site=site, **kwargs)

    monkeypatch.setattr(quality, "site_balance_refresh", fail)
    assert pipeline.dirty_ranges_process() == 2
    failed = DirtyRange.objects.get(meter__code="E-1")
    assert failed.consumed_at is None
    assert failed.error == "RuntimeError: balance failed"
    assert DirtyRange.objects.get(meter__code="E-9").consumed_at is not None
    assert MeterRollup.objects.filter(meter__code="E-9", quantity=7).exists()


def test_a_worker_dying_midway_leaves_neither_rollups_nor_outbox_rows(site, monkeypatch):
    meter(site, "E-1")
    ingest(site, _rows("E-1", [("2025-05-01T10:00:00+08:00", 0), ("2025-05-01T11:00:00+08:00", 5)]))

    def die(**kwargs):
        raise SystemExit("killed")  # not an Exception: what a killed worker looks like to the code

    monkeypatch.setattr(pipeline, "rollup_changes_record", die)
    with pytest.raises(SystemExit):
        pipeline.dirty_ranges_process()
    assert not RollupChange.objects.exists()
    assert not MeterRollup.objects.exists()
    assert not QualityFinding.objects.exists()
    assert DirtyRange.objects.filter(consumed_at__isnull=True, failed_at__isnull=True).count() == 1


def test_one_outbox_row_per_site_and_disjoint_span(site):
    other = SiteFactory(code="SH-02")
    for code in ("E-1", "E-2", "E-3"):
        meter(site, code)
    meter(other, "E-9")
    ingest(site, _rows("E-1", [("2025-01-10T00:00:00+08:00", 0), ("2025-01-11T00:00:00+08:00", 5)]))
    ingest(site, _rows("E-2", [("2025-02-10T00:00:00+08:00", 0), ("2025-02-11T00:00:00+08:00", 5)]))
    ingest(site, _rows("E-3", [("2025-07-20T00:00:00+08:00", 9), ("2025-07-21T00:00:00+08:00", 15)]))
    ingest(other, _rows("E-9", [("2025-03-10T00:00:00+08:00", 0), ("2025-03-11T00:00:00+08:00", 5)]))
    assert pipeline.dirty_ranges_process() == 4
    changes = sorted(
        (c.site_id, c.start.astimezone(SHANGHAI).date(), c.end.astimezone(SHANGHAI).date())
        for c in RollupChange.objects.all()
    )
    # January and February touch: one span; July stands apart; the other site has its own row.
    assert changes == sorted(
        [
            (site.pk, dt.date(2025, 1, 1), dt.date(2025, 3, 1)),
            (site.pk, dt.date(2025, 7, 1), dt.date(2025, 8, 1)),
            (other.pk, dt.date(2025, 3, 1), dt.date(2025, 4, 1)),
        ]
    )


def test_the_bulk_recompute_writes_its_outbox_row(site):
    meter(site, "E-1")
    ingest(site, _rows("E-1", [("2025-05-01T10:00:00+08:00", 0), ("2025-06-03T10:00:00+08:00", 48)]))
    spans = pipeline.site_rollups_recompute(site=site)
    assert [m.code for m, _, _ in spans] == ["E-1"]
    change = RollupChange.objects.get()
    assert (change.start, change.end) == (
        dt.datetime(2025, 5, 1, tzinfo=SHANGHAI),
        dt.datetime(2025, 7, 1, tzinfo=SHANGHAI),
    )


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_metering_imports_nothing_from_accounting_or_certifications():
    """Lazy imports inside functions included: every import statement of every metering module."""
    root = Path(settings.BASE_DIR) / "metering"
    offending = sorted(
        f"{path.relative_to(root.parent)}: {module}"
        for path in root.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in {"accounting", "certifications"}
    )
    assert offending == []
