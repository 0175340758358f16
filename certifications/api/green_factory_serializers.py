"""What the green-factory API answers: schemes as trees, evaluations with their scores and gate.

The scores and the gate are the selectors' own results (``selectors/green_factory.py``,
``selectors/green_factory_gate.py``) written out; nothing here computes a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Evaluation,
    GateItem,
    GateKind,
    GateOutcome,
    Indicator,
    IndicatorType,
    Scheme,
    SchemeGroup,
    ValueOrigin,
)
from ..selectors.green_factory import EvaluationScore
from ..selectors.green_factory_gate import GateCheck, gate_passed

# Points are shown to the thousandth (the DOMAIN.md vector: 2.595); sums are taken before rounding.
POINTS = {"max_digits": 20, "decimal_places": 3, "read_only": True}
VALUE = {"max_digits": 18, "decimal_places": 6, "read_only": True, "allow_null": True}
LIMIT = {"max_digits": 16, "decimal_places": 6, "read_only": True, "allow_null": True}
WEIGHT = {"max_digits": 8, "decimal_places": 3, "read_only": True}
# Read from a hand-entered or automatic value, which an indicator may not have yet.
ENTRY = {"default": None, "allow_null": True}

WHAT_IF_SCHEMA = {
    "type": "object",
    "description": "Indicator id -> a value (a number, or a numeric string) or a case code.",
    "additionalProperties": {"oneOf": [{"type": "number"}, {"type": "string", "maxLength": 40}]},
    "example": {"12": "30", "15": "A"},
}


# A band row's keys are the scheme file's (``from`` is a Python keyword, hence ``type``).
BandRowSerializer = type(
    "BandRowSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "A band: B and L for from <= the evaluation's annual energy use (tce) < to.",
        "from": serializers.CharField(allow_null=True, read_only=True),
        "to": serializers.CharField(allow_null=True, read_only=True),
        "baseline": serializers.CharField(read_only=True),
        "leading": serializers.CharField(read_only=True),
    },
)


class BandsSerializer(serializers.Serializer):
    by = serializers.CharField(read_only=True, help_text="What chooses the band: annual_energy_tce.")
    rows = BandRowSerializer(many=True, read_only=True)


class CaseSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    share = serializers.CharField(read_only=True, help_text="Points = weight x share (0 to 1).")
    name_zh = serializers.CharField(read_only=True)
    name_en = serializers.CharField(read_only=True, default="")


class IndicatorDefinitionSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=IndicatorType.choices, read_only=True)
    bands = serializers.SerializerMethodField()
    cases = CaseSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id", "code", "name_zh", "name_en", "type", "unit", "weight", "baseline", "leading", "bands",
            "cases", "source",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(BandsSerializer(allow_null=True))
    def get_bands(self, obj: Indicator) -> dict[str, Any] | None:
        """null unless B and L depend on the evaluation's annual energy use."""
        return BandsSerializer(obj.bands).data if obj.bands else None


@dataclass
class GroupNode:
    group: SchemeGroup
    indicators: list[Indicator] = field(default_factory=list)
    children: list[GroupNode] = field(default_factory=list)


class GroupTreeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="group.pk", read_only=True)
    code = serializers.CharField(source="group.code", read_only=True)
    name_zh = serializers.CharField(source="group.name_zh", read_only=True)
    name_en = serializers.CharField(source="group.name_en", read_only=True)
    indicators = IndicatorDefinitionSerializer(many=True, read_only=True)


# Groups nest to any depth: a group's ``groups`` are groups again.
GroupTreeSerializer._declared_fields["groups"] = GroupTreeSerializer(
    many=True, read_only=True, source="children"
)


class GateItemSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=GateKind.choices, read_only=True)
    standard = serializers.CharField(
        source="standard_code", read_only=True, help_text="The standard a certificate item requires."
    )

    class Meta:
        model = GateItem
        fields = ["id", "code", "kind", "standard", "name_zh", "name_en"]
        read_only_fields = fields


class GreenFactorySchemeSerializer(serializers.ModelSerializer):
    standard = serializers.CharField(source="standard_label", read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "code", "edition", "standard", "title", "title_zh", "source", "source_zh"]
        read_only_fields = fields


