"""Carbon-neutrality programmes (ISO 14068-1:2023, which replaced PAS 2060): the subject and its
boundary, the management plan (reduction targets with milestones, actions, offsetting strategy), the
footprint of each period, removals, retired carbon credits, and the claims with their requirements."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from greenfactory.core.validators import EARLIEST_YEAR, LATEST_YEAR

_TCO2E = {"max_digits": 18, "decimal_places": 6}
_YEAR = [MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)]

STANDARD = "ISO 14068-1:2023"


class NeutralitySubject(models.TextChoices):
    ORGANISATION = "organisation", _("The organisation")
    PRODUCT = "product", _("A product")


class FootprintSource(models.TextChoices):
    INVENTORY = "inventory", _("GHG inventory of the year (ISO 14064-1)")
    STUDY = "study", _("Issued product footprint study (ISO 14067)")
    ENTERED = "entered", _("Entered, with its source")


class Scope2Basis(models.TextChoices):
    LOCATION = "location", _("Scope 2 location-based")
    MARKET = "market", _("Scope 2 market-based")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class CreditRegistry(models.TextChoices):
    VERRA = "verra", _("Verra (VCS)")
    GOLD_STANDARD = "gold_standard", _("Gold Standard")
    CCER = "ccer", _("China CCER")
    PURO = "puro", _("Puro.earth")
    ACR = "acr", _("American Carbon Registry")
    CAR = "car", _("Climate Action Reserve")
    OTHER = "other", _("Other registry")


class CreditKind(models.TextChoices):
    REDUCTION = "reduction", _("Emission reduction")
    REMOVAL = "removal", _("Removal")


class CreditQuality(models.TextChoices):
    ADDITIONAL = "additional", _("Additional")
    PERMANENT = "permanent", _("Permanent (reversal risk addressed)")
    NO_DOUBLE_COUNTING = "no_double_counting", _("Not double counted (no corresponding claim elsewhere)")
    VERIFIED = "verified", _("Verified by an independent third party")
    LEAKAGE = "leakage", _("Leakage addressed")
    SAFEGUARDS = "safeguards", _("Social and environmental safeguards")


class ClaimKind(models.TextChoices):
    ACHIEVED = "achieved", _("Carbon neutrality achieved")
    COMMITTED = "committed", _("Committed to carbon neutrality")


class ClaimVerification(models.TextChoices):
    SELF = "self", _("Self-declaration")
    SECOND_PARTY = "second_party", _("Second-party validation")
    THIRD_PARTY = "third_party", _("Independent third-party verification")


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    MADE = "made", _("Made")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NeutralityProgramme(models.Model):
    """The programme of one subject (the organisation, or one of its products) towards carbon
    neutrality, with its base period and the date by which it is to be reached."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    organisation = models.ForeignKey(
        "sites.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    subject = models.CharField(
        _("subject"), max_length=20, choices=NeutralitySubject.choices, default=NeutralitySubject.ORGANISATION
    )
    product_name = models.CharField(
        _("product"), max_length=200, blank=True, help_text=_("Only for a product's programme.")
    )
    boundary = models.TextField(_("boundary"), help_text=_("What the subject includes and leaves out."))
    base_year = models.PositiveSmallIntegerField(_("base period (year)"), validators=_YEAR)
    target_date = models.DateField(_("target date"))
    offsetting_strategy = models.TextField(
        _("offsetting strategy"),
        blank=True,
        help_text=_("Which credits, from which registries and of which kind, for the residual emissions."),
    )
    formerly_pas_2060 = models.BooleanField(
        _("began under PAS 2060"),
        default=False,
        help_text=_("PAS 2060 is withdrawn; the programme now follows ISO 14068-1:2023."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reference"]
        verbose_name = _("carbon-neutrality programme")
        verbose_name_plural = _("carbon-neutrality programmes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject="product") & ~Q(product_name=""))
                | (Q(subject="organisation") & Q(product_name="")),
                name="neutrality_product_named_only_for_products",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def standard(self) -> str:
        return STANDARD


class ReductionTarget(models.Model):
    """A reduction of the subject's emissions against the base period, by a target year."""

    programme = models.ForeignKey(NeutralityProgramme, on_delete=models.CASCADE, related_name="targets")
    description = models.CharField(_("description"), max_length=300)
    target_year = models.PositiveSmallIntegerField(_("target year"), validators=_YEAR)
    reduction_percent = models.DecimalField(
        _("reduction against the base period (%)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "target_year", "pk"]
        verbose_name = _("reduction target")
        verbose_name_plural = _("reduction targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(reduction_percent__gt=0) & Q(reduction_percent__lte=100),
                name="reduction_target_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.target_year} -{self.reduction_percent} %"


class ReductionMilestone(models.Model):
    """An interim step of a target: the reduction reached by a year."""

    target = models.ForeignKey(ReductionTarget, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"), validators=_YEAR)
    reduction_percent = models.DecimalField(
        _("reduction against the base period (%)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["target", "year"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="reduction_milestone_unique_year"),
            models.CheckConstraint(
                condition=Q(reduction_percent__gte=0) & Q(reduction_percent__lte=100),
                name="reduction_milestone_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target_id} {self.year}"


class NeutralityAction(models.Model):
    """A reduction action of the management plan, with its owner and dates."""

    programme = models.ForeignKey(NeutralityProgramme, on_delete=models.CASCADE, related_name="actions")
    target = models.ForeignKey(
        ReductionTarget,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("target"),
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    start_date = models.DateField(_("start"))
    due_date = models.DateField(_("due"))
    expected_reduction_tco2e = models.DecimalField(
        _("expected reduction (tCO2e a year)"), null=True, blank=True, **_TCO2E
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "due_date", "pk"]
        verbose_name = _("reduction action")
        verbose_name_plural = _("reduction actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=F("start_date")), name="neutrality_action_dates"
            ),
            models.CheckConstraint(
                condition=Q(expected_reduction_tco2e__isnull=True) | Q(expected_reduction_tco2e__gte=0),
                name="neutrality_action_reduction_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NeutralityPeriod(models.Model):
    """The subject's footprint of one year, taken from the GHG inventory of that year or entered
    with its source, and the greenhouse-gas removals within its boundary."""

    programme = models.ForeignKey(NeutralityProgramme, on_delete=models.CASCADE, related_name="periods")
    year = models.PositiveSmallIntegerField(_("year"), validators=_YEAR)
    source = models.CharField(_("footprint source"), max_length=30, choices=FootprintSource.choices)
    scope2_basis = models.CharField(
        _("scope 2 basis"), max_length=10, choices=Scope2Basis.choices, blank=True
    )
    footprint_tco2e = models.DecimalField(_("footprint (tCO2e)"), **_TCO2E)
    source_note = models.CharField(_("source of the footprint"), max_length=500)
    footprint_result = models.ForeignKey(
        "accounting.FootprintResult",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="neutrality_periods",
        verbose_name=_("issued footprint study version"),
        help_text=_("For a product's footprint taken from an issued ISO 14067 study: the version used."),
    )
    removals_tco2e = models.DecimalField(_("removals within the boundary (tCO2e)"), default=0, **_TCO2E)
    removals_note = models.CharField(_("how the removals were quantified"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "year"]
        verbose_name = _("neutrality period")
        verbose_name_plural = _("neutrality periods")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="neutrality_period_unique_year"),
            models.CheckConstraint(condition=Q(footprint_tco2e__gte=0), name="neutrality_period_footprint"),
            models.CheckConstraint(condition=Q(removals_tco2e__gte=0), name="neutrality_period_removals"),
            models.CheckConstraint(
                condition=Q(source="study", footprint_result__isnull=False)
                | (~Q(source="study") & Q(footprint_result__isnull=True)),
                name="neutrality_period_study_has_its_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.year}"


class CreditSerialBlock(models.Model):
    """A registry's block of serial numbers (the serial without its running number): the row that
    retirements from the block lock, so two of them never overlap, whichever programme they serve."""

    registry = models.CharField(_("registry"), max_length=20, choices=CreditRegistry.choices)
    prefix = models.CharField(_("serial prefix"), max_length=200)

    class Meta:
        verbose_name = _("serial block")
        verbose_name_plural = _("serial blocks")
        constraints = [
            models.UniqueConstraint(fields=["registry", "prefix"], name="credit_serial_block_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.registry} {self.prefix}"


class CarbonCredit(models.Model):
    """A batch of carbon credits retired for a programme's period: serials ``prefix`` + ``serial_start``
    to ``serial_end``, one tonne of CO2e each."""

    programme = models.ForeignKey(NeutralityProgramme, on_delete=models.PROTECT, related_name="credits")
    period = models.ForeignKey(
        NeutralityPeriod, on_delete=models.PROTECT, related_name="credits", verbose_name=_("period")
    )
    block = models.ForeignKey(CreditSerialBlock, on_delete=models.PROTECT, related_name="credits")
    registry = models.CharField(_("registry"), max_length=20, choices=CreditRegistry.choices)
    project = models.CharField(_("project"), max_length=300)
    standard = models.CharField(
        _("standard or methodology"), max_length=200, help_text=_("For example VCS VM0042, or CCER-14-001.")
    )
    kind = models.CharField(_("reduction or removal"), max_length=10, choices=CreditKind.choices)
    vintage = models.PositiveSmallIntegerField(_("vintage"), validators=_YEAR)
    serial_start = models.PositiveBigIntegerField(_("first serial"))
    serial_end = models.PositiveBigIntegerField(_("last serial"))
    quantity_tco2e = models.PositiveBigIntegerField(_("quantity (tCO2e)"))
    retired_on = models.DateField(_("retirement date"))
    quality_criteria = models.JSONField(_("quality criteria met"), default=list, blank=True)
    evidence_reference = models.CharField(
        _("retirement evidence"),
        max_length=500,
        help_text=_("The registry's retirement statement: its number or address."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "retired_on", "pk"]
        verbose_name = _("retired carbon credits")
        verbose_name_plural = _("retired carbon credits")
        constraints = [
            models.CheckConstraint(
                condition=Q(serial_end__gte=F("serial_start")), name="carbon_credit_serials"
            ),
            models.CheckConstraint(
                condition=Q(quantity_tco2e=F("serial_end") - F("serial_start") + 1),
                name="carbon_credit_quantity_is_the_range",
            ),
            models.UniqueConstraint(
                fields=["block", "serial_start"], name="carbon_credit_unique_first_serial"
            ),
            models.UniqueConstraint(fields=["block", "serial_end"], name="carbon_credit_unique_last_serial"),
        ]

    def __str__(self) -> str:
        return f"{self.registry} {self.block.prefix}{self.serial_start}-{self.serial_end}"

    @property
    def serial_range(self) -> str:
        return f"{self.block.prefix}{self.serial_start} – {self.block.prefix}{self.serial_end}"


class NeutralityClaim(models.Model):
    """A claim of carbon neutrality ("achieved" or "committed") for a period of a programme."""

    programme = models.ForeignKey(NeutralityProgramme, on_delete=models.CASCADE, related_name="claims")
    period = models.ForeignKey(
        NeutralityPeriod, on_delete=models.PROTECT, related_name="claims", verbose_name=_("period")
    )
    kind = models.CharField(_("claim"), max_length=10, choices=ClaimKind.choices)
    verification = models.CharField(_("verification"), max_length=20, choices=ClaimVerification.choices)
    verifier = models.CharField(_("verifier"), max_length=200, blank=True)
    statement = models.TextField(_("statement"))
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    made_at = models.DateTimeField(_("made at"), null=True, blank=True)
    made_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "period__year", "pk"]
        verbose_name = _("carbon-neutrality claim")
        verbose_name_plural = _("carbon-neutrality claims")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(made_at__isnull=False), name="neutrality_claim_made_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.kind} {self.period_id}"


class ClaimRequirement(models.Model):
    """Something the claim rests on (a verification statement, top management's commitment, a
    retirement statement): the claim can be made only when every requirement has its evidence."""

    claim = models.ForeignKey(NeutralityClaim, on_delete=models.CASCADE, related_name="requirements")
    title = models.CharField(_("requirement"), max_length=300)
    evidence_reference = models.CharField(
        _("evidence"),
        max_length=500,
        blank=True,
        help_text=_("The evidence register's reference, a document number or an address."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "pk"]
        verbose_name = _("claim requirement")
        verbose_name_plural = _("claim requirements")

    def __str__(self) -> str:
        return self.title

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_reference.strip())
