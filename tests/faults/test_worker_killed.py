"""A Celery worker killed with SIGKILL in the middle of the pipeline: a new worker and the sweepers
leave exactly the figures of a clean run, and nothing is left half-done or claimed by the dead one."""

from __future__ import annotations

import time

import pytest

from tests.faults import plant

# One stack at a time: two private stacks at once on two cores starve each other.
pytestmark = [pytest.mark.services, pytest.mark.faults, pytest.mark.xdist_group("faults")]


def _worker_writing(stack) -> bool:
    """The worker's database session is inside a transaction that has written something."""
    return bool(
        stack.sql(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'gf-worker' AND datname = %s "
            "AND backend_xid IS NOT NULL",
            (stack.database,),
        )
    )


def test_a_worker_killed_mid_recompute_leaves_the_figures_of_a_clean_run(fault_stack, clean_figures):
    fault_stack.server_start()
    for batch_id, rows in plant.batches():  # no worker yet: the pipeline's messages wait in Redis
        assert plant.post_batch(fault_stack, batch_id, rows).status == 200
    ranges = plant.pending(fault_stack)[0]
    assert ranges > 0

    doomed = fault_stack.worker_start("doomed")
    deadline = time.monotonic() + 240
    while not _worker_writing(fault_stack):
        assert doomed.alive(), doomed.tail()
        assert time.monotonic() < deadline, f"the worker never started writing\n{doomed.tail()}"
        time.sleep(0.01)
    doomed.kill()

    # What the dead worker had not committed is rolled back whole: its ranges are pending again (or
    # were never taken), none is marked consumed or failed by it.
    assert plant.pending(fault_stack)[0] > 0
    assert fault_stack.sql("SELECT count(*) FROM metering_dirtyrange WHERE failed_at IS NOT NULL") == [(0,)]

    fault_stack.worker_start("w2")
    plant.sweep_until_drained(fault_stack)  # what beat does every few minutes

    assert plant.figures(fault_stack) == clean_figures
    assert fault_stack.sql(
        "SELECT count(*) FROM metering_dirtyrange WHERE consumed_at IS NULL OR failed_at IS NOT NULL"
    ) == [(0,)]
    assert fault_stack.sql("SELECT count(*) FROM metering_rollupchange WHERE consumed_at IS NULL") == [(0,)]


def _job(stack, job_id: int) -> tuple[str, int]:
    return stack.sql("SELECT status, processed_rows FROM metering_importjob WHERE id = %s", (job_id,))[0]


def test_an_import_whose_worker_was_killed_is_not_left_running_and_completes(fault_stack, clean_figures):
    fault_stack.server_start()
    job_id = plant.import_confirm(fault_stack)  # queued: the message waits in Redis
    # Small chunks, so the run commits its progress many times before it ends.
    doomed = fault_stack.worker_start("doomed", IMPORT_CHUNK_ROWS="300")
    deadline = time.monotonic() + 240
    while _job(fault_stack, job_id)[1] == 0:
        assert doomed.alive(), doomed.tail()
        assert time.monotonic() < deadline, f"the import never made progress\n{doomed.tail()}"
        time.sleep(0.01)
    doomed.kill()
    status, processed = _job(fault_stack, job_id)
    assert status == "running"
    assert 0 < processed < len(plant.readings())

    fault_stack.worker_start("w2")
    # Beat's import sweeper, ten minutes later: a running job whose worker is gone is sent again.
    fault_stack.sql("UPDATE metering_importjob SET queued_at = queued_at - interval '1 hour'")
    with plant.beat(fault_stack) as app:
        app.send_task("metering.imports_sweep", queue="ingest")
    deadline = time.monotonic() + 240
    while _job(fault_stack, job_id)[0] != "done":
        assert time.monotonic() < deadline, f"the import is stuck: {_job(fault_stack, job_id)}"
        time.sleep(0.3)
    assert _job(fault_stack, job_id) == ("done", len(plant.readings()))
    plant.sweep_until_drained(fault_stack)
    assert plant.figures(fault_stack) == clean_figures
