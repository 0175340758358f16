"""Battery-recycling material balance: per site and month, what came in (tonnes by battery chemistry,
assayed tonnes of each element), what went out (products with their element tonnes), the electrode
(black) powder and its impurity assays, and the process water. The recovery rates are computed from
these figures (``certifications.recovery``), never stored.

Element contents are stored as tonnes of the element. A figure left empty was not assayed: the rate
that needs it is "not computable", never zero.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .evidence import Evidence

ELEMENTS = ("li", "ni", "co", "mn", "cu", "al")
CHEMISTRIES = ("ncm", "lfp", "lco", "lmo", "other")

_TONNES = {"max_digits": 14, "decimal_places": 4}


def _tonnes(label: str) -> models.DecimalField:
    return models.DecimalField(label, null=True, blank=True, **_TONNES)


class MaterialBalance(models.Model):
    """One site's material balance for one month (``period_start`` is the month's first day,
    ``period_end`` its last)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="material_balances", verbose_name=_("site")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    input_ncm_t = models.DecimalField(_("NCM batteries in (t)"), default=0, **_TONNES)
    input_lfp_t = models.DecimalField(_("LFP batteries in (t)"), default=0, **_TONNES)
    input_lco_t = models.DecimalField(_("LCO batteries in (t)"), default=0, **_TONNES)
    input_lmo_t = models.DecimalField(_("LMO batteries in (t)"), default=0, **_TONNES)
    input_other_t = models.DecimalField(_("other batteries in (t)"), default=0, **_TONNES)
    input_li_t = _tonnes(_("Li in the input (t)"))
    input_ni_t = _tonnes(_("Ni in the input (t)"))
    input_co_t = _tonnes(_("Co in the input (t)"))
    input_mn_t = _tonnes(_("Mn in the input (t)"))
    input_cu_t = _tonnes(_("Cu in the input (t)"))
    input_al_t = _tonnes(_("Al in the input (t)"))
    powder_input_t = _tonnes(_("electrode powder in the input (t)"))
    powder_recovered_t = _tonnes(_("electrode powder recovered (t)"))
    powder_al_pct = models.DecimalField(
        _("Al impurity in the powder (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    powder_cu_pct = models.DecimalField(
        _("Cu impurity in the powder (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    water_used_m3 = models.DecimalField(
        _("process water used (m³)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    water_recycled_m3 = models.DecimalField(
        _("process water recycled (m³)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="material_balances", verbose_name=_("assay reports")
    )
    notes = models.TextField(_("notes"), blank=True)
    # Raised on every saved edit; an edit made from an older version is refused (EditConflict).
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        ordering = ["site__code", "-period_start"]
        verbose_name = _("material balance")
        verbose_name_plural = _("material balances")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "period_start"], name="material_balance_site_period_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="material_balance_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.period_start:%Y-%m}"

    @property
    def input_total_t(self):
        return sum(getattr(self, f"input_{c}_t") or 0 for c in CHEMISTRIES)


class MaterialOutput(models.Model):
    """One product leaving the process in the month (e.g. Li2CO3, NiSO4, copper foil), with the
    tonnes of each element it carries; an element left empty was not assayed in it."""

    balance = models.ForeignKey(
        MaterialBalance, on_delete=models.CASCADE, related_name="outputs", verbose_name=_("material balance")
    )
    product = models.CharField(_("product"), max_length=120)
    tonnes = models.DecimalField(_("tonnes"), **_TONNES)
    li_t = _tonnes(_("Li (t)"))
    ni_t = _tonnes(_("Ni (t)"))
    co_t = _tonnes(_("Co (t)"))
    mn_t = _tonnes(_("Mn (t)"))
    cu_t = _tonnes(_("Cu (t)"))
    al_t = _tonnes(_("Al (t)"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["balance", "position", "pk"]
        verbose_name = _("material-balance output")
        verbose_name_plural = _("material-balance outputs")

    def __str__(self) -> str:
        return self.product