class GreenFactorySchemeDetailSerializer(GreenFactorySchemeSerializer):
    groups = serializers.SerializerMethodField()
    gate = GateItemSerializer(many=True, read_only=True, source="gate_items")

    class Meta(GreenFactorySchemeSerializer.Meta):
        fields = [*GreenFactorySchemeSerializer.Meta.fields, "groups", "gate"]
        read_only_fields = fields

    @extend_schema_field(GroupTreeSerializer(many=True))
    def get_groups(self, obj: Scheme) -> list[dict[str, Any]]:
        """First-level groups, each with its indicators and the groups below it, in the scheme's order."""
        nodes = {g.pk: GroupNode(g) for g in obj.groups.all()}
        top = []
        for node in nodes.values():
            parent = nodes.get(node.group.parent_id) if node.group.parent_id else None
            (parent.children if parent else top).append(node)
        for indicator in obj.indicators.all():
            nodes[indicator.group_id].indicators.append(indicator)
        return GroupTreeSerializer(top, many=True).data


# --- evaluations -----------------------------------------------------------------------------------


class IndicatorScoreSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator.pk", read_only=True)
    code = serializers.CharField(source="indicator.code", read_only=True)
    name_zh = serializers.CharField(source="indicator.name_zh", read_only=True)
    name_en = serializers.CharField(source="indicator.name_en", read_only=True)
    type = serializers.ChoiceField(source="indicator.type", choices=IndicatorType.choices, read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    weight = serializers.DecimalField(source="indicator.weight", **WEIGHT)
    value = serializers.DecimalField(**VALUE, help_text="null when there is none (or it is qualitative).")
    case = serializers.CharField(read_only=True, help_text="The case code of a qualitative indicator.")
    origin = serializers.ChoiceField(
        source="entry.origin", choices=ValueOrigin.choices, read_only=True, **ENTRY
    )
    provenance = serializers.JSONField(
        source="entry.provenance", read_only=True, **ENTRY, help_text="Where an automatic value comes from; for a hand "
        "entry, who entered it and the automatic value it replaces.",
    )  # fmt: skip
    reason = serializers.CharField(source="entry.reason", read_only=True, **ENTRY)
    evidence = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        source="entry.version",
        read_only=True,
        **ENTRY,
        help_text="Send it back to change the value; null: no value yet.",
    )
    baseline = serializers.DecimalField(**LIMIT, help_text="B (of the band, for banded indicators).")
    leading = serializers.DecimalField(**LIMIT, help_text="L (of the band, for banded indicators).")
    band = BandRowSerializer(read_only=True, allow_null=True)
    points = serializers.DecimalField(**POINTS)
    full_marks_value = serializers.DecimalField(**LIMIT, help_text="The value that earns the full weight.")
    full_marks_case = serializers.CharField(read_only=True)
    last_year_points = serializers.DecimalField(source="last_year.points", **POINTS, **ENTRY)
    change = serializers.DecimalField(**POINTS, allow_null=True, help_text="Points minus last year's.")

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_evidence(self, obj: Any) -> list[int]:
        return [] if obj.entry is None else [e.pk for e in obj.entry.evidence.all()]


class GroupScoreSerializer(serializers.Serializer):
    group = serializers.IntegerField(source="group.pk", read_only=True)
    code = serializers.CharField(source="group.code", read_only=True)
    name_zh = serializers.CharField(source="group.name_zh", read_only=True)
    name_en = serializers.CharField(source="group.name_en", read_only=True)
    points = serializers.DecimalField(**POINTS)
    weight = serializers.DecimalField(**POINTS)
    indicators = IndicatorScoreSerializer(many=True, read_only=True)


GroupScoreSerializer._declared_fields["groups"] = GroupScoreSerializer(
    many=True, read_only=True, source="children"
)


