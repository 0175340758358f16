"""Staff file imports: checked with per-row errors before anything is written, then imported with progress."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from greenfactory.sites.models import ProductionRecord
from metering.models import ImportJob, Reading

pytestmark = pytest.mark.django_db

READINGS_CSV = (
    "meter,ts,value,quality\n"
    "E-101,2026-10-01 00:00,1000,actual\n"
    "E-101,2026-10-01T01:00:00+08:00,1010.5,\n"
    "E-999,2026-10-01 02:00,1020,\n"
    "E-101,2026-10-01 03:00,NaN,\n"
    "G-01,2026-10-01 03:00,4,\n"
)


def _commit(client, job):
    """Confirm an import; the Celery task is sent after commit and runs eagerly here."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/meters/imports/{job.pk}/commit/")


def _upload(client, content: bytes, name="readings.csv", kind="readings"):
    return client.post(
        "/meters/imports/",
        {"kind": kind, "site": "TJ-01", "file": SimpleUploadedFile(name, content)},
    )


def test_a_checked_file_shows_every_row_error_and_writes_nothing(staff_client, meters):
    response = _upload(staff_client, READINGS_CSV.encode())
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.total_rows, job.valid_rows, job.rejected) == ("preview", 5, 2, 3)
    assert [(e["line"], e["meter"]) for e in job.errors] == [(4, "E-999"), (5, "E-101"), (6, "G-01")]
    assert Reading.objects.count() == 0
    page = staff_client.get(response["Location"])
    assert page.status_code == 200
    assert "unknown meter at this site." in page.content.decode()
    assert "Import 2 rows" in page.content.decode()


def test_the_preview_numbers_rows_by_their_line_in_the_file_as_the_errors_do(staff_client, meters):
    text = "meter,ts,value\nE-101,2026-10-01 00:00,1000\n\n\nE-999,2026-10-01 02:00,1020\n"
    response = _upload(staff_client, text.encode())
    job = ImportJob.objects.get()
    assert [e["line"] for e in job.errors] == [5]
    page = staff_client.get(response["Location"]).content.decode()
    error_row = re.search(r'<tr class="row-error"><td class="num">5</td>(.*?)</tr>', page)
    assert error_row is not None
    assert "<td>E-999</td>" in error_row.group(1)
    first_row = re.search(r'<tr><td class="num">2</td>(.*?)</tr>', page)
    assert first_row is not None
    assert "<td>E-101</td>" in first_row.group(1)


def test_confirming_imports_the_valid_rows_in_the_site_time_zone(staff_client, staff_user, meters):
    _upload(staff_client, READINGS_CSV.encode())
    job = ImportJob.objects.get()
    response = _commit(staff_client, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done"
    assert (job.processed_rows, job.accepted, job.rejected) == (5, 2, 3)
    first = Reading.objects.order_by("ts").first()
    assert first.ts == dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC)  # midnight in Asia/Shanghai
    assert first.source == "import"
    assert first.batch.created_by == staff_user
    page = staff_client.get(f"/meters/imports/{job.pk}/progress/").content.decode()
    assert "2 written" in page


def test_a_confirmed_import_cannot_be_confirmed_twice(staff_client, meters):
    _upload(staff_client, READINGS_CSV.encode())
    job = ImportJob.objects.get()
    _commit(staff_client, job)
    _commit(staff_client, job)
    assert Reading.objects.count() == 2


def test_cancel_drops_a_checked_import(staff_client, meters):
    _upload(staff_client, READINGS_CSV.encode())
    job = ImportJob.objects.get()
    staff_client.post(f"/meters/imports/{job.pk}/cancel/")
    job.refresh_from_db()
    assert job.status == "cancelled"
    _commit(staff_client, job)
    assert Reading.objects.count() == 0


@override_settings(IMPORT_CHUNK_ROWS=2)
def test_a_large_import_reports_progress_in_chunks_and_a_rerun_changes_nothing(staff_client, meters):
    from metering.services.imports import import_job_run

    lines = ["meter,start,end,value"] + [
        f"G-01,2026-10-01T{h:02d}:00:00+08:00,2026-10-01T{h + 1:02d}:00:00+08:00,{h}" for h in range(9)
    ]
    _upload(staff_client, "\n".join(lines).encode())
    job = ImportJob.objects.get()
    _commit(staff_client, job)
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.accepted) == ("done", 9, 9)
    assert Reading.objects.count() == 9
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    again = import_job_run(job_id=job.pk)
    assert (again.accepted, again.duplicate) == (0, 9)
    assert Reading.objects.count() == 9


