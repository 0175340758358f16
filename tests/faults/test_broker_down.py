"""Redis stops while gateways upload: ingestion keeps answering, KPIs catch up once it is back."""

from __future__ import annotations

import pytest

from tests.faults import plant

# One stack at a time: two private stacks at once on two cores starve each other.
pytestmark = [pytest.mark.services, pytest.mark.faults, pytest.mark.xdist_group("faults")]


def test_uploads_are_stored_while_redis_is_down_and_kpis_catch_up_through_the_sweepers(
    fault_stack, clean_figures
):
    fault_stack.server_start()
    fault_stack.worker_start()
    uploads = plant.batches()
    first_id, first_rows = uploads[0]
    assert plant.post_batch(fault_stack, first_id, first_rows).status == 200
    plant.wait_drained(fault_stack)

    fault_stack.redis.stop()
    stored = len(first_rows)
    for batch_id, rows in uploads[1:-1]:
        answer = plant.post_batch(fault_stack, batch_id, rows)
        stored += len(rows)
        # The rows are committed before the task is sent: the gateway is told so, without delay.
        assert answer.status == 200, answer.body
        assert answer.body["accepted"] == len(rows)
        assert answer.seconds < 10
        assert plant.readings_stored(fault_stack) == stored
    assert plant.pending(fault_stack)[0] > 0  # their pipeline work waits in the database

    fault_stack.redis.start()  # same port, empty: the messages of the outage were never sent
    last_id, last_rows = uploads[-1]
    assert plant.post_batch(fault_stack, last_id, last_rows).status == 200  # sending works again
    plant.sweep_until_drained(fault_stack)

    assert plant.figures(fault_stack) == clean_figures
