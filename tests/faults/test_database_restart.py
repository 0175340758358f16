"""PostgreSQL restarts under an upload: the gateway gets an answer it can retry, the retry stores once."""

from __future__ import annotations

import threading
import time

import pytest

from tests.faults import plant

# One stack at a time: two private stacks at once on two cores starve each other.
pytestmark = [pytest.mark.services, pytest.mark.faults, pytest.mark.xdist_group("faults")]

UNAVAILABLE = "The database is unavailable for a moment; send the request again later."


def _assert_retryable(answer: plant.Answer) -> None:
    assert answer.status == 503, answer.body
    assert answer.body == {"detail": UNAVAILABLE, "code": "unavailable"}
    assert int(answer.headers["Retry-After"]) > 0


def _assert_stored_once(stack, batch_id: str, rows: list[dict]) -> None:
    retried = plant.post_batch(stack, batch_id, rows)
    assert retried.status == 200, retried.body
    assert (retried.body["accepted"], retried.body["replayed"]) == (len(rows), False)
    assert plant.readings_stored(stack) == len(rows)
    again = plant.post_batch(stack, batch_id, rows)  # the answer to the retry was lost too
    assert (again.status, again.body["replayed"]) == (200, True)
    assert plant.readings_stored(stack) == len(rows)


def test_an_upload_while_the_database_is_down_gets_503_and_its_retry_stores_once(fault_stack):
    # Kept connections, as in production: after the restart the first request must reconnect.
    fault_stack.server_start(DB_CONN_MAX_AGE="60")
    batch_id, rows = plant.batches()[0]
    warm = plant.post_batch(fault_stack, "flt-warm", rows[:12])
    assert warm.status == 200, warm.body

    fault_stack.pg.stop()
    try:
        _assert_retryable(plant.post_batch(fault_stack, batch_id, rows))
    finally:
        fault_stack.pg.start()
    fault_stack.sql("DELETE FROM metering_reading")  # the warm-up rows, so counts are the batch's
    _assert_stored_once(fault_stack, batch_id, rows)


def _writing(stack) -> bool:
    """The web server's session is inside a transaction that has written something."""
    return bool(
        stack.sql(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'gf-web' AND datname = %s "
            "AND backend_xid IS NOT NULL",
            (stack.database,),
        )
    )


def test_a_database_restart_in_the_middle_of_a_batch_gets_503_and_its_retry_stores_once(fault_stack):
    fault_stack.server_start(DB_CONN_MAX_AGE="60")
    rows = plant.readings()
    answers: list[plant.Answer] = []
    upload = threading.Thread(target=lambda: answers.append(plant.post_batch(fault_stack, "flt-all", rows)))
    upload.start()
    deadline = time.monotonic() + 60
    while not _writing(fault_stack):
        assert upload.is_alive(), f"the batch finished before the restart: {answers}"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    fault_stack.pg.restart()
    upload.join(timeout=60)

    _assert_retryable(answers[0])
    assert plant.readings_stored(fault_stack) == 0  # the batch rolled back whole
    _assert_stored_once(fault_stack, "flt-all", rows)
