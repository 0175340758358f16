import re

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class StandardStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def _natural(text: str) -> str:
    """Letters lower-cased, every run of digits padded to ten, punctuation dropped: text that sorts
    the way people count (ISO 9001 before ISO 14001), under any database collation."""
    return "".join(p.zfill(10) if p.isdigit() else p for p in re.findall(r"\d+|[^\W\d_]+", text.casefold()))


def standard_sort_key(*, code: str, edition: str) -> str:
    """The order of standards in every list: by code, then edition, both numerically."""
    return _natural(code)[:150].ljust(150, "0") + _natural(edition)[:100]


class Standard(models.Model):
    """One edition of a standard or scheme. A newer edition is a new row beside the old one."""

    code = models.CharField(_("code"), max_length=40, help_text=_("For example: ISO 9001."))
    edition = models.CharField(_("edition"), max_length=20, help_text=_("For example: 2015."))
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=StandardStatus.choices, default=StandardStatus.CURRENT
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    note = models.TextField(_("note"), blank=True)
    note_zh = models.TextField(_("Chinese note"), blank=True)
    # standard_sort_key(code, edition), written with them by the import service.
    sort_key = models.CharField(max_length=250, editable=False, db_index=True, default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        constraints = [
            models.UniqueConstraint(fields=["code", "edition"], name="standard_code_edition_unique"),
            models.CheckConstraint(condition=~Q(replaced_by=F("id")), name="standard_not_replaced_by_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.code}:{self.edition}"

    @property
    def label(self) -> str:
        return str(self)

    @property
    def local_title(self) -> str:
        return _local(self.title, self.title_zh)

    @property
    def local_note(self) -> str:
        return _local(self.note, self.note_zh)


class Clause(models.Model):
    """A clause (or an indicator of a scheme): its number and short title, never the requirement text."""

    standard = models.ForeignKey(
        Standard, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("standard")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent clause"),
    )
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("Chinese title"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)

    class Meta:
        ordering = ["standard", "position"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [
            models.UniqueConstraint(fields=["standard", "number"], name="clause_number_unique_in_standard"),
        ]

    def __str__(self) -> str:
        return f"{self.standard.label} {self.number} {self.local_title}"

    @property
    def local_title(self) -> str:
        return _local(self.title, self.title_zh)


class MappingRelation(models.TextChoices):
    EQUAL = "equal", _("Equal")
    SUBSET = "subset", _("Subset")
    SUPERSET = "superset", _("Superset")
    INTERSECT = "intersect", _("Intersect")

    @classmethod
    def inverse(cls, relation: str) -> str:
        return {cls.SUBSET: cls.SUPERSET, cls.SUPERSET: cls.SUBSET}.get(relation, relation)


class ClauseMapping(models.Model):
    """The crosswalk: how a clause relates to a clause of another standard (stored both ways)."""

    source = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("clause")
    )
    target = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="+", verbose_name=_("related clause")
    )
    relation = models.CharField(_("relation"), max_length=12, choices=MappingRelation.choices)

    class Meta:
        verbose_name = _("clause mapping")
        verbose_name_plural = _("clause mappings")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="clause_mapping_unique"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="clause_mapping_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.relation} {self.target_id}"


def _local(english: str, chinese: str) -> str:
    if chinese and (get_language() or "").startswith("zh"):
        return chinese
    return english
