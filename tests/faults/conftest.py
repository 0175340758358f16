"""Fixtures of the fault suite: one private PostgreSQL cluster per test process, a fresh database, a
private Redis, a web server and workers per test, and the figures of a clean run to compare with."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.faults import plant
from tests.faults.stack import Postgres, binaries_missing, stack, template_prepare
from tests.services import need

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def fault_cluster():
    missing = binaries_missing()
    need(not missing, f"the fault suite needs {', '.join(missing)} on this machine")
    pg = Postgres()
    media = Path(tempfile.mkdtemp(prefix="gf-faults-media-"))
    try:
        pg.start()
        template = template_prepare(pg, media=media)
        yield pg, template
    finally:
        pg.destroy()
        shutil.rmtree(media, ignore_errors=True)


@pytest.fixture
def fault_stack(fault_cluster):
    pg, template = fault_cluster
    with stack(pg=pg, template=template, database=f"gf_fault_{next(_databases)}") as running:
        yield running
        for process in running.processes:
            # A failing test shows what the server and workers said.
            print(f"--- {process.log.name}\n{process.tail()}")  # noqa: T201


@pytest.fixture(scope="session")
def clean_figures(fault_cluster):
    """The figures of the fault plant's uploads with every service up: the reference for a fault run."""
    pg, template = fault_cluster
    with stack(pg=pg, template=template, database="gf_clean") as running:
        running.server_start()
        running.worker_start()
        for batch_id, rows in plant.batches():
            answer = plant.post_batch(running, batch_id, rows)
            assert answer.status == 200, answer.body
        plant.wait_drained(running)
        return plant.figures(running)
