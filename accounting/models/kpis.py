"""Site KPIs: a site's energy and emission figures per day and month, computed from metering's
rollups. Pages read only these."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from greenfactory.core.time import Granularity

_DEC = {"max_digits": 22, "decimal_places": 6}


class SiteKpi(models.Model):
    """A site's energy and emission figures over one day or month, with the factors that made them."""

    site = models.ForeignKey("sites.Site", on_delete=models.CASCADE, related_name="+", verbose_name=_("site"))
    granularity = models.CharField(_("granularity"), max_length=5, choices=Granularity.choices)
    start = models.DateTimeField(_("bucket start"))
    consumption = models.JSONField(_("consumption per medium"), default=dict)
    electricity_kwh = models.DecimalField(_("grid electricity (kWh)"), **_DEC, default=0)
    pv_kwh = models.DecimalField(_("PV generation (kWh)"), **_DEC, default=0)
    green_kwh = models.DecimalField(_("green electricity (kWh)"), **_DEC, default=0)
    certificates_kwh = models.DecimalField(_("retired certificates (kWh)"), **_DEC, default=0)
    water_m3 = models.DecimalField(_("water (m³)"), **_DEC, default=0)
    tce = models.DecimalField(_("tce"), **_DEC, default=0)
    scope1_tco2e = models.DecimalField(_("scope 1 (tCO2e)"), **_DEC, default=0)
    scope2_location_tco2e = models.DecimalField(_("scope 2, location-based (tCO2e)"), **_DEC, default=0)
    scope2_market_tco2e = models.DecimalField(_("scope 2, market-based (tCO2e)"), **_DEC, default=0)
    category3_tco2e = models.DecimalField(_("category 3 (tCO2e)"), **_DEC, default=0)
    category4_tco2e = models.DecimalField(_("category 4 (tCO2e)"), **_DEC, default=0)
    category5_tco2e = models.DecimalField(_("category 5 (tCO2e)"), **_DEC, default=0)
    category6_tco2e = models.DecimalField(_("category 6 (tCO2e)"), **_DEC, default=0)
    processed_t = models.DecimalField(_("tonnes processed"), **_DEC, default=0)
    data_quality = models.JSONField(_("data-quality counts"), default=dict)
    factors = models.JSONField(_("factors used"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        db_table = "metering_sitekpi"
        ordering = ["site", "granularity", "start"]
        verbose_name = _("site KPI")
        verbose_name_plural = _("site KPIs")
        constraints = [
            models.UniqueConstraint(fields=["site", "granularity", "start"], name="site_kpi_unique_bucket"),
            models.CheckConstraint(
                condition=Q(granularity__in=["day", "month"]), name="site_kpi_granularity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.granularity} {self.start.isoformat()}"
