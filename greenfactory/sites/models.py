import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A plant location. Its time zone decides the hour, day and month buckets of its KPIs."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sites", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(
        _("Chinese name"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("Shown on Chinese pages when given."),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    address = models.TextField(_("address"), blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    land_area_m2 = models.DecimalField(
        _("land area (m²)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    industry = models.CharField(_("industry"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.CheckConstraint(
                condition=Q(land_area_m2__isnull=True) | Q(land_area_m2__gte=0),
                name="site_land_area_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(floor_area_m2__isnull=True) | Q(floor_area_m2__gte=0),
                name="site_floor_area_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class ProductionKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSED = "processed", _("Processed")
    OUTPUT = "output", _("Output")


class ProductionRecord(models.Model):
    """Tonnes received, processed or produced at a site over a period (both dates inclusive).

    These are the denominators of every intensity (kgce/t, tCO2e/t, m³ water/t).
    """

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="production_records", verbose_name=_("site")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    material = models.CharField(
        _("product or material"),
        max_length=120,
        help_text=_("For example: spent EV batteries, black mass, copper, aluminium."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ProductionKind.choices)
    tonnes = models.DecimalField(
        _("tonnes"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "site__code", "kind", "material"]
        verbose_name = _("production record")
        verbose_name_plural = _("production records")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="production_period_ordered"
            ),
            models.CheckConstraint(condition=Q(tonnes__gte=0), name="production_tonnes_not_negative"),
            models.UniqueConstraint(
                fields=["site", "period_start", "period_end", "material", "kind"],
                name="production_record_unique_per_period",
            ),
        ]
        indexes = [models.Index(fields=["site", "period_start"])]

    def __str__(self) -> str:
        return f"{self.site.code} {self.period_start}–{self.period_end} {self.material} {self.tonnes} t"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})


class SiteShift(models.Model):
    """A production shift of a site: the local hours [start, end) on the given weekdays.

    ``weekdays`` holds the ISO weekday numbers it runs on (1 Monday … 7 Sunday) as digits, e.g.
    ``"123456"`` for Monday to Saturday. An ``end`` of 00:00 (or any end not after ``start``) means
    the shift runs to midnight; a shift across midnight is entered as two shifts. The load profile
    counts energy used outside every shift of the site as off-shift energy.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=80, blank=True)
    weekdays = models.CharField(
        _("weekdays"),
        max_length=7,
        default="12345",
        help_text=_("ISO weekday numbers, 1 Monday to 7 Sunday, e.g. 123456 for Monday to Saturday."),
    )
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("00:00 means the shift runs to midnight."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["site", "start"]
        verbose_name = _("production shift")
        verbose_name_plural = _("production shifts")

    def __str__(self) -> str:
        return f"{self.site_id} {self.weekdays} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self) -> None:
        digits = self.weekdays or ""
        if not digits or any(c not in "1234567" for c in digits) or len(set(digits)) != len(digits):
            raise ValidationError(
                {"weekdays": _("Give each weekday once as a digit from 1 (Monday) to 7 (Sunday).")}
            )
        if self.start.minute or self.end.minute or self.start.second or self.end.second:
            raise ValidationError({"start": _("Shifts start and end on the hour.")})

    def hours(self) -> range:
        """The local hours of the day (0–23) the shift covers."""
        last = self.end.hour if self.end > self.start else 24
        return range(self.start.hour, last)
