"""Evidence register and coverage pages with a large register: time per request and queries.

Builds a throw-away SQLite database (or uses DATABASE_URL), loads the shipped standards and N
evidence items linked to clauses, then requests each page repeatedly with Django's test client.
The reference is the health check answered by the same stack in the same run.

    .venv/bin/python bench/evidence_pages.py [N]
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
WORK = Path(tempfile.mkdtemp(prefix="gf-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenfactory.settings.test")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'bench.sqlite3'}")
os.environ["MEDIA_ROOT"] = str(WORK / "media")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from certifications.models import Clause, Evidence, EvidenceStatus, Standard  # noqa: E402
from certifications.services import standards_load_shipped  # noqa: E402
from greenfactory.accounts.roles import Role  # noqa: E402
from greenfactory.accounts.services import user_create  # noqa: E402
from greenfactory.sites.services import organisation_create, site_create  # noqa: E402

ROUNDS = 30


def build(n: int):
    call_command("migrate", verbosity=0)
    standards_load_shipped()
    organisation = organisation_create(name="Bench", code="bench")
    site = site_create(organisation=organisation, name="Bench plant", code="B-01")
    user = user_create(username="bench", password=os.urandom(12).hex(), roles=[Role.STAFF])
    clauses = list(Clause.objects.filter(standard__code="ISO 9001"))
    today = timezone.localdate()
    # Set up in bulk: the benchmark measures reading, not the services that write.
    items = Evidence.objects.bulk_create(
        Evidence(
            title=f"Record {i:05d}",
            owner=user,
            approver=user,
            status=EvidenceStatus.APPROVED if i % 5 else EvidenceStatus.EXPIRED,
            expiry_date=today + dt.timedelta(days=(i % 400) - 30),
        )
        for i in range(n)
    )
    through = Evidence.clauses.through
    through.objects.bulk_create(
        through(evidence=e, clause=clauses[(i * 7 + k) % len(clauses)])
        for i, e in enumerate(items)
        for k in range(3)
    )
    Evidence.sites.through.objects.bulk_create(
        Evidence.sites.through(evidence=e, site=site) for e in items[::2]
    )
    return user, site


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm up
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), statistics.quantiles(times, n=20)[18], len(queries)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    user, site = build(n)
    client = Client()
    client.force_login(user)
    standard = Standard.objects.get(code="ISO 9001")
    reset_queries()
    print(
        f"{n} evidence items, {Evidence.clauses.through.objects.count()} clause links, {ROUNDS} requests each"
    )
    print(f"{'page':<34}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
    for label, url in (
        ("reference: /healthz", "/healthz"),
        ("evidence register", "/evidence/"),
        (
            "evidence register, filtered",
            f"/evidence/?standard={standard.pk}&site={site.code}&status=approved",
        ),
        ("coverage ISO 9001 at B-01", f"/standards/coverage/?standard={standard.pk}&site={site.code}"),
    ):
        median, p95, queries = measure(client, url)
        print(f"{label:<34}{median:>10.1f}{p95:>10.1f}{queries:>9}")


if __name__ == "__main__":
    main()
