"""Django admin for meters, gateways, readings, imports, data quality and the rollups outbox."""

from metering.admin import imports, meters, quality, readings, rollups

__all__ = ["imports", "meters", "quality", "readings", "rollups"]
