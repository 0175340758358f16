"""The risks and opportunities register (ISO 9001 / 14001 / 45001 / 50001 6.1): one register with the
standards each entry serves, its likelihood and consequence on the matrix shipped as data
(certifications/data/registers/risk-matrix.yaml), and its actions with their effectiveness."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .registers import RegisterEntry
from .standards import Standard, _local

MATRIX_PATH = Path(__file__).resolve().parent.parent / "data" / "registers" / "risk-matrix.yaml"


@dataclass(frozen=True)
class Level:
    level: int
    en: str
    zh: str

    @property
    def label(self) -> str:
        return _local(self.en, self.zh)


@dataclass(frozen=True)
class Band:
    code: str
    min: int
    max: int
    en: str
    zh: str
    tone: str = "warn"

    @property
    def label(self) -> str:
        return _local(self.en, self.zh)

    @property
    def badge(self) -> str:
        """The badge class the band is drawn with."""
        return {"ok": "covered", "warn": "expiring", "danger": "expired"}.get(self.tone, "open")


@dataclass(frozen=True)
class RiskMatrix:
    likelihood: tuple[Level, ...]
    consequence: tuple[Level, ...]
    bands: tuple[Band, ...]

    def score(self, *, likelihood: int, consequence: int) -> int:
        """Likelihood x consequence; a level outside the scale raises ValueError."""
        if likelihood not in {x.level for x in self.likelihood}:
            raise ValueError(f"likelihood {likelihood} is not on the scale")
        if consequence not in {x.level for x in self.consequence}:
            raise ValueError(f"consequence {consequence} is not on the scale")
        return likelihood * consequence

    def band_of(self, score: int) -> Band:
        for band in self.bands:
            if band.min <= score <= band.max:
                return band
        raise ValueError(f"no band holds the score {score}")

    def band(self, code: str) -> Band | None:
        return next((b for b in self.bands if b.code == code), None)


def parse_matrix(text: str) -> RiskMatrix:
    """The matrix from its YAML; the bands must cover every score of the scale without overlap."""
    data = yaml.safe_load(text)
    if data.get("method") != "product":
        raise ValueError("only the product method (likelihood x consequence) is supported")
    likelihood = tuple(Level(**row) for row in data["likelihood"])
    consequence = tuple(Level(**row) for row in data["consequence"])
    bands = tuple(Band(**row) for row in data["bands"])
    scores = sorted({a.level * b.level for a in likelihood for b in consequence})
    for score in scores:
        holding = [b for b in bands if b.min <= score <= b.max]
        if len(holding) != 1:
            raise ValueError(f"score {score} is held by {len(holding)} bands, not one")
    return RiskMatrix(likelihood=likelihood, consequence=consequence, bands=bands)


@functools.cache
def risk_matrix() -> RiskMatrix:
    return parse_matrix(MATRIX_PATH.read_text(encoding="utf-8"))


class RiskKind(models.TextChoices):
    RISK = "risk", _("Risk")
    OPPORTUNITY = "opportunity", _("Opportunity")


class RiskSource(models.TextChoices):
    INTERNAL = "internal", _("Internal issue")
    EXTERNAL = "external", _("External issue")
    INTERESTED_PARTY = "party", _("Interested party need")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TREATING = "treating", _("Actions under way")
    MONITORED = "monitored", _("Monitored")
    CLOSED = "closed", _("Closed")


class Effectiveness(models.TextChoices):
    NOT_EVALUATED = "not_evaluated", _("Not yet evaluated")
    EFFECTIVE = "effective", _("Effective")
    PARTLY = "partly", _("Partly effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")


class RiskOpportunity(RegisterEntry):
    """A risk or an opportunity: its context, rating on the matrix, status and actions."""

    kind = models.CharField(_("kind"), max_length=12, choices=RiskKind.choices, default=RiskKind.RISK)
    standards = models.ManyToManyField(
        Standard, blank=True, related_name="risk_entries", verbose_name=_("standards")
    )
    source = models.CharField(_("source"), max_length=10, choices=RiskSource.choices)
    context = models.TextField(
        _("issue or need"), blank=True, help_text=_("The internal or external issue, or the party's need.")
    )
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"))
    consequence = models.PositiveSmallIntegerField(_("consequence"))
    # Computed from the matrix by the services whenever likelihood or consequence is saved.
    score = models.PositiveSmallIntegerField(_("score"), editable=False)
    band = models.CharField(_("rating"), max_length=20, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    review_on = models.DateField(_("next review"), null=True, blank=True)

    _history_m2m_fields = ["sites", "clauses", "evidence", "findings", "standards"]
    list_url_name = "risk-list"

    class Meta(RegisterEntry.Meta):
        verbose_name = _("risk or opportunity")
        verbose_name_plural = _("risks and opportunities")

    @property
    def band_info(self) -> Band | None:
        return risk_matrix().band(self.band)

    @property
    def band_badge(self) -> str:
        band = self.band_info
        return band.badge if band else "open"

    @property
    def band_label(self) -> str:
        band = self.band_info
        return band.label if band else self.band


class RiskAction(models.Model):
    """An action addressing a risk or taking an opportunity, and how effective it proved."""

    entry = models.ForeignKey(
        RiskOpportunity, on_delete=models.CASCADE, related_name="actions", verbose_name=_("entry")
    )
    action = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    effectiveness = models.CharField(
        _("effectiveness"), max_length=14, choices=Effectiveness.choices, default=Effectiveness.NOT_EVALUATED
    )
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("risk action")
        verbose_name_plural = _("risk actions")

    def __str__(self) -> str:
        return self.action[:80]

    @property
    def badge(self) -> str:
        """The badge class the evaluation is drawn with."""
        return {
            Effectiveness.EFFECTIVE: "covered",
            Effectiveness.PARTLY: "expiring",
            Effectiveness.NOT_EFFECTIVE: "expired",
        }.get(self.effectiveness, "draft")
