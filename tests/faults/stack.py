"""A private production-like stack for fault tests: PostgreSQL, Redis, gunicorn and a Celery worker.

Every service is started here, on free ports and in temporary directories, so a test may stop,
restart or kill any of them without touching the machine's shared PostgreSQL and Redis. The web
server and the worker run with the production settings, pointed at these services by the same
environment variables a deployment uses.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GATEWAY_KEY = "gfk_faults01.private-test-database-secret-0123456789"  # noqa: S105 - a private test database's key
SITE_CODE = "FLT-01"
METERS = 12


def pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def binaries_missing() -> list[str]:
    """The programs a fault test needs that this machine lacks."""
    wanted = {
        "initdb": pg_bin("initdb"),
        "pg_ctl": pg_bin("pg_ctl"),
        "redis-server": shutil.which("redis-server"),
    }
    return [name for name, path in wanted.items() if not path]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


class Postgres:
    """A throw-away cluster; as root it runs as the ``postgres`` user (initdb refuses root)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="gf-faults-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self._run(
            pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"
        )

    def _run(self, *command: str | None) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, timeout=120)  # noqa: S603

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        )
        self._run(
            pg_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start"
        )

    def stop(self) -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        """A fast restart: open connections are cut, transactions in flight roll back."""
        self.stop()
        self.start()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=database,
            autocommit=True,
            connect_timeout=5,
        )

    def query(self, database: str, sql: str, params: tuple = ()) -> list[tuple]:
        with self.connect(database) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def create_database(self, name: str, *, template: str | None = None) -> None:
        with self.connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=15, what="redis-server")

    def _answers(self) -> bool:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock,
        ):
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


def app_env(*, database_url: str, broker_url: str, name: str, media: Path, **extra: str) -> dict[str, str]:
    """The environment of a production deployment pointed at the private services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "DJANGO_", "PYTEST_", "GF_", "DB_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="greenfactory.settings.production",
        SECRET_KEY="fault-tests-only-not-secret",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL=broker_url,
        MEDIA_ROOT=str(media),
        LOG_LEVEL="WARNING",
        PGAPPNAME=name,  # libpq's application name: pg_stat_activity tells web from worker
        PYTHONPATH=str(BASE_DIR),
        **extra,
    )
    return env


class Process:
    """A server or worker subprocess whose output goes to a log file (shown when a test fails)."""

    def __init__(self, command: list[str], *, env: dict[str, str], log: Path) -> None:
        self.log = log
        self._file = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, no rollback sent to the database."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._file.close()

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


PLANT = f"""
import datetime as dt
from greenfactory.sites.services import organisation_create, site_create
from metering.choices import Medium, MeterKind
from metering.services.gateways import gateway_create
from metering.services.meters import meter_create
org = organisation_create(name="Fault plant group", code="FLT")
site = site_create(organisation=org, name="Fault plant", code="{SITE_CODE}")
since = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
for i in range({METERS}):
    meter_create(site=site, code=f"E-{{i:02d}}", name=f"Line {{i}}", medium=Medium.ELECTRICITY, unit="kWh",
                 kind=MeterKind.REGISTER, active_from=since)
gateway_create(site=site, name="faults", key="{GATEWAY_KEY}")
"""


def _template_key() -> str:
    """Changes whenever the schema or the fault plant would: every migration file and PLANT."""
    digest = hashlib.sha256(PLANT.encode())
    for path in sorted(BASE_DIR.glob("**/migrations/*.py")):
        if ".venv" not in path.parts:
            digest.update(str(path.relative_to(BASE_DIR)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def template_prepare(pg: Postgres, *, media: Path) -> str:
    """A migrated database holding the fault plant (a site, its meters, a gateway); tests copy it.

    Migrating takes most of the suite's set-up, so the result is kept as a dump under var/ (keyed by
    the migrations) and restored by the next test process or run; a lock makes the test processes
    of one run migrate once between them."""
    name = "gf_template"
    pg.create_database(name)
    cache = BASE_DIR / "var" / "faults-template"
    cache.mkdir(parents=True, exist_ok=True)
    dump = cache / f"{_template_key()}.dump"
    with (cache / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if dump.exists():
            subprocess.run(  # noqa: S603
                [pg_bin("pg_restore") or "pg_restore", "--no-owner", "-d", pg.url(name), str(dump)],
                check=True,
                capture_output=True,
                timeout=120,
            )
            return name
        env = app_env(database_url=pg.url(name), broker_url="", name="gf-setup", media=media)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "shell", "-c", PLANT)
        for stale in cache.glob("*.dump"):
            stale.unlink()
        partial = dump.with_suffix(".partial")
        subprocess.run(  # noqa: S603
            [pg_bin("pg_dump") or "pg_dump", "-Fc", "-f", str(partial), pg.url(name)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        partial.replace(dump)
    return name


class Stack:
    """One test's database on the private cluster, with a web server and workers on the private Redis."""

    def __init__(self, *, pg: Postgres, redis: Redis, template: str, database: str, workdir: Path) -> None:
        self.pg, self.redis, self.database, self.workdir = pg, redis, database, workdir
        pg.create_database(database, template=template)
        self.port = free_port()
        self.processes: list[Process] = []
        self.server: Process | None = None

    def env(self, name: str, **extra: str) -> dict[str, str]:
        return app_env(
            database_url=self.pg.url(self.database),
            broker_url=self.redis.url,
            name=name,
            media=self.workdir / "media",
            **extra,
        )

    def server_start(self, **extra: str) -> Process:
        command = [sys.executable, "-m", "gunicorn", "greenfactory.wsgi:application"]
        command += [
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "120",
            "--graceful-timeout",
            "3",
        ]
        self.server = Process(command, env=self.env("gf-web", **extra), log=self.workdir / "server.log")
        self.processes.append(self.server)
        wait_for(self._server_answers, timeout=60, what=f"gunicorn\n{self.server.tail()}", interval=0.2)
        return self.server

    def _server_answers(self) -> bool:
        assert self.server is not None
        assert self.server.alive(), self.server.tail()
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
            return True
        return False

    def worker_start(
        self, name: str = "w1", *, queues: str = "default,ingest,kpi,dossier", **extra: str
    ) -> Process:
        command = [sys.executable, "-m", "celery", "-A", "greenfactory", "worker", "--pool=solo"]
        command += [f"--queues={queues}", "--loglevel=INFO", "--without-gossip"]
        command += ["--without-mingle", f"--hostname={name}@faults"]
        worker = Process(command, env=self.env("gf-worker", **extra), log=self.workdir / f"worker-{name}.log")
        self.processes.append(worker)
        return worker

    def beat_start(self) -> Process:
        """Celery beat with its schedule file in the test's folder, as the compose file runs it."""
        command = [sys.executable, "-m", "celery", "-A", "greenfactory", "beat", "--loglevel=INFO"]
        command += ["--schedule", str(self.workdir / "celerybeat-schedule")]
        beat = Process(command, env=self.env("gf-beat"), log=self.workdir / "beat.log")
        self.processes.append(beat)
        return beat

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        return self.pg.query(self.database, query, params)

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()


@contextlib.contextmanager
def stack(*, pg: Postgres, template: str, database: str) -> Iterator[Stack]:
    workdir = Path(tempfile.mkdtemp(prefix="gf-faults-"))
    redis = Redis()
    redis.start()
    running = Stack(pg=pg, redis=redis, template=template, database=database, workdir=workdir)
    try:
        yield running
    finally:
        running.close()
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)