class GreenFactoryScoreSerializer(serializers.Serializer):
    total = serializers.DecimalField(**POINTS)
    weight = serializers.DecimalField(**POINTS, help_text="The most points the scheme gives.")
    last_year_total = serializers.DecimalField(source="last_year.total", **POINTS, **ENTRY)
    change = serializers.SerializerMethodField()
    groups = GroupScoreSerializer(many=True, read_only=True)

    @extend_schema_field(serializers.DecimalField(**POINTS, allow_null=True))
    def get_change(self, obj: EvaluationScore) -> str | None:
        if obj.last_year is None:
            return None
        return serializers.DecimalField(**POINTS).to_representation(obj.total - obj.last_year.total)


class GateCheckSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item.pk", read_only=True)
    code = serializers.CharField(source="item.code", read_only=True)
    kind = serializers.ChoiceField(source="item.kind", choices=GateKind.choices, read_only=True)
    standard = serializers.CharField(source="item.standard_code", read_only=True)
    name_zh = serializers.CharField(source="item.name_zh", read_only=True)
    name_en = serializers.CharField(source="item.name_en", read_only=True)
    outcome = serializers.ChoiceField(choices=GateOutcome.choices, read_only=True)
    reason = serializers.CharField(read_only=True)
    certificates = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    recorded_by_hand = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_certificates(self, obj: GateCheck) -> list[int]:
        """The certificates that decided the item (held, or lapsed)."""
        return [c.pk for c in obj.certificates]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_evidence(self, obj: GateCheck) -> list[int]:
        return [] if obj.result is None else [e.pk for e in obj.result.evidence.all()]

    def get_recorded_by_hand(self, obj: GateCheck) -> bool:
        return obj.result is not None


class GateSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=GateOutcome.choices,
        read_only=True,
        help_text="failed as soon as one item fails (no title, whatever the score); passed when all pass.",
    )
    items = GateCheckSerializer(many=True, read_only=True)


class GreenFactoryEvaluationSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    scheme_code = serializers.CharField(source="scheme.code", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "site",
            "site_name",
            "year",
            "scheme",
            "scheme_code",
            "annual_energy_tce",
            "refreshed_at",
        ]
        read_only_fields = fields


class GreenFactoryEvaluationDetailSerializer(GreenFactoryEvaluationSerializer):
    """The evaluation with the ``score`` and ``gate`` the view passes in its context."""

    score = serializers.SerializerMethodField()
    gate = serializers.SerializerMethodField()

    class Meta(GreenFactoryEvaluationSerializer.Meta):
        fields = [*GreenFactoryEvaluationSerializer.Meta.fields, "score", "gate"]
        read_only_fields = fields

    @extend_schema_field(GreenFactoryScoreSerializer)
    def get_score(self, obj: Evaluation) -> dict[str, Any]:
        return GreenFactoryScoreSerializer(self.context["score"]).data

    @extend_schema_field(GateSerializer)
    def get_gate(self, obj: Evaluation) -> dict[str, Any]:
        checks = self.context["gate"]
        passed = gate_passed(checks)
        outcome = {True: GateOutcome.PASSED, False: GateOutcome.FAILED, None: GateOutcome.UNDECIDED}[passed]
        return GateSerializer({"outcome": outcome, "items": checks}).data


class AnnualRowSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable key of the figure (`tce`, `indicator.1.1.1`, `gate.G1`, ...)."
    )
    label = serializers.CharField()
    value = serializers.SerializerMethodField(
        help_text="A decimal string for figures; a word for outcomes; null when none."
    )
    is_number = serializers.BooleanField()
    unit = serializers.CharField()
    source = serializers.CharField(help_text="Where the figure comes from, in words.")

    def get_value(self, row) -> str | None:
        return None if row.value is None else str(row.value)


class AnnualSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField(help_text="The source most of its rows share.")
    rows = AnnualRowSerializer(many=True)


class AnnualFormSerializer(serializers.Serializer):
    evaluation = serializers.IntegerField(source="evaluation.pk")
    site = serializers.CharField(source="evaluation.site.code")
    year = serializers.IntegerField(source="evaluation.year")
    complete = serializers.BooleanField(help_text="Whether the KPIs cover every day of the year.")
    days_with_data = serializers.IntegerField()
    days = serializers.IntegerField()
    sections = AnnualSectionSerializer(many=True)
