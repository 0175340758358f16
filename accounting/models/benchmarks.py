"""Reference levels a plant enters to benchmark its energy performance against: a figure of one
metric (kgce per tonne processed, EnPI) for a site or the whole organisation, valid from a date."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BenchmarkMetric(models.TextChoices):
    KGCE_PER_T = "kgce_per_t", _("Energy per tonne processed (kgce/t)")
    ENPI = "enpi", _("EnPI (actual / expected energy)")


class ReferenceLevel(models.Model):
    """A plant-entered reference level, for one site or for every site of an organisation.

    ``value`` is in ``unit`` (one of the metric's units, see accounting.selectors.benchmarks). Of the
    levels with the same scope, metric and label, the one valid latest on a period's last day applies.
    """

    organisation = models.ForeignKey(
        "sites.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    site = models.ForeignKey(
        "sites.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    metric = models.CharField(_("metric"), max_length=12, choices=BenchmarkMetric.choices)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=16)
    label = models.CharField(_("label"), max_length=120)
    source_note = models.TextField(_("source"), blank=True)
    valid_from = models.DateField(_("valid from"))
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["metric", "label", "-valid_from", "pk"]
        verbose_name = _("reference level")
        verbose_name_plural = _("reference levels")
        constraints = [
            models.CheckConstraint(
                condition=(Q(site__isnull=True) & Q(organisation__isnull=False))
                | (Q(site__isnull=False) & Q(organisation__isnull=True)),
                name="reference_level_site_or_organisation",
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="reference_level_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.value} {self.unit}"
