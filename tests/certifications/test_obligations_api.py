"""Obligations and permits through the API: what is stored, conflicts, a failed evaluation."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from certifications.models import Finding, Obligation, Permit


def test_an_obligation_recorded_and_changed_through_the_api(staff_client, staff_user):
    created = staff_client.post(
        "/api/v1/obligations/",
        {
            "reference": "STD-GB8978",
            "title": "Integrated wastewater discharge standard",
            "title_zh": "污水综合排放标准",
            "source_type": "national_standard",
            "effective_on": "1998-01-01",
            "review_months": 6,
            "owner": staff_user.username,
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["next_evaluation_due"], body["version"]) == ("in_force", "1998-01-01", 1)
    url = f"/api/v1/obligations/{body['id']}/"
    ok = staff_client.patch(url, {"version": 1, "article": "表4"}, content_type="application/json")
    assert ok.json()["article"] == "表4"
    stale = staff_client.patch(url, {"version": 1, "article": "x"}, content_type="application/json")
    assert (stale.status_code, stale.json()["current_version"]) == (409, 2)
    assert Obligation.objects.get().article == "表4"


def test_a_failed_evaluation_through_the_api_raises_the_finding(staff_client, staff_user):
    ob = staff_client.post(
        "/api/v1/obligations/",
        {"reference": "LAW-EPL", "title": "EPL", "source_type": "law", "owner": staff_user.username},
        content_type="application/json",
    ).json()
    today = timezone.localdate()
    refused = staff_client.post(
        f"/api/v1/obligations/{ob['id']}/evaluate/",
        {"evaluated_on": today.isoformat(), "result": "not_compliant", "notes": "Noise"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert Finding.objects.count() == 0
    answer = staff_client.post(
        f"/api/v1/obligations/{ob['id']}/evaluate/",
        {
            "evaluated_on": today.isoformat(),
            "result": "not_compliant",
            "notes": "Boundary noise 68 dB(A) by night",
            "finding_owner": staff_user.username,
            "finding_due_on": (today + dt.timedelta(days=14)).isoformat(),
        },
        content_type="application/json",
    )
    assert answer.status_code == 201
    finding = Finding.objects.get(pk=answer.json()["finding"])
    assert (finding.reference, finding.statement) == ("EVAL-LAW-EPL-1", "Boundary noise 68 dB(A) by night")
    history = staff_client.get(f"/api/v1/obligations/{ob['id']}/evaluations/").json()
    assert [e["result"] for e in history] == ["not_compliant"]


def test_a_permit_through_the_api_with_its_derived_status(staff_client, staff_user):
    today = timezone.localdate()
    answer = staff_client.post(
        "/api/v1/permits/",
        {
            "reference": "PMT-HW",
            "title": "Hazardous-waste licence",
            "kind": "hazardous_waste",
            "number": "津危废经字第 2021-036 号",
            "issuer": "天津市生态环境局",
            "expires_on": (today + dt.timedelta(days=30)).isoformat(),
            "owner": staff_user.username,
        },
        content_type="application/json",
    )
    assert answer.json()["status"] == "expiring"
    listed = staff_client.get("/api/v1/permits/", {"status": "expiring"}).json()
    assert [p["reference"] for p in listed["results"]] == ["PMT-HW"]
    bad = staff_client.post(
        "/api/v1/permits/",
        {
            "reference": "PMT-HW",
            "title": "x",
            "kind": "other",
            "number": "1",
            "issuer": "y",
            "owner": staff_user.username,
        },
        content_type="application/json",
    )
    assert bad.status_code == 409
    assert Permit.objects.count() == 1
