"""Green-factory evaluation (GB/T 36132): schemes loaded from data files, and yearly self-evaluations.

Weights, baseline values B, leading values L and bands are data of the scheme (its YAML file), never
code. An evaluation holds one value per indicator, automatic (from KPIs, with provenance) or entered by
hand with a reason and evidence, and one result per basic-requirement (gate) item.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .evidence import Evidence


class Scheme(models.Model):
    """One edition of a green-factory evaluation scheme (or an industry variant), as loaded from YAML."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    edition = models.CharField(_("edition"), max_length=20)
    standard_label = models.CharField(_("standard"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    source = models.TextField(_("source of the weights and values"))
    source_zh = models.TextField(_("source (Chinese)"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-edition", "code"]
        verbose_name = _("green-factory scheme")
        verbose_name_plural = _("green-factory schemes")

    def __str__(self) -> str:
        return self.code


class SchemeGroup(models.Model):
    """A first-level indicator group, or a second/third level below one (``parent``)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="groups")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("code"), max_length=30)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["scheme", "position"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="scheme_group_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class IndicatorType(models.TextChoices):
    HIGHER_BETTER = "higher_better", _("Quantitative, higher is better")
    LOWER_BETTER = "lower_better", _("Quantitative, lower is better")
    COUNT = "count", _("Count")
    QUALITATIVE = "qualitative", _("Qualitative case")


class Indicator(models.Model):
    """A scored indicator. ``bands`` (rows of from/to/baseline/leading) and ``cases`` (code, share,
    names) are the scheme file's own data, kept as JSON."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    group = models.ForeignKey(SchemeGroup, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=30)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=IndicatorType.choices)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3)
    baseline = models.DecimalField(
        _("baseline value B"), max_digits=16, decimal_places=6, null=True, blank=True
    )
    leading = models.DecimalField(
        _("leading value L"), max_digits=16, decimal_places=6, null=True, blank=True
    )
    bands = models.JSONField(_("bands"), default=dict, blank=True)
    cases = models.JSONField(_("qualitative cases"), default=list, blank=True)
    source = models.CharField(_("automatic source"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["scheme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="scheme_indicator_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class GateKind(models.TextChoices):
    CERTIFICATE = "certificate", _("Certified management system")
    PERMIT = "permit", _("Permit")
    INCIDENTS = "incidents", _("No major incident")
    MANUAL = "manual", _("Checked by hand")


class GateItem(models.Model):
    """A basic requirement (pass/fail); a ``certificate`` item names the standard code it requires."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="gate_items")
    code = models.CharField(_("code"), max_length=30)
    kind = models.CharField(_("kind"), max_length=16, choices=GateKind.choices)
    standard_code = models.CharField(_("required standard"), max_length=60, blank=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["scheme", "position"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="scheme_gate_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class Evaluation(models.Model):
    """A site's self-evaluation for one year under one scheme."""

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="green_factory_evaluations")
    year = models.PositiveIntegerField(_("year"))
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="evaluations")
    annual_energy_tce = models.DecimalField(
        _("annual energy use (tce)"),
        max_digits=16,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Chooses the band of banded indicators; filled from the KPIs when measured."),
    )
    refreshed_at = models.DateTimeField(_("filled from KPIs at"), null=True, blank=True)
    kpis_computed_at = models.DateTimeField(
        _("KPIs computed at"),
        null=True,
        blank=True,
        help_text=_("When the KPIs the last fill read were computed: newer KPIs mean a refill is due."),
    )
    fill_notes = models.JSONField(
        _("why values are missing"),
        default=dict,
        blank=True,
        help_text=_("Per indicator code with an automatic source and no measured value, the reason."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "-year"]
        constraints = [models.UniqueConstraint(fields=["site", "year"], name="evaluation_site_year_unique")]

    def __str__(self) -> str:
        return f"{self.site} {self.year}"


class ValueOrigin(models.TextChoices):
    AUTOMATIC = "automatic", _("From measured data")
    MANUAL = "manual", _("Entered by hand")


class IndicatorValue(models.Model):
    """One indicator's value in an evaluation; a qualitative indicator holds its case code."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=6, null=True, blank=True)
    case = models.CharField(_("case"), max_length=20, blank=True)
    origin = models.CharField(
        _("origin"), max_length=16, choices=ValueOrigin.choices, default=ValueOrigin.MANUAL
    )
    provenance = models.JSONField(_("provenance"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="indicator_values")
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="indicator_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.indicator.code}"


class GateOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    UNDECIDED = "undecided", _("Not decided")


class GateResult(models.Model):
    """The hand-recorded result of a gate item (``manual`` items, and kinds no register decides yet)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="gate_results")
    item = models.ForeignKey(GateItem, on_delete=models.PROTECT, related_name="results")
    outcome = models.CharField(_("outcome"), max_length=16, choices=GateOutcome.choices)
    note = models.TextField(_("note"), blank=True)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="gate_results")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="gate_result_unique")]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.item.code}: {self.outcome}"
