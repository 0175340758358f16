"""Reading rows through the API are counted for the metrics endpoint by outcome."""

from __future__ import annotations

import pytest

from tests.core.test_metrics import scrape, value

from .conftest import reading

pytestmark = pytest.mark.django_db
NAME = "greenfactory_ingest_rows_total"


def test_ingested_rows_are_counted_by_outcome(gw):
    before = scrape()
    rows = [
        reading(ts="2026-11-01T10:00:00+08:00", value=0),
        reading(ts="2026-11-01T10:15:00+08:00", value=5),
        reading(meter="E-102", ts="2026-11-01T10:15:00+08:00", value=5),  # outside the gateway's scope
    ]
    answer = gw.post({"batch_id": "metrics-1", "readings": rows})
    assert (answer.json()["accepted"], answer.json()["rejected"]) == (2, 1)
    again = gw.post({"batch_id": "metrics-2", "readings": rows[:2]}).json()  # the same readings again
    assert again["duplicate"] == 2
    assert gw.post({"batch_id": "metrics-2", "readings": rows[:2]}).json()["replayed"]  # the same batch
    after = scrape()
    for outcome, added in (("accepted", 2), ("rejected", 1), ("duplicate", 2), ("replayed", 2)):
        label = f'outcome="{outcome}"'
        assert value(after, NAME, label) - value(before, NAME, label) == added
