"""The green-factory evaluation (GB/T 36132) through the API: schemes (the tree, YAML and Excel files,
upload), evaluations with their scores and gate, hand-entered values (409 on a stale version),
what-if scores that are never saved, and hand-decided gate items."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import django_filters
from django import forms
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.exports import XLSX
from greenfactory.core.uploads import file_too_large_message, refuse_oversized_body
from greenfactory.sites.models import Site

from ..exceptions import FileTooLarge, ImportRejected
from ..exports.green_factory import scheme_filename, scheme_xlsx, scheme_yaml
from ..exports.standards import YAML_TYPE
from ..models import Evaluation, Evidence, GateItem, GateOutcome, Indicator, IndicatorType, Scheme
from ..selectors import green_factory as selectors
from ..selectors.green_factory_annual import annual_form
from ..selectors.green_factory_gate import GATE_CHECKS, evaluation_gate, not_decided_check
from ..services import green_factory as scheme_services
from ..services import green_factory_values as services
from ._common import EditConflictSerializer, version_field
from .green_factory_serializers import (
    WHAT_IF_SCHEMA,
    AnnualFormSerializer,
    GreenFactoryEvaluationDetailSerializer,
    GreenFactoryEvaluationSerializer,
    GreenFactorySchemeDetailSerializer,
    GreenFactorySchemeSerializer,
    GreenFactoryScoreSerializer,
)
from .standards import ProblemSerializer

GREEN_FACTORY = capability_permission(
    read=Capability.GREEN_FACTORY_READ, write=Capability.GREEN_FACTORY_WRITE
)
# A what-if is POSTed but saves nothing: whoever may read the evaluation may ask one.
GREEN_FACTORY_WHAT_IF = capability_permission(
    read=Capability.GREEN_FACTORY_READ, write=Capability.GREEN_FACTORY_READ
)
# A scheme file is a few dozen kilobytes; this leaves room for long industry variants.
SCHEME_FILE_MAX_BYTES = 2 * 1024 * 1024
WHAT_IF_LIMIT = Decimal(10) ** 12


# --- schemes ---------------------------------------------------------------------------------------


class SchemeImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A scheme file: YAML, or an Excel workbook (.xlsx).")


IMPORT_REJECTED = inline_serializer(
    "SchemeImportRejected",
    fields={"detail": serializers.CharField(), "problems": ProblemSerializer(many=True)},
)


@extend_schema_view(
    list=extend_schema(summary="List green-factory schemes (editions and industry variants)"),
    retrieve=extend_schema(
        summary="One scheme: its groups and indicators as a tree, its gate items and its source",
        description="Weights, baseline values B, leading values L, bands and cases are the scheme "
        "file's own data; `source` says where they come from.",
    ),
)
class GreenFactorySchemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = GreenFactorySchemeSerializer
    permission_classes = [GREEN_FACTORY]
    filterset_fields = ["edition"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.scheme_list()
        return selectors.scheme_list().prefetch_related("groups", "indicators", "gate_items")

    def get_serializer_class(self):
        return GreenFactorySchemeSerializer if self.action == "list" else GreenFactorySchemeDetailSerializer

    @extend_schema(
        summary="The scheme as a YAML file the loader accepts",
        responses={(200, "application/yaml"): OpenApiTypes.OBJECT},
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_fields=None)
    def yaml(self, request, pk=None, **kwargs):
        scheme = self.get_object()
        return _download(scheme_yaml(scheme).encode("utf-8"), YAML_TYPE, f"{scheme_filename(scheme)}.yaml")

    @extend_schema(
        summary="The scheme as an Excel workbook the loader accepts",
        description="Sheets Scheme, Groups, Indicators, Bands, Cases and Gate, one row per item.",
        responses={(200, XLSX): OpenApiTypes.BINARY},
        filters=False,
    )
    @action(detail=True, methods=["get"], filterset_fields=None)
    def xlsx(self, request, pk=None, **kwargs):
        scheme = self.get_object()
        return _download(scheme_xlsx(scheme), XLSX, f"{scheme_filename(scheme)}.xlsx")

    @extend_schema(
        summary="Load a scheme file (YAML or Excel), or upgrade the loaded scheme of the same code",
        description="Nothing is written unless the whole file is valid; a 400 answer lists every problem "
        "with its line (YAML) or its sheet, row and column (Excel). Groups, indicators and gate items are "
        "matched by code, so evaluations keep their values.",
        request={"multipart/form-data": SchemeImportSerializer},
        responses={201: GreenFactorySchemeDetailSerializer, 400: IMPORT_REJECTED, 413: None},
        filters=False,
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
        filterset_fields=None,
    )
    def import_file(self, request, **kwargs):
        refuse_oversized_body(request, limit=SCHEME_FILE_MAX_BYTES, error=FileTooLarge)
        payload = SchemeImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        if upload.size > SCHEME_FILE_MAX_BYTES:
            raise FileTooLarge(file_too_large_message(SCHEME_FILE_MAX_BYTES))
        try:
            scheme = scheme_services.scheme_load_file(content=upload.read(), by=request.user)
        except ImportRejected as exc:
            problems = [{"location": p.location, "message": p.message} for p in exc.problems]
            return Response({"detail": exc.message, "problems": problems}, status=status.HTTP_400_BAD_REQUEST)
        answer = self.get_queryset().get(pk=scheme.pk)
        return Response(GreenFactorySchemeDetailSerializer(answer).data, status=status.HTTP_201_CREATED)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- evaluations -----------------------------------------------------------------------------------


class YearFilter(django_filters.NumberFilter):
    """A whole year: 2026.5 is refused (400), not read as 2026."""

    field_class = forms.IntegerField


class EvaluationFilter(django_filters.FilterSet):
    site = django_filters.ModelChoiceFilter(
        field_name="site", to_field_name="code", queryset=Site.objects.order_by("code"), label="Site code"
    )
    year = YearFilter(field_name="year")
    scheme = django_filters.ModelChoiceFilter(queryset=Scheme.objects.order_by("pk"), label="Scheme id")

    class Meta:
        model = Evaluation
        fields = ["site", "year", "scheme"]


class GreenFactoryEvaluationOpenSerializer(serializers.Serializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    scheme = serializers.PrimaryKeyRelatedField(queryset=Scheme.objects.all())


class ValueOverrideSerializer(serializers.Serializer):
    indicator = serializers.PrimaryKeyRelatedField(
        queryset=Indicator.objects.all(), help_text="An indicator of the evaluation's scheme."
    )
    value = serializers.DecimalField(
        max_digits=18,
        decimal_places=6,
        required=False,
        allow_null=True,
        help_text="In the indicator's unit; for quantitative and count indicators.",
    )
    case = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="A case code, for qualitative ones."
    )
    reason = serializers.CharField(max_length=5000, help_text="Why the value is entered by hand.")
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), many=True, help_text="At least one evidence record."
    )
    version = version_field(
        allow_null=True, help_text="The value's version you saw; null when it had no value yet."
    )


class GateResultSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(
        queryset=GateItem.objects.all(), help_text="A gate item of the evaluation's scheme."
    )
    outcome = serializers.ChoiceField(choices=GateOutcome.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.all(), many=True, required=False, help_text="Required for a pass."
    )


@extend_schema_view(
    list=extend_schema(
        summary="List green-factory self-evaluations",
        description="Filter by `site` (code), `year` and `scheme` (id). Scores are in the detail.",
    ),
    retrieve=extend_schema(
        summary="One evaluation with its scores (per group, nested, and in total) and its gate",
        description="Per indicator: value or case, origin and provenance, reason and evidence, the B/L "
        "(of the band the annual energy use falls in), points, the value for full marks and last year's "
        "points with the change. The gate: each basic requirement passed, failed or not decided with "
        "its reason; any failed item means no title, whatever the score.",
    ),
)
class GreenFactoryEvaluationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = GreenFactoryEvaluationSerializer
    permission_classes = [GREEN_FACTORY]
    filterset_class = EvaluationFilter
    ordering_fields = ["year"]

    def get_queryset(self):
        return selectors.evaluation_list()

    def get_serializer_class(self):
        return (
            GreenFactoryEvaluationSerializer
            if self.action == "list"
            else GreenFactoryEvaluationDetailSerializer
        )

    def retrieve(self, request, pk=None, **kwargs):
        return self._answer(self.get_object())

    def _answer(self, evaluation: Evaluation, code: int = status.HTTP_200_OK) -> Response:
        context = {
            "score": selectors.evaluation_score(evaluation=evaluation),
            "gate": evaluation_gate(evaluation=evaluation, today=timezone.localdate()),
        }
        return Response(GreenFactoryEvaluationDetailSerializer(evaluation, context=context).data, status=code)

    @extend_schema(
        summary="Open a site's evaluation for a year under a scheme",
        description="201 with the new evaluation; 200 with the site's existing one for that year (which "
        "keeps the scheme it was opened under).",
        request=GreenFactoryEvaluationOpenSerializer,
        responses={201: GreenFactoryEvaluationDetailSerializer, 200: GreenFactoryEvaluationDetailSerializer},
    )
    def create(self, request, **kwargs):
        payload = GreenFactoryEvaluationOpenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        existed = Evaluation.objects.filter(site=data["site"], year=data["year"]).exists()
        evaluation = services.evaluation_open(by=request.user, **data)
        return self._answer(
            self.get_queryset().get(pk=evaluation.pk),
            status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Enter an indicator's value (or case) by hand, with a reason and evidence",
        description="Send the `version` of the value you saw (null when it had none); when someone changed "
        "it since, 409 with `current_version` and nothing is stored. An automatic value replaced by hand "
        "is kept in the provenance. Answers the evaluation as it now stands.",
        request=ValueOverrideSerializer,
        responses={200: GreenFactoryEvaluationDetailSerializer, 409: EditConflictSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def values(self, request, pk=None, **kwargs):
        evaluation = self.get_object()
        payload = ValueOverrideSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.indicator_value_override(evaluation=evaluation, by=request.user, **payload.validated_data)
        return self._answer(evaluation)

    @extend_schema(
        summary="The annual dynamic-management form of the evaluation's year",
        description="The year's energy, emissions, production and water from the site's stored KPIs, the "
        "score, the gate with each item and every indicator's value, each with where it comes from "
        "(the page /green-factory/evaluations/{id}/annual-form/ in JSON).",
        responses={200: AnnualFormSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get"], url_path="annual-form", filterset_class=None)
    def annual_form(self, request, pk=None, **kwargs):
        form = annual_form(evaluation=self.get_object(), today=timezone.localdate())
        return Response(AnnualFormSerializer(form).data)

    @extend_schema(
        summary="The scores as they would be with other values; nothing is saved",
        description="The body maps indicator ids to a value (quantitative and count indicators, a number "
        "or a numeric string) or a case code (qualitative ones). Indicators not named keep their values.",
        request={"application/json": WHAT_IF_SCHEMA},
        responses={200: GreenFactoryScoreSerializer},
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="what-if",
        filterset_class=None,
        permission_classes=[GREEN_FACTORY_WHAT_IF],
    )
    def what_if(self, request, pk=None, **kwargs):
        evaluation = self.get_object()
        what_if = _what_if(evaluation, request.data)
        score = selectors.evaluation_score(evaluation=evaluation, what_if=what_if)
        return Response(GreenFactoryScoreSerializer(score).data)

    @extend_schema(
        summary="Record the result of a hand-decided gate item",
        description="For items no register decides (`manual` kind); a pass needs evidence. Answers the "
        "evaluation as it now stands.",
        request=GateResultSerializer,
        responses={200: GreenFactoryEvaluationDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["post"], url_path="gate-results", filterset_class=None)
    def gate_results(self, request, pk=None, **kwargs):
        evaluation = self.get_object()
        payload = GateResultSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if GATE_CHECKS.get(data["item"].kind, not_decided_check) is not not_decided_check:
            # The register decides it on every reading; a result kept beside it would never count.
            message = _("This item is decided by its register (certificates, permits or incidents).")
            raise serializers.ValidationError({"item": [message]})
        services.gate_result_record(
            evaluation=evaluation,
            item=data["item"],
            outcome=data["outcome"],
            note=data["note"],
            evidence=data.get("evidence", []),
            by=request.user,
        )
        return self._answer(evaluation)


def _what_if(evaluation: Evaluation, body: Any) -> dict[int, Decimal | str]:
    """The what-if body read against the evaluation's indicators; every bad entry is named."""
    if not isinstance(body, dict):
        raise serializers.ValidationError({"non_field_errors": [_("Send an object of indicator id: value.")]})
    indicators = {str(i.pk): i for i in Indicator.objects.filter(scheme_id=evaluation.scheme_id)}
    errors: dict[str, list[str]] = {}
    what_if: dict[int, Decimal | str] = {}
    for key, raw in body.items():
        indicator = indicators.get(str(key))
        if indicator is None:
            errors[str(key)] = [_("Not an indicator of this evaluation's scheme.")]
        elif indicator.type == IndicatorType.QUALITATIVE:
            if raw not in [c["code"] for c in indicator.cases]:
                errors[str(key)] = [_("Choose one of the indicator's cases.")]
            else:
                what_if[indicator.pk] = raw
        else:
            number = _number(raw)
            if number is None:
                errors[str(key)] = [_("Enter a number in the indicator's unit.")]
            else:
                what_if[indicator.pk] = number
    if errors:
        raise serializers.ValidationError(errors)
    return what_if


def _number(raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str) or len(str(raw)) > 40:
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    # What a stored value may hold (18 digits, 6 after the point), so a what-if is one it could become.
    return number if number.is_finite() and abs(number) < WHAT_IF_LIMIT else None
