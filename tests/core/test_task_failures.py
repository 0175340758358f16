"""Failed and retried background tasks are kept for administrators: one row per task, with what
failed, how often, the request that sent it; administrators resolve them or send them again."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from celery import shared_task
from django.urls import reverse
from django.utils import timezone

from greenfactory.core import task_failures
from greenfactory.core.models import TaskFailure
from tests.conftest import second_factor_enrol, sign_in_client

pytestmark = pytest.mark.django_db

_calls: dict[str, int] = {}


@shared_task(name="tests.core.meter_sync", bind=True, max_retries=2, default_retry_delay=0)
def meter_sync(self, meter_code: str, fail_times: int = 99) -> str:
    """Stands in for any task: fails ``fail_times`` times for a meter, retrying, then succeeds."""
    _calls[meter_code] = _calls.get(meter_code, 0) + 1
    if _calls[meter_code] <= fail_times:
        raise self.retry(exc=ConnectionError(f"gateway for {meter_code} did not answer"))
    return meter_code


@shared_task(name="tests.core.broken_report")
def broken_report(year: int) -> None:
    raise ValueError(f"no factor set for {year}")


@pytest.fixture(autouse=True)
def _fresh_calls():
    _calls.clear()


@pytest.fixture(autouse=True)
def _eager_failures_returned():
    # In-process (eager) tasks raise their error into the caller by default; here the failure is
    # returned, as a worker would record it, and eager retries run again in-process.
    from greenfactory.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def test_a_task_that_fails_is_recorded_once_with_its_error_and_arguments():
    result = broken_report.apply(args=[2031], task_id="t-report-1", throw=False)
    assert result.failed()
    row = TaskFailure.objects.get()
    assert (row.task_id, row.name, row.state, row.attempts) == (
        "t-report-1",
        "tests.core.broken_report",
        "failed",
        1,
    )
    assert (row.exception_type, row.message) == ("ValueError", "no factor set for 2031")
    assert "raise ValueError" in row.traceback
    assert row.arguments == {"args": [2031], "kwargs": {}}
    assert row.resolved_at is None


def test_a_task_retried_until_it_gives_up_is_one_row_counting_every_attempt():
    meter_sync.apply(args=["E-MAIN"], task_id="t-sync-1", throw=False)
    row = TaskFailure.objects.get()
    # two retries and the final failure of the same task id
    assert (row.state, row.attempts) == ("failed", 3)
    assert row.message == "gateway for E-MAIN did not answer"
    assert _calls["E-MAIN"] == 3


def test_a_task_that_succeeds_after_a_retry_shows_as_recovered():
    assert (
        meter_sync.apply(args=["E-PV"], kwargs={"fail_times": 1}, task_id="t-sync-2", throw=False).get()
        == "E-PV"
    )
    row = TaskFailure.objects.get()
    assert (row.state, row.attempts) == ("recovered", 1)
    # recovered rows are not what the administrators' home page warns about
    assert task_failures.unresolved_summary() == []


def test_a_task_that_succeeds_first_time_records_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert meter_sync.apply(args=["E-GAS"], kwargs={"fail_times": 0}, throw=False).get() == "E-GAS"
    assert not TaskFailure.objects.exists()


def test_recording_never_changes_the_task_outcome(monkeypatch, caplog):
    def database_down(**kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(task_failures, "_record", database_down)
    with caplog.at_level(logging.ERROR, logger="greenfactory.core.task_failures"):
        result = broken_report.apply(args=[2030], throw=False)
    assert result.failed()
    assert isinstance(result.result, ValueError)
    assert not TaskFailure.objects.exists()
    assert any(r.message == "task_failure_not_recorded" for r in caplog.records)


def test_large_arguments_are_shown_but_not_kept_for_sending_again(admin_user):
    broken_report.apply(args=["x" * 9000], task_id="t-big", throw=False)
    row = TaskFailure.objects.get()
    assert row.arguments is None
    assert row.arguments_text.startswith('{"args": ["xxx')
    assert task_failures.send_again(failure=row, by=admin_user) is None
    row.refresh_from_db()
    assert row.resolved_at is None


def test_sending_again_runs_the_task_with_its_arguments_and_resolves_the_row(admin_user):
    meter_sync.apply(args=["E-WATER"], kwargs={"fail_times": 3}, task_id="t-sync-3", throw=False)
    row = TaskFailure.objects.get()
    assert row.state == "failed"
    assert _calls["E-WATER"] == 3
    new_id = task_failures.send_again(failure=row, by=admin_user)
    assert new_id
    assert new_id != "t-sync-3"
    assert _calls["E-WATER"] == 4  # ran again with the same arguments and succeeded (4th call)
    row.refresh_from_db()
    assert row.resolved_by == admin_user
    assert row.resolution == f"sent again as {new_id}"


def test_failing_again_after_resolution_reopens_the_row(admin_user):
    broken_report.apply(args=[2031], task_id="t-report-2", throw=False)
    task_failures.resolve(failure=TaskFailure.objects.get(), by=admin_user, resolution="factor set loaded")
    broken_report.apply(args=[2031], task_id="t-report-2", throw=False)
    row = TaskFailure.objects.get()
    assert (row.attempts, row.resolved_at, row.resolution) == (2, None, "")


def test_prune_forgets_old_resolved_and_recovered_rows_but_keeps_unresolved_failures(admin_user):
    old = timezone.now() - dt.timedelta(days=100)
    for task_id, state, resolved in [
        ("old-resolved", "failed", True),
        ("old-recovered", "recovered", False),
        ("old-unresolved", "failed", False),
        ("new-resolved", "failed", True),
    ]:
        TaskFailure.objects.create(
            task_id=task_id,
            name="tests.core.broken_report",
            state=state,
            attempts=1,
            first_seen=old,
            last_seen=old if task_id.startswith("old") else timezone.now(),
            resolved_at=timezone.now() if resolved else None,
        )
    assert task_failures.prune(keep_days=90) == 2
    assert set(TaskFailure.objects.values_list("task_id", flat=True)) == {"old-unresolved", "new-resolved"}


def test_the_request_id_of_the_sending_request_is_kept():
    import structlog

    with structlog.contextvars.bound_contextvars(request_id="req-42"):
        broken_report.apply(args=[2029], task_id="t-report-3", throw=False)
    assert TaskFailure.objects.get().request_id == "req-42"


def test_administrators_see_failures_on_their_home_page_and_resolve_them_in_the_admin(client, admin_user):
    broken_report.apply(args=[2031], task_id="t-report-4", throw=False)
    second_factor_enrol(admin_user)
    sign_in_client(client, admin_user)
    home = client.get(reverse("home")).content.decode()
    assert "Background tasks that failed" in home
    assert "tests.core.broken_report" in home
    changelist = reverse("admin:core_taskfailure_changelist")
    page = client.get(changelist + "?state__exact=failed&resolved_at__isempty=1")
    assert page.status_code == 200
    assert "no factor set for 2031" in page.content.decode()
    row = TaskFailure.objects.get()
    response = client.post(changelist, {"action": "mark_resolved", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.resolved_by == admin_user
    assert row.resolution == "marked resolved"
    assert "Background tasks that failed" not in client.get(reverse("home")).content.decode()
    # the admin keeps it read-only: no change through the form
    detail = reverse("admin:core_taskfailure_change", args=[row.pk])
    client.post(detail, {"message": "edited"})
    row.refresh_from_db()
    assert row.message == "no factor set for 2031"


def test_staff_see_no_task_failures(client, staff_user):
    broken_report.apply(args=[2031], throw=False)
    client.force_login(staff_user)
    assert "Background tasks that failed" not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("admin:core_taskfailure_changelist")).status_code in (302, 403)


def test_arguments_kept_are_the_json_the_task_was_sent_with():
    broken_report.apply(kwargs={"year": 2028}, task_id="t-report-5", throw=False)
    row = TaskFailure.objects.get()
    assert json.loads(row.arguments_text) == {"args": [], "kwargs": {"year": 2028}}
