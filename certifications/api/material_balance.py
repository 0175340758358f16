"""Battery-recycling material balances through the API: list (by site and year), read, record, and
change from a version (409 on a conflict); every answer carries the computed rates and their check
against each threshold set."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.sites.models import Site

from ..filters.material_balance import MaterialBalanceFilter
from ..models import Evidence, MaterialBalance
from ..recovery import METRICS
from ..selectors import material_balance as selectors
from ..services import material_balance as services
from ._common import EditConflictSerializer, entry_changes, version_field

GREEN_FACTORY = capability_permission(
    read=Capability.GREEN_FACTORY_READ, write=Capability.GREEN_FACTORY_WRITE
)
_TONNES = {"max_digits": 14, "decimal_places": 4, "min_value": 0, "required": False, "allow_null": True}
FIGURE_FIELDS = [name for name in services.BALANCE_FIELDS if name != "notes"]


def _tonnes(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(**{**_TONNES, **kwargs})


class OutputSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=120)
    tonnes = _tonnes(required=True, allow_null=False)
    li_t = _tonnes()
    ni_t = _tonnes()
    co_t = _tonnes()
    mn_t = _tonnes()
    cu_t = _tonnes()
    al_t = _tonnes()


class RateSerializer(serializers.Serializer):
    value = serializers.DecimalField(
        max_digits=30, decimal_places=6, allow_null=True, help_text="Percent; null when not computable."
    )
    reason = serializers.CharField(help_text="Why the rate is not computable (empty when it is).")


RatesSerializer = type(
    "MaterialBalanceRatesSerializer", (serializers.Serializer,), {m: RateSerializer() for m in METRICS}
)


class VerdictSerializer(serializers.Serializer):
    metric = serializers.CharField(help_text="The rate checked, e.g. li_recovery.")
    comparison = serializers.CharField(help_text='">=" (at least the limit passes) or "<" (strictly below).')
    limit = serializers.DecimalField(max_digits=10, decimal_places=4)
    value = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    passed = serializers.BooleanField(allow_null=True, help_text="null when the rate is not computable.")


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField()
    passed = serializers.BooleanField(allow_null=True)
    rules = VerdictSerializer(many=True)


def _value(value: Decimal | None) -> str | None:
    """A rate as the decimal string the schema names, to six places."""
    return None if value is None else format(value.quantize(Decimal("0.000001")), "f")


class MaterialBalanceSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(slug_field="code", read_only=True)
    outputs = OutputSerializer(many=True, read_only=True)
    rates = serializers.SerializerMethodField()
    checks = serializers.SerializerMethodField()

    class Meta:
        model = MaterialBalance
        fields = [
            "id",
            "site",
            "period_start",
            "period_end",
            *FIGURE_FIELDS,
            "outputs",
            "evidence",
            "notes",
            "rates",
            "checks",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(RatesSerializer)
    def get_rates(self, balance: MaterialBalance) -> dict[str, Any]:
        rates = selectors.balance_assessment(balance).rates
        return {m: {"value": _value(r.value), "reason": r.reason} for m, r in rates.items()}

    @extend_schema_field(CheckSerializer(many=True))
    def get_checks(self, balance: MaterialBalance) -> list[dict[str, Any]]:
        return [
            {
                "code": s.threshold_set.code,
                "title": s.title,
                "source": s.source,
                "passed": s.passed,
                "rules": [
                    {
                        "metric": v.rule.metric,
                        "comparison": v.rule.comparison,
                        "limit": format(v.rule.limit.quantize(Decimal("0.0001")), "f"),
                        "value": _value(v.rate.value),
                        "passed": v.passed,
                    }
                    for v in s.verdicts
                ],
            }
            for s in selectors.balance_assessment(balance).sets
        ]


class MaterialBalanceWriteSerializer(serializers.Serializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    period_start = serializers.DateField(help_text="The first day of the month.")
    input_ncm_t = _tonnes(allow_null=False)
    input_lfp_t = _tonnes(allow_null=False)
    input_lco_t = _tonnes(allow_null=False)
    input_lmo_t = _tonnes(allow_null=False)
    input_other_t = _tonnes(allow_null=False)
    input_li_t = _tonnes()
    input_ni_t = _tonnes()
    input_co_t = _tonnes()
    input_mn_t = _tonnes()
    input_cu_t = _tonnes()
    input_al_t = _tonnes()
    powder_input_t = _tonnes()
    powder_recovered_t = _tonnes()
    powder_al_pct = _tonnes(max_value=100)
    powder_cu_pct = _tonnes(max_value=100)
    water_used_m3 = _tonnes(decimal_places=3)
    water_recycled_m3 = _tonnes(decimal_places=3)
    outputs = OutputSerializer(many=True, required=False, max_length=30)
    evidence = serializers.PrimaryKeyRelatedField(queryset=Evidence.objects.all(), many=True, required=False)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class MaterialBalanceUpdateSerializer(MaterialBalanceWriteSerializer):
    site = None  # type: ignore[assignment]
    period_start = None  # type: ignore[assignment]
    version = version_field(help_text="The version the change was made on; 409 when it is stale.")


class MaterialBalanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = MaterialBalanceSerializer
    permission_classes = [GREEN_FACTORY]
    filterset_class = MaterialBalanceFilter

    def get_queryset(self):
        return selectors.material_balance_list().prefetch_related("evidence")

    def _answer(self, pk: Any, code: int = status.HTTP_200_OK) -> Response:
        return Response(MaterialBalanceSerializer(self.get_queryset().get(pk=pk)).data, status=code)

    @extend_schema(
        summary="Record a month's material balance",
        request=MaterialBalanceWriteSerializer,
        responses={201: MaterialBalanceSerializer},
    )
    def create(self, request, **kwargs):
        payload = MaterialBalanceWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data["outputs"] = [dict(o) for o in data.get("outputs", [])]
        balance = services.material_balance_create(by=request.user, **data)
        return self._answer(balance.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a material balance",
        description="From the version read; `outputs` given replace them all. 409 with `current_version` "
        "when someone changed it since.",
        request=MaterialBalanceUpdateSerializer,
        responses={200: MaterialBalanceSerializer, 409: EditConflictSerializer},
    )
    def partial_update(self, request, pk=None, **kwargs):
        balance = self.get_object()
        version, data = entry_changes(request, MaterialBalanceUpdateSerializer)
        if "outputs" in data:
            data["outputs"] = [dict(o) for o in data["outputs"]]
        services.material_balance_update(balance=balance, by=request.user, version=version, **data)
        return self._answer(balance.pk)
