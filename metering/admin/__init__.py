"""Django admin for meters, gateways, readings, imports and data quality."""

from metering.admin import imports, meters, quality, readings

__all__ = ["imports", "meters", "quality", "readings"]