def test_an_excel_file_of_monthly_bills_is_imported(staff_client, meters):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["meter", "start", "end", "value", "quality"])
    for month in range(1, 13):
        start = dt.datetime(2025, month, 1)
        end = dt.datetime(2025 + month // 12, month % 12 + 1, 1)
        sheet.append(["G-01", start, end, 1000 + month, "actual"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(staff_client, buffer.getvalue(), name="gas-bills-2025.xlsx")
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.total_rows, job.valid_rows, job.rejected) == (12, 12, 0)
    assert job.file.name.endswith(".xlsx")
    assert "gas-bills" not in job.file.name  # the uploaded name is never a path
    _commit(staff_client, job)
    assert Reading.objects.filter(meter__code="G-01").count() == 12


def test_production_records_are_imported_and_existing_ones_skipped(staff_client, site):
    content = (
        b"period_start,period_end,material,kind,tonnes,note\n"
        b"2026-01-01,2026-01-31,Spent EV battery packs,processed,4000,January\n"
        b"2026-02-01,2026-02-28,Black mass,output,1680.5,\n"
        b"2026-03-01,2026-02-28,Copper,output,100,\n"
        b"2026-03-01,2026-03-31,Copper,melted,100,\n"
        b"2026-03-01,2026-03-31,Copper,output,-5,\n"
    )
    _upload(staff_client, content, name="production.csv", kind="production")
    job = ImportJob.objects.get()
    assert (job.valid_rows, job.rejected) == (2, 3)
    _commit(staff_client, job)
    assert ProductionRecord.objects.count() == 2
    assert ProductionRecord.objects.get(material="Black mass").tonnes == Decimal("1680.500")
    _upload(staff_client, content, name="production.csv", kind="production")
    second = ImportJob.objects.order_by("-pk").first()
    _commit(staff_client, second)
    second.refresh_from_db()
    assert (second.accepted, second.duplicate) == (0, 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00garbage", "neither an Excel workbook nor UTF-8"),
        (b"", "The submitted file is empty"),
        (b"meter,ts,value\n", "no rows"),
        (b"foo,bar\n1,2\n", "needs the columns"),
        (b"PK\x03\x04broken", "could not be read"),
    ],
)
def test_an_unusable_file_is_refused_with_a_reason_and_nothing_stored(staff_client, meters, content, message):
    response = _upload(staff_client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0


@override_settings(IMPORT_MAX_BYTES=50)
def test_a_file_over_the_size_limit_is_refused(staff_client, meters):
    response = _upload(staff_client, READINGS_CSV.encode())
    assert response.status_code == 400
    assert "limit of 50 bytes" in response.content.decode()


def test_auditors_cannot_import(auditor_client, meters):
    assert _upload(auditor_client, READINGS_CSV.encode()).status_code == 403


def test_the_progress_fragment_polls_while_the_import_runs(staff_client, meters):
    _upload(staff_client, READINGS_CSV.encode())
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="running", processed_rows=2)
    body = staff_client.get(f"/meters/imports/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "2 of 5 rows" in body
    assert 'value="40"' in body


def test_a_file_with_no_valid_row_cannot_be_confirmed(staff_client, meters):
    _upload(staff_client, b"meter,ts,value\nE-999,2026-10-01 00:00,1\n")
    job = ImportJob.objects.get()
    response = _commit(staff_client, job)
    job.refresh_from_db()
    assert job.status == "preview"
    assert "No row of this file can be imported" in staff_client.get(response["Location"]).content.decode()


def test_import_tasks_go_to_the_ingest_queue():
    from greenfactory.celery import app

    for name in ("metering.import_run", "metering.imports_sweep"):
        assert app.amqp.router.route({}, name)["queue"].name == "ingest"


def test_the_sweeper_resends_imports_whose_message_was_lost(staff_client, meters):
    from django.utils import timezone

    from metering.tasks import imports_sweep

    _upload(staff_client, READINGS_CSV.encode())
    job = ImportJob.objects.get()
    # Confirmed an hour ago, but the message never reached a worker.
    ImportJob.objects.filter(pk=job.pk).update(
        status="queued", queued_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert imports_sweep() == 1
    job.refresh_from_db()
    assert (job.status, job.accepted) == ("done", 2)
    assert imports_sweep() == 0


def test_row_errors_are_shown_in_the_readers_language_whoever_checked_the_file(staff_client, meters):
    response = _upload(staff_client, READINGS_CSV.encode())  # checked on an English page
    job = ImportJob.objects.get()
    assert job.errors[0]["reason"] == {"msgid": "unknown meter at this site.", "params": {}}
    english = staff_client.get(response["Location"]).content.decode()
    assert "unknown meter at this site." in english
    with translation.override("zh-hans"):
        expected = translation.gettext("unknown meter at this site.")
    assert expected != "unknown meter at this site."
    staff_client.cookies["django_language"] = "zh-hans"
    chinese = staff_client.get(response["Location"]).content.decode()
    assert "unknown meter at this site." not in chinese
    assert expected in chinese


def test_errors_stored_as_text_before_are_shown_as_stored(staff_client, meters):
    response = _upload(staff_client, READINGS_CSV.encode())
    job = ImportJob.objects.get()
    job.errors = [{**e, "reason": "an old reason kept as text"} for e in job.errors]
    job.save(update_fields=["errors"])
    assert "an old reason kept as text" in staff_client.get(response["Location"]).content.decode()
