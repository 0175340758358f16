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


class FactorKind(models.TextChoices):
    KGCE = "kgce", _("Standard-coal coefficients")
    PROPERTY = "property", _("Fuel properties")
    COMBUSTION_CHINA = "combustion_china", _("Combustion factors, China guideline")
    COMBUSTION_IPCC = "combustion_ipcc", _("Combustion factors, IPCC 2006")
    GRID = "grid", _("Electricity grid factors")
    GWP = "gwp", _("Global warming potentials")
    BLEND = "blend", _("Refrigerant blends")


class GridRegion(models.TextChoices):
    NATIONAL = "national", _("National average")
    NORTH_CHINA = "north_china", _("North China grid")
    TIANJIN = "tianjin", _("Tianjin")
    NATIONAL_EXCL_MARKET = "national_excl_market", _("National, excluding market-traded non-fossil power")
    CARBON_MARKET = "carbon_market", _("Carbon-market reporting factor")
    PCF = "pcf", _("Product carbon-footprint electricity factor")


class CombustionMethod(models.TextChoices):
    CHINA = "china", _("China accounting guideline")
    IPCC = "ipcc", _("IPCC 2006")


class Granularity(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class Fuel(models.TextChoices):
    NATURAL_GAS = "natural_gas", _("Natural gas")
    DIESEL = "diesel", _("Diesel")
    GASOLINE = "gasoline", _("Gasoline")
    LPG = "lpg", _("LPG")


class Scope3Category(models.IntegerChoices):
    TRANSPORT = 3, _("3 · Transport")
    PRODUCTS_USED = 4, _("4 · Products used by the organisation")
    PRODUCTS_SOLD = 5, _("5 · Use of the organisation's products")
    OTHER = 6, _("6 · Other indirect emissions")


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The (translated) label of a stored code, or the code itself when the choices no longer have it."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value
