"""The energy management API: a site's energy flow over a period, and the functions list."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from accounting.selectors.energy_flow import UNITS, EnergyFlow, NodeKind, energy_flow
from accounting.selectors.energy_functions import LEADING_COUNT, energy_function_list
from accounting.selectors.kpis import q6
from accounting.selectors.periods import MAX_CUSTOM_DAYS
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site


class EnergyFlowQuerySerializer(serializers.Serializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    start = serializers.DateField()
    end = serializers.DateField()
    unit = serializers.ChoiceField(choices=UNITS, default="medium")

    def validate(self, attrs):
        implausible = {f: [DATE_OUT_OF_RANGE] for f in ("start", "end") if not date_is_plausible(attrs[f])}
        if implausible:
            raise serializers.ValidationError(implausible)
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The period cannot end before it starts.")]})
        if (attrs["end"] - attrs["start"]).days + 1 > MAX_CUSTOM_DAYS:
            raise serializers.ValidationError(
                {"end": [_("Ask for at most %(n)s days at a time.") % {"n": MAX_CUSTOM_DAYS}]}
            )
        return attrs


class FlowNodeSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Unique within the answer; links name nodes by it.")
    kind = serializers.ChoiceField(choices=[NodeKind.METER, NodeKind.REST, NodeKind.DELIVERY])
    code = serializers.CharField(help_text="The meter's code; empty for a rest or a delivery.")
    label = serializers.CharField()
    medium = serializers.CharField()
    depth = serializers.IntegerField(help_text="0 for the incomers and fuels.")
    value = serializers.CharField(help_text="Decimal string in `unit`.")
    unit = serializers.CharField()
    share = serializers.CharField(
        allow_null=True, help_text="Fraction of the medium's total (tce: the site's)."
    )
    parent = serializers.CharField(allow_null=True, help_text="Key of the node it flows from.")
    meter = serializers.IntegerField(allow_null=True, help_text="The meter's id, for a meter node.")


class FlowLinkSerializer(serializers.Serializer):
    source = serializers.CharField()
    target = serializers.CharField()
    value = serializers.CharField()
    share = serializers.CharField(allow_null=True)


class FlowWarningSerializer(serializers.Serializer):
    node = serializers.CharField(help_text="Key of the parent whose sub-meters exceed it.")
    code = serializers.CharField()
    label = serializers.CharField()
    medium = serializers.CharField()
    parent_value = serializers.CharField()
    children_value = serializers.CharField()
    excess = serializers.CharField()
    unit = serializers.CharField()


class FlowMediumSerializer(serializers.Serializer):
    medium = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    total = serializers.CharField()
    share = serializers.CharField(allow_null=True, help_text="Of the site's total, in tce only.")


@extend_schema_serializer(many=False)  # one flow, although the route is a list route
class EnergyFlowSerializer(serializers.Serializer):
    site = serializers.CharField()
    time_zone = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    unit = serializers.ChoiceField(choices=UNITS)
    total_tce = serializers.CharField(allow_null=True, help_text="The KPI tce of the period, in tce only.")
    media = FlowMediumSerializer(many=True)
    nodes = FlowNodeSerializer(many=True)
    links = FlowLinkSerializer(many=True)
    warnings = FlowWarningSerializer(many=True)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(q6(value))


def energy_flow_data(flow: EnergyFlow) -> dict:
    """The flow as the API answers it: figures as decimal strings to six places."""
    return {
        "site": flow.site.code,
        "time_zone": flow.site.time_zone,
        "start": flow.start,
        "end": flow.end,
        "unit": flow.unit,
        "total_tce": _s(flow.total_tce),
        "media": [
            {"medium": g.medium, "label": g.label, "unit": g.unit, "total": _s(g.total), "share": _s(g.share)}
            for g in flow.groups
        ],
        "nodes": [
            {
                "key": n.key,
                "kind": n.kind,
                "code": n.code,
                "label": n.label,
                "medium": n.medium,
                "depth": n.depth,
                "value": _s(n.value),
                "unit": n.unit,
                "share": _s(n.share),
                "parent": n.parent_key,
                "meter": n.meter_id,
            }
            for n in flow.nodes
        ],
        "links": [
            {"source": k.source, "target": k.target, "value": _s(k.value), "share": _s(k.share)}
            for k in flow.links
        ],
        "warnings": [
            {
                "node": w.key,
                "code": w.code,
                "label": w.label,
                "medium": w.medium,
                "parent_value": _s(w.parent_value),
                "children_value": _s(w.children_value),
                "excess": _s(w.excess),
                "unit": w.unit,
            }
            for w in flow.warnings
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary="Energy flow of a site over a period",
        description=(
            "The site's meter tree over the days [start, end] of its time zone, as nodes and links for "
            "a Sankey diagram: top-level meters and fuel deliveries per medium (depth 0), their "
            "sub-meters, and per parent an unmetered rest (the parent minus its sub-meters). Where "
            "sub-meters exceed their parent, no rest is given and `warnings` names the parent and the "
            "excess. Figures are decimal strings in each medium's KPI unit (`unit=medium`: kWh, m3, "
            "kg for liquid fuels, GJ for heat and steam) or in tce (`unit=tce`, media with a GB/T 2589 "
            "coefficient only); in tce the inputs add up to the KPI API's tce for the same period. "
            "Water and virtual meters are not part of the flow."
        ),
        parameters=[
            OpenApiParameter("site", str, required=True, description="Site code"),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="Inclusive"),
            OpenApiParameter("unit", str, enum=list(UNITS), description="Default medium"),
        ],
        responses={200: EnergyFlowSerializer},
    )
)
class EnergyFlowViewSet(viewsets.ViewSet):
    permission_classes = [capability_permission(read=Capability.KPIS_READ)]

    def list(self, request, *args, **kwargs):
        query = EnergyFlowQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        flow = energy_flow(site=data["site"], start=data["start"], end=data["end"], unit=data["unit"])
        return Response(EnergyFlowSerializer(energy_flow_data(flow)).data)


class EnergyFunctionSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    provided = serializers.BooleanField()
    url_name = serializers.CharField(help_text="The page's URL name; empty when there is none.")
    url = serializers.CharField(help_text="The page's path; empty when there is none.")
    note = serializers.CharField()


@extend_schema_serializer(many=False)  # one list with its counts
class EnergyFunctionListSerializer(serializers.Serializer):
    provided = serializers.IntegerField(help_text="How many of the functions this installation provides.")
    total = serializers.IntegerField()
    leading = serializers.IntegerField(help_text="The count GB/T 36132-2025 gives as the leading value.")
    results = EnergyFunctionSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="Energy-and-carbon management functions",
        description=(
            "The twelve functions GB/T 36132-2025 counts in the self-evaluation, in its order, each with "
            "whether this installation provides it and the page that shows it."
        ),
        responses={200: EnergyFunctionListSerializer},
    )
)
class EnergyFunctionViewSet(viewsets.ViewSet):
    permission_classes = [capability_permission(read=Capability.KPIS_READ)]

    def list(self, request, *args, **kwargs):
        functions = energy_function_list()
        body = {
            "provided": sum(1 for f in functions if f.provided),
            "total": len(functions),
            "leading": LEADING_COUNT,
            "results": [
                {
                    "key": f.key,
                    "name": f.name,
                    "provided": f.provided,
                    "url_name": f.url_name,
                    "url": f.url or "",
                    "note": f.note,
                }
                for f in functions
            ],
        }
        return Response(EnergyFunctionListSerializer(body).data)
