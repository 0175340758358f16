"""What every management-system register entry shares: reference, titles in both languages, sites,
owner, and its links to clauses, evidence and findings.

Each register (obligations, permits, aspects, hazards, risks, objectives, incidents) is a concrete
model inheriting ``RegisterEntry``; ``register_models()`` finds them all, so coverage and the
registers overview pick up a new register without a list to edit. A register entry linked to a
clause counts as evidence for it in coverage.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .evidence import Evidence
from .findings import Finding
from .standards import Clause, _local


class RegisterEntry(models.Model):
    """Abstract base of a register entry. An entry without sites applies to every site."""

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_zh = models.CharField(
        _("Chinese title"), max_length=300, blank=True, help_text=_("Shown on Chinese pages when given.")
    )
    sites = models.ManyToManyField(
        "sites.Site",
        blank=True,
        related_name="+",
        verbose_name=_("sites"),
        help_text=_("Leave empty when the entry applies to every site."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    clauses = models.ManyToManyField(
        Clause, blank=True, related_name="%(class)s_entries", verbose_name=_("clauses")
    )
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="%(class)s_entries", verbose_name=_("evidence records")
    )
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="%(class)s_entries", verbose_name=_("findings")
    )
    notes = models.TextField(_("notes"), blank=True)
    # Raised on every saved edit; an edit made from an older version is refused (EditConflict).
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Links are part of the audit trail too; every concrete register gets its own history table.
    _history_m2m_fields = ["sites", "clauses", "evidence", "findings"]
    history = HistoricalRecords(inherit=True)

    # The page listing this register (url name), set by each concrete register.
    list_url_name: str = ""

    class Meta:
        abstract = True
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.local_title}"

    @property
    def local_title(self) -> str:
        """The Chinese title on Chinese pages when there is one."""
        return _local(self.title, self.title_zh)


def register_models() -> list[type[RegisterEntry]]:
    """Every concrete register, in the order their apps and modules define them."""
    return [m for m in apps.get_models() if issubclass(m, RegisterEntry)]
