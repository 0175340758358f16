"""The GB/T 36132-2025 energy-and-carbon management functions and which of them this installation
provides, read from shipped data (``accounting/data/energy_functions.yaml``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.urls import reverse

from greenfactory.core.localized import local_text

SHIPPED_FUNCTIONS = Path(__file__).resolve().parent.parent / "data" / "energy_functions.yaml"
# The count GB/T 36132-2025 gives as the leading value.
LEADING_COUNT = 8


@dataclass(frozen=True)
class EnergyFunction:
    key: str
    name: str
    note: str
    provided: bool
    url_name: str
    url_args: tuple[str, ...]

    @property
    def url(self) -> str | None:
        return reverse(self.url_name, args=self.url_args) if self.url_name else None


@functools.cache
def _shipped() -> tuple[dict, ...]:
    return tuple(yaml.safe_load(SHIPPED_FUNCTIONS.read_text(encoding="utf-8")))


def energy_function_list() -> list[EnergyFunction]:
    """The twelve functions in the standard's order, named and explained in the active language."""
    return [
        EnergyFunction(
            key=entry["key"],
            name=local_text(entry),
            note=local_text(entry, "note"),
            provided=bool(entry["provided"]),
            url_name=entry.get("url_name") or "",
            url_args=tuple(str(a) for a in entry.get("url_args", ())),
        )
        for entry in _shipped()
    ]
