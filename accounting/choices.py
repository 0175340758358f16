from django.db import models
from django.utils.translation import gettext_lazy as _


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
