"""deploy/backup.sh then deploy/restore.sh into a fresh database and file folder: the same evidence
files (their SHA-256 as recorded at upload) and the same KPI answers; a damaged backup restores
nothing."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.faults import plant
from tests.faults.stack import BASE_DIR, SITE_CODE, app_env, manage, pg_bin

pytestmark = [pytest.mark.services, pytest.mark.faults, pytest.mark.xdist_group("faults")]

LOAD = f"""
import datetime as dt, io
from greenfactory.accounts.roles import Role
from greenfactory.accounts.services import user_create
from greenfactory.sites.models import Site
from certifications.services.evidence import evidence_create, evidence_revision_add
from metering.choices import Source
from metering.services.ingest import readings_ingest
site = Site.objects.get(code="{SITE_CODE}")
owner = user_create(username="keeper", password="backup-restore-test", roles=[Role.STAFF])
policy = evidence_create(title="Energy policy", title_zh="能源方针", owner=owner, by=owner, sites=[site])
evidence_revision_add(evidence=policy, file=io.BytesIO(b"%PDF-1.4 energy policy " * 500), name="policy.pdf", by=owner)
meters = evidence_create(title="Meter list", owner=owner, by=owner, sites=[site])
evidence_revision_add(evidence=meters, file=io.BytesIO("meter,名称\\nE-00,Line 0\\n".encode()), name="m.csv", by=owner)
start = dt.datetime(2025, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
rows = [{{"meter": f"E-{{m:02d}}", "ts": (start + dt.timedelta(hours=h)).isoformat(), "value": h * (m + 1) * 7}}
        for h in range(49) for m in range(3)]
result = readings_ingest(site=site, raw_rows=rows, source=Source.MANUAL)
assert result.accepted == len(rows), result
"""


def _tool_env(**extra: str) -> dict[str, str]:
    """The shell scripts' environment: this machine's PATH with the PostgreSQL client programs of the
    private cluster's version first."""
    bindir = str(Path(pg_bin("pg_dump") or "pg_dump").parent)
    return {"PATH": f"{bindir}:{os.environ['PATH']}", "LC_ALL": "C.UTF-8", **extra}


def _run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        ["bash", str(BASE_DIR / "deploy" / script), *args],  # noqa: S607
        env=_tool_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _evidence_files(pg, database: str, media: Path) -> list[tuple[str, str, str]]:
    """(original name, recorded SHA-256, SHA-256 of the stored file) of every evidence revision."""
    rows = pg.query(
        database, "SELECT original_name, sha256, file FROM certifications_evidencerevision ORDER BY id"
    )
    return [
        (name, recorded, hashlib.sha256((media / "private" / stored).read_bytes()).hexdigest())
        for name, recorded, stored in rows
    ]


def _kpis(pg, database: str) -> dict[str, list[tuple]]:
    return plant.figures(SimpleNamespace(sql=lambda query, params=(): pg.query(database, query, params)))


@pytest.fixture
def loaded(fault_cluster, tmp_path):
    """A plant with two evidence files, three meters' readings and their KPIs, on the private cluster."""
    pg, template = fault_cluster
    database = "gf_backup_source"
    _drop(pg, database, "gf_restored", "gf_restored_bad")
    pg.create_database(database, template=template)
    media = tmp_path / "media"
    env = app_env(database_url=pg.url(database), broker_url="", name="gf-backup", media=media)
    manage(env, "shell", "-c", LOAD)
    yield SimpleNamespace(pg=pg, database=database, media=media)
    _drop(pg, database, "gf_restored", "gf_restored_bad")


def _drop(pg, *databases: str) -> None:
    with pg.connect() as conn:
        for name in databases:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _backup(loaded, folder: Path) -> Path:
    done = _run(
        "backup.sh", str(folder), DATABASE_URL=loaded.pg.url(loaded.database), MEDIA_ROOT=str(loaded.media)
    )
    assert done.returncode == 0, done.stderr
    (backup,) = folder.glob("greenfactory-*")
    assert sorted(p.name for p in backup.iterdir()) == [
        "SHA256SUMS",
        "database.dump",
        "files.sha256",
        "files.tar.gz",
    ]
    return backup


def test_a_backup_restores_into_a_fresh_database_and_folder_with_the_same_files_and_kpis(loaded, tmp_path):
    source_files = _evidence_files(loaded.pg, loaded.database, loaded.media)
    source_kpis = _kpis(loaded.pg, loaded.database)
    assert [name for name, _, _ in source_files] == ["policy.pdf", "m.csv"]
    assert all(recorded == actual for _, recorded, actual in source_files)
    assert source_kpis["kpis"], "the readings produced no KPIs to compare"
    assert source_kpis["readings"] == [(147,)]

    backup = _backup(loaded, tmp_path / "backups")
    assert len((backup / "files.sha256").read_text().splitlines()) == 2

    loaded.pg.create_database("gf_restored")
    restored_media = tmp_path / "restored" / "media"
    (restored_media / "private").mkdir(parents=True)  # as a fresh container volume has it
    done = _run(
        "restore.sh", str(backup), DATABASE_URL=loaded.pg.url("gf_restored"), MEDIA_ROOT=str(restored_media)
    )
    assert done.returncode == 0, done.stderr
    assert "checksums verified" in done.stdout

    assert _evidence_files(loaded.pg, "gf_restored", restored_media) == source_files
    assert _kpis(loaded.pg, "gf_restored") == source_kpis

    # Restoring again over what is now there is refused and changes nothing.
    again = _run(
        "restore.sh", str(backup), DATABASE_URL=loaded.pg.url("gf_restored"), MEDIA_ROOT=str(tmp_path / "x")
    )
    assert again.returncode == 1
    assert "restore into a fresh database" in again.stderr
    assert not (tmp_path / "x").exists()


def test_a_damaged_file_in_a_backup_restores_nothing(loaded, tmp_path):
    backup = _backup(loaded, tmp_path / "backups")
    # A file archived with a bit flipped, and the backup's own list rewritten to match the archive:
    # only the per-file checksums can tell.
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(["tar", "-C", str(unpacked), "-xzf", str(backup / "files.tar.gz")], check=True)  # noqa: S603, S607
    (victim,) = list(unpacked.rglob("*.pdf"))
    data = bytearray(victim.read_bytes())
    data[100] ^= 1
    victim.write_bytes(bytes(data))
    subprocess.run(["tar", "-C", str(unpacked), "-czf", str(backup / "files.tar.gz"), "."], check=True)  # noqa: S603, S607
    sums = subprocess.run(  # noqa: S603
        ["sha256sum", "database.dump", "files.tar.gz", "files.sha256"],  # noqa: S607
        cwd=backup,
        capture_output=True,
        check=True,
    )
    (backup / "SHA256SUMS").write_bytes(sums.stdout)

    loaded.pg.create_database("gf_restored_bad")
    media = tmp_path / "restored"
    done = _run(
        "restore.sh", str(backup), DATABASE_URL=loaded.pg.url("gf_restored_bad"), MEDIA_ROOT=str(media)
    )
    assert done.returncode == 1
    assert "restored files do not match their checksums" in done.stderr
    assert loaded.pg.query(
        "gf_restored_bad", "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    ) == [(0,)]
    assert not media.exists()
    assert not list(tmp_path.glob(".restored.restoring"))

    # A truncated dump is caught by the backup's own list before anything is read.
    with (backup / "database.dump").open("r+b") as dump:
        dump.truncate(1000)
    done = _run(
        "restore.sh", str(backup), DATABASE_URL=loaded.pg.url("gf_restored_bad"), MEDIA_ROOT=str(media)
    )
    assert done.returncode == 1
    assert "the backup's own checksums do not match" in done.stderr


def test_backup_refuses_to_run_without_its_settings(tmp_path):
    done = _run("backup.sh", str(tmp_path), MEDIA_ROOT=str(tmp_path))
    assert done.returncode != 0
    assert "DATABASE_URL" in done.stderr
    assert not list(tmp_path.iterdir())
    assert shutil.which("sha256sum")
