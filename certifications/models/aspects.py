"""Environmental aspects and impacts (ISO 14001 6.1.2), judged significant by a site's method.

A method (criteria, their scales, how scores combine and the thresholds) is data, loaded from
``certifications/data/registers/significance-methods.yaml``; the aspect stores a score per criterion
and the total and verdict its method computed when it was last saved.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from greenfactory.core.validators import validate_plausible_date

from .registers import RegisterEntry
from .standards import _local


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum of the criteria")
    PRODUCT = "product", _("Product of the criteria")


class SignificanceMethod(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    aggregation = models.CharField(_("aggregation"), max_length=8, choices=Aggregation.choices)
    significant_from = models.PositiveIntegerField(_("significant from score"))
    legal_from = models.PositiveIntegerField(
        _("significant from a legal criterion's score"), null=True, blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("significance method")
        verbose_name_plural = _("significance methods")

    def __str__(self) -> str:
        return _local(self.name, self.name_zh)


class SignificanceCriterion(models.Model):
    method = models.ForeignKey(
        SignificanceMethod, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("method")
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    legal = models.BooleanField(_("legal criterion"), default=False)
    min_score = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=5)
    # {"1": "within the workshop", ...}: what the scores mean, in each language.
    scale = models.JSONField(_("scale"), default=dict)
    scale_zh = models.JSONField(_("Chinese scale"), default=dict)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["method", "position"]
        verbose_name = _("significance criterion")
        verbose_name_plural = _("significance criteria")
        constraints = [models.UniqueConstraint(fields=["method", "code"], name="significance_criterion_code")]

    def __str__(self) -> str:
        return _local(self.name, self.name_zh)


class AspectCondition(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ABNORMAL = "abnormal", _("Abnormal")
    EMERGENCY = "emergency", _("Emergency")


class Aspect(RegisterEntry):
    activity = models.CharField(_("activity or process"), max_length=300)
    aspect = models.CharField(_("aspect"), max_length=300)
    impact = models.CharField(_("impact"), max_length=300)
    condition = models.CharField(
        _("condition"), max_length=12, choices=AspectCondition.choices, default=AspectCondition.NORMAL
    )
    method = models.ForeignKey(
        SignificanceMethod, on_delete=models.PROTECT, related_name="aspects", verbose_name=_("method")
    )
    # {"scale": 3, "severity": 4, ...}: one score per criterion of the method.
    scores = models.JSONField(_("scores"), default=dict)
    score = models.PositiveIntegerField(_("score"), default=0)
    significant = models.BooleanField(_("significant"), default=False)
    operational_controls = models.TextField(_("operational controls"), blank=True)
    objectives = models.TextField(
        _("objectives"), blank=True, help_text=_("The objectives that address the aspect.")
    )
    review_on = models.DateField(_("review on"), null=True, blank=True, validators=[validate_plausible_date])

    list_url_name = "register-aspects"

    class Meta(RegisterEntry.Meta):
        verbose_name = _("environmental aspect")
        verbose_name_plural = _("environmental aspects")
