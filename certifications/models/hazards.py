"""OH&S hazards and their risk assessment (ISO 45001 6.1.2).

A risk method (a likelihood x severity matrix, or LEC: D = L x E x C) is data, loaded from
``certifications/data/registers/risk-methods.yaml``: its factors with their allowed values, and its
bands. The risk score is the product of the factors; the hazard stores the factors, score and band
before and after its controls.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from greenfactory.core.validators import validate_plausible_date

from .registers import RegisterEntry
from .standards import _local


class RiskMethod(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    # [{"code": "L", "name": ..., "name_zh": ..., "values": {"10": "expected", ...}, "values_zh": ...}]
    factors = models.JSONField(_("factors"), default=list)

    class Meta:
        ordering = ["code"]
        verbose_name = _("risk method")
        verbose_name_plural = _("risk methods")

    def __str__(self) -> str:
        return _local(self.name, self.name_zh)

    @property
    def factor_codes(self) -> list[str]:
        return [f["code"] for f in self.factors]


class RiskBand(models.Model):
    """A band of risk scores: from ``bound`` on (inclusive) or above it (exclusive)."""

    method = models.ForeignKey(
        RiskMethod, on_delete=models.CASCADE, related_name="bands", verbose_name=_("method")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    bound = models.DecimalField(_("lower bound"), max_digits=10, decimal_places=3)
    inclusive = models.BooleanField(_("bound included"), default=True)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("Higher is more dangerous."))

    class Meta:
        ordering = ["method", "-rank"]
        verbose_name = _("risk band")
        verbose_name_plural = _("risk bands")
        constraints = [models.UniqueConstraint(fields=["method", "code"], name="risk_band_code")]

    def __str__(self) -> str:
        return _local(self.name, self.name_zh)


def _score_label(score: Decimal | None) -> str:
    """720.000 as "720" and 0.500 as "0.5"; empty when there is no score."""
    return "" if score is None else format(Decimal(score).normalize(), "f")


class Hazard(RegisterEntry):
    hazard = models.CharField(_("hazard"), max_length=300)
    activity = models.CharField(_("activity"), max_length=300)
    exposed = models.CharField(_("who is exposed"), max_length=300, blank=True)
    method = models.ForeignKey(
        RiskMethod, on_delete=models.PROTECT, related_name="hazards", verbose_name=_("risk method")
    )
    initial_factors = models.JSONField(_("initial factors"), default=dict)
    initial_score = models.DecimalField(_("initial score"), max_digits=10, decimal_places=3, default=0)
    initial_band = models.ForeignKey(
        RiskBand,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("initial band"),
    )
    residual_factors = models.JSONField(_("residual factors"), default=dict, blank=True)
    residual_score = models.DecimalField(
        _("residual score"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    residual_band = models.ForeignKey(
        RiskBand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("residual band"),
    )
    review_on = models.DateField(_("review on"), null=True, blank=True, validators=[validate_plausible_date])

    list_url_name = "register-hazards"

    @property
    def initial_score_label(self) -> str:
        return _score_label(self.initial_score)

    @property
    def residual_score_label(self) -> str:
        return _score_label(self.residual_score)

    class Meta(RegisterEntry.Meta):
        verbose_name = _("OH&S hazard")
        verbose_name_plural = _("OH&S hazards")


class ControlLevel(models.TextChoices):
    """The hierarchy of controls (ISO 45001 8.1.2), most effective first."""

    ELIMINATION = "elimination", _("Elimination")
    SUBSTITUTION = "substitution", _("Substitution")
    ENGINEERING = "engineering", _("Engineering controls")
    ADMINISTRATIVE = "administrative", _("Administrative controls")
    PPE = "ppe", _("Personal protective equipment")


CONTROL_ORDER = {level: i for i, level in enumerate(ControlLevel.values)}


class HazardControl(models.Model):
    hazard = models.ForeignKey(
        Hazard, on_delete=models.CASCADE, related_name="controls", verbose_name=_("hazard")
    )
    level = models.CharField(_("level"), max_length=16, choices=ControlLevel.choices)
    description = models.CharField(_("description"), max_length=500)
    in_place = models.BooleanField(_("in place"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["hazard", "position", "pk"]
        verbose_name = _("hazard control")
        verbose_name_plural = _("hazard controls")

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.description}"
