"""The API of retired carbon credits (a serial once, across programmes) and of carbon-neutrality
claims with their requirements and the gate that makes them (ISO 14068-1)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounting.api.neutrality import DATE, PERMISSION, SERIAL, YEAR
from accounting.models import CarbonCredit, ClaimRequirement, NeutralityClaim, NeutralityProgramme
from accounting.models.neutrality import (
    ClaimKind,
    ClaimVerification,
    CreditKind,
    CreditQuality,
    CreditRegistry,
)
from accounting.selectors import neutrality as selectors
from accounting.services import neutrality as service
from accounting.services import neutrality_claims as claims_service

# --- Credits --------------------------------------------------------------------------------------------


class CarbonCreditSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=NeutralityProgramme.objects.all())
    period = serializers.IntegerField(
        source="period.year", **YEAR, help_text="The year of a recorded period."
    )
    registry = serializers.ChoiceField(choices=CreditRegistry.choices)
    serial_prefix = serializers.CharField(source="block.prefix", max_length=200, allow_blank=True)
    serial_start = serializers.IntegerField(**SERIAL)
    serial_end = serializers.IntegerField(**SERIAL)
    quantity_tco2e = serializers.IntegerField(
        **SERIAL, required=False, help_text="Checked against the serial range (one tonne a serial)."
    )
    kind = serializers.ChoiceField(choices=CreditKind.choices)
    vintage = serializers.IntegerField(**YEAR)
    retired_on = serializers.DateField(**DATE)
    quality_criteria = serializers.ListField(
        child=serializers.ChoiceField(choices=CreditQuality.choices), required=False, max_length=10
    )

    class Meta:
        model = CarbonCredit
        fields = [
            "id",
            "programme",
            "period",
            "registry",
            "serial_prefix",
            "serial_start",
            "serial_end",
            "quantity_tco2e",
            "project",
            "standard",
            "kind",
            "vintage",
            "retired_on",
            "quality_criteria",
            "evidence_reference",
            "note",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        validators: list = []


@extend_schema_view(
    list=extend_schema(summary="Retired carbon credits"),
    retrieve=extend_schema(summary="A batch of retired credits"),
    create=extend_schema(
        summary="Record a batch of retired credits",
        description="409 when a serial of the range was retired already, for this programme or another "
        "(same registry and serial prefix); 400 when quantity_tco2e is not the range's size.",
    ),
)
class CarbonCreditViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = CarbonCreditSerializer
    permission_classes = PERMISSION
    filterset_fields = ["programme", "registry", "kind"]

    def get_queryset(self):
        return selectors.credit_list()

    def create(self, request, *args, **kwargs):
        payload = CarbonCreditSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        programme = data.pop("programme")
        year = data.pop("period")["year"]
        period = programme.periods.filter(year=year).first()
        if period is None:
            raise service.NeutralityInvalid(_("Record the period's footprint first."), field="period")
        credit = claims_service.credit_retire(
            programme=programme,
            period=period,
            serial_prefix=data.pop("block")["prefix"],
            by=request.user,
            **data,
        )
        return Response(CarbonCreditSerializer(credit).data, status=status.HTTP_201_CREATED)


# --- Claims ---------------------------------------------------------------------------------------------


class ClaimRequirementSerializer(serializers.ModelSerializer):
    has_evidence = serializers.BooleanField(read_only=True)

    class Meta:
        model = ClaimRequirement
        fields = ["id", "title", "evidence_reference", "has_evidence"]


class NeutralityClaimSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=NeutralityProgramme.objects.all())
    period = serializers.IntegerField(
        source="period.year", **YEAR, help_text="The year of a recorded period."
    )
    kind = serializers.ChoiceField(choices=ClaimKind.choices)
    verification = serializers.ChoiceField(choices=ClaimVerification.choices)
    requirements = ClaimRequirementSerializer(many=True, read_only=True)
    requirement_titles = serializers.ListField(
        child=serializers.CharField(max_length=300),
        write_only=True,
        required=False,
        max_length=50,
        help_text="The requirements the claim rests on; left out, the default list.",
    )
    missing_requirements = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta:
        model = NeutralityClaim
        fields = [
            "id",
            "programme",
            "period",
            "kind",
            "verification",
            "verifier",
            "statement",
            "status",
            "made_at",
            "requirements",
            "requirement_titles",
            "missing_requirements",
            "problems",
            "created_at",
        ]
        read_only_fields = ["status", "made_at", "created_at"]

    def _check(self, claim) -> selectors.ClaimCheck:
        checks = self.context.setdefault("claim_checks", {})
        if claim.pk not in checks:
            checks[claim.pk] = selectors.claim_check(claim=claim)
        return checks[claim.pk]

    def get_missing_requirements(self, claim) -> list[str]:
        return [r.title for r in self._check(claim).missing]

    def get_problems(self, claim) -> list[str]:
        return self._check(claim).problems


class ClaimEvidenceSerializer(serializers.Serializer):
    requirement = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    evidence_reference = serializers.CharField(max_length=500, allow_blank=True)


class ClaimRequirementAddSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    evidence_reference = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


@extend_schema_view(
    list=extend_schema(summary="Carbon-neutrality claims"),
    retrieve=extend_schema(summary="A claim with what it still lacks"),
    create=extend_schema(summary="Draft a claim for a period"),
)
class NeutralityClaimViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = NeutralityClaimSerializer
    permission_classes = PERMISSION
    filterset_fields = ["programme", "status", "kind"]

    def get_queryset(self):
        return selectors.claim_list()

    def _out(self, pk: int) -> dict:
        return NeutralityClaimSerializer(selectors.claim_get(pk=pk)).data

    def create(self, request, *args, **kwargs):
        payload = NeutralityClaimSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        programme = data["programme"]
        period = programme.periods.filter(year=data["period"]["year"]).first()
        if period is None:
            raise service.NeutralityInvalid(_("Record the period's footprint first."), field="period")
        claim = claims_service.claim_create(
            programme=programme,
            period=period,
            kind=data["kind"],
            verification=data["verification"],
            verifier=data.get("verifier", ""),
            statement=data["statement"],
            requirements=data.get("requirement_titles"),
            by=request.user,
        )
        return Response(self._out(claim.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Make the claim",
        description="409 (code claim_blocked, with missing_requirements and problems) while a requirement "
        "has no evidence, reductions against the base period are zero or less (offset-only), an "
        "achieved claim's balance is above zero, or a commitment has no reduction target.",
        request=None,
        responses=NeutralityClaimSerializer,
    )
    @action(detail=True, methods=["post"])
    def make(self, request, *args, **kwargs):
        claim = claims_service.claim_make(claim=self.get_object(), by=request.user)
        return Response(self._out(claim.pk))

    @extend_schema(
        summary="Withdraw a claim that was made", request=None, responses=NeutralityClaimSerializer
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        claim = claims_service.claim_withdraw(claim=self.get_object(), by=request.user)
        return Response(self._out(claim.pk))

    @extend_schema(
        summary="Add a requirement to a draft claim",
        request=ClaimRequirementAddSerializer,
        responses=NeutralityClaimSerializer,
    )
    @action(detail=True, methods=["post"])
    def requirements(self, request, *args, **kwargs):
        payload = ClaimRequirementAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        claim = self.get_object()
        claims_service.requirement_add(claim=claim, by=request.user, **payload.validated_data)
        return Response(self._out(claim.pk))

    @extend_schema(
        summary="Attach (or clear) the evidence of a draft claim's requirement",
        request=ClaimEvidenceSerializer,
        responses=NeutralityClaimSerializer,
    )
    @action(detail=True, methods=["post"])
    def evidence(self, request, *args, **kwargs):
        payload = ClaimEvidenceSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        claim = self.get_object()
        requirement = get_object_or_404(claim.requirements.all(), pk=payload.validated_data["requirement"])
        claims_service.requirement_evidence_set(
            requirement=requirement,
            evidence_reference=payload.validated_data["evidence_reference"],
            by=request.user,
        )
        return Response(self._out(claim.pk))
