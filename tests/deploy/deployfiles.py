"""Readers of the deployment files (compose, systemd units, nginx, .env.example) for the deploy tests."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEPLOY = BASE_DIR / "deploy"
APP_SERVICES = ("migrate", "web", "worker-default", "worker-kpi", "worker-dossier", "beat")
WORKERS = ("worker-default", "worker-kpi", "worker-dossier")


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def interpolated(text: str, values: dict[str, str]) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?message} with the given values."""

    def one(match: re.Match) -> str:
        name, op, rest = match.group(1), match.group(2) or "", match.group(3) or ""
        value = values.get(name, "")
        if op == ":-" and not value:
            return rest
        if op == ":?" and not value:
            raise AssertionError(f"compose needs {name}: {rest}")
        return value

    return re.sub(r"\$\{([A-Z0-9_]+)(?:(:[-?])([^}]*))?\}", one, text)


def compose_variables() -> set[str]:
    """Every variable the compose file reads: interpolations and the app containers' environment."""
    names = set(re.findall(r"\$\{([A-Z0-9_]+)", (DEPLOY / "compose.yaml").read_text()))
    for name in APP_SERVICES:
        names |= set(service(name).get("environment", {}))
    return names


def env_example() -> dict[str, str]:
    """NAME -> its description, for every NAME= or #NAME= line of .env.example: the comment lines
    above it, or for a run of settings under one comment, that comment."""
    documented: dict[str, str] = {}
    comment: list[str] = []
    last = ""
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        text = line.strip()
        setting = re.fullmatch(r"#?([A-Z][A-Z0-9_]*)=.*", text)
        if setting:
            last = documented[setting.group(1)] = " ".join(comment) or last
            comment = []
        elif text.startswith("#"):
            comment.append(text.lstrip("# "))
        else:
            comment, last = [], ""
    return documented


def env_example_values() -> dict[str, str]:
    """What a copy of .env.example sets (commented-out lines stay unset), as an env_file would."""
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def command(name: str) -> list[str]:
    cmd = service(name)["command"]
    return shlex.split(cmd) if isinstance(cmd, str) else list(cmd)


def option(argv: list[str], *names: str) -> str | None:
    """The value of --name=value, --name value or -n value in a command line."""
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's (or drop-in's) Key -> values, section names dropped."""
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def nginx_locations(path: Path) -> dict[str, list[str]]:
    """location prefix -> its directives, from an nginx server file."""
    found = {}
    for prefix, body in re.findall(r"location\s+(\S+)\s*\{([^}]*)\}", path.read_text()):
        found[prefix] = [d.strip() for d in body.split(";") if d.strip() and not d.strip().startswith("#")]
    return found
