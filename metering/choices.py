"""Choices shared by metering models, services and pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Medium(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    NATURAL_GAS = "natural_gas", _("Natural gas")
    WATER = "water", _("Water")
    STEAM = "steam", _("Steam")
    HEAT = "heat", _("Heat")
    DIESEL = "diesel", _("Diesel")
    GASOLINE = "gasoline", _("Gasoline")
    LPG = "lpg", _("LPG")
    COMPRESSED_AIR = "compressed_air", _("Compressed air")
    PV_GENERATION = "pv_generation", _("On-site PV generation")
    GREEN_ELECTRICITY = "green_electricity", _("Purchased green electricity")


class MeterKind(models.TextChoices):
    REGISTER = "register", _("Cumulative register")
    INTERVAL = "interval", _("Interval quantity")


class Quality(models.TextChoices):
    ACTUAL = "actual", _("Actual")
    ESTIMATED = "estimated", _("Estimated")
    SUBSTITUTED = "substituted", _("Substituted")


class Source(models.TextChoices):
    GATEWAY = "gateway", _("Gateway")
    IMPORT = "import", _("File import")
    MANUAL = "manual", _("Manual entry")


class MeterEventKind(models.TextChoices):
    RESET = "reset", _("Register reset")
    EXCHANGE = "exchange", _("Meter exchange")


class ImportKind(models.TextChoices):
    READINGS = "readings", _("Meter readings")
    PRODUCTION = "production", _("Production records")


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Checked, waiting for confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
