"""The PostgreSQL path (COPY + ON CONFLICT) and the portable path classify every row the same way."""

from __future__ import annotations

import pytest
from django.db import connection

from metering.models import DirtyRange, IngestBatch, Reading, ReadingCorrection
from metering.services import ingest_write
from metering.services.ingest import readings_ingest
from tests.services import need

from .conftest import interval, reading

pytestmark = pytest.mark.django_db

SEQUENCE = [
    [reading(value=100), reading(ts="2026-11-01T11:00:00+08:00", value=110), interval(value=5)],
    # duplicates, a conflict, a correction, a new row and a repeated key with the same value
    [
        reading(value=100),
        reading(ts="2026-11-01T11:00:00+08:00", value=111),
        interval(value=6, correction=True),
        reading(ts="2026-11-01T12:00:00+08:00", value=120),
        reading(ts="2026-11-01T12:00:00+08:00", value=120),
    ],
]


def _run(site):
    answers = []
    for rows in SEQUENCE:
        result = readings_ingest(site=site, raw_rows=rows, source="manual")
        answers.append(result.as_dict())
    stored = sorted(
        (r.meter.code, r.start, r.ts, r.value, r.quality) for r in Reading.objects.select_related("meter")
    )
    corrections = sorted(ReadingCorrection.objects.values_list("old_value", "new_value"))
    dirty = sorted(DirtyRange.objects.values_list("meter__code", "start", "end"))
    return answers, stored, corrections, dirty


def _clear():
    ReadingCorrection.objects.all().delete()
    DirtyRange.objects.all().delete()
    Reading.objects.all().delete()
    IngestBatch.objects.all().delete()


def test_both_write_paths_give_identical_results(site, meters, monkeypatch):
    need(
        connection.vendor == "postgresql", "comparing with the COPY path needs PostgreSQL (set DATABASE_URL)"
    )
    native = _run(site)
    _clear()
    monkeypatch.setattr(ingest_write, "_write_postgresql", ingest_write._write_generic)
    portable = _run(site)
    assert native == portable
    answers = native[0]
    assert [(a["accepted"], a["duplicate"], a["conflict"], a["corrected"]) for a in answers] == [
        (3, 0, 0, 0),
        (1, 2, 1, 1),
    ]


def test_the_portable_path_classifies_rows(site, meters):
    answers, stored, corrections, _dirty = _run(site)
    assert [(a["accepted"], a["duplicate"], a["conflict"], a["corrected"]) for a in answers] == [
        (3, 0, 0, 0),
        (1, 2, 1, 1),
    ]
    assert corrections == [(5.0, 6.0)]
    assert len(stored) == 4
    # The conflicting 111 left the stored 110 as it was; the correction replaced 5 with 6.
    values = sorted((code, value) for code, _start, _ts, value, _quality in stored)
    assert values == [("E-101", 100.0), ("E-101", 110.0), ("E-101", 120.0), ("G-01", 6.0)]
