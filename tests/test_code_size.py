"""The size rule of ARCHITECTURE.md: no module in the apps over 500 lines and no function over 80,
migrations aside (they are generated)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

APPS = ("accounting", "metering", "certifications", "greenfactory")
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 500, 80


def _modules() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(
        path for app in APPS for path in (base / app).rglob("*.py") if "migrations" not in path.parts
    )


def test_the_rule_reads_the_apps():
    assert len(_modules()) > 100


def test_no_module_is_over_500_lines():
    long = {
        str(p): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, long


def test_no_function_is_over_80_lines():
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path}:{node.lineno} {node.name}"] = length
    assert not long, long
