"""The load profile API: a site's or meter's figures over a period against the previous period of
equal length, its typical day and the observations of the advice rules."""

from __future__ import annotations

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

from accounting.selectors.load_advice import advice_figures, observations
from accounting.selectors.load_profiles import (
    FIGURES,
    MAX_DAYS,
    LoadFigures,
    LoadProfile,
    load_meters,
    load_profile,
)
from greenfactory.accounts.permissions import capability_permission
from greenfactory.accounts.roles import Capability
from greenfactory.core.validators import DATE_OUT_OF_RANGE, date_is_plausible
from greenfactory.sites.models import Site


class LoadProfileQuerySerializer(serializers.Serializer):
    site = serializers.SlugRelatedField(slug_field="code", queryset=Site.objects.all())
    meter = serializers.CharField(required=False, allow_blank=True, max_length=40)
    start = serializers.DateField()
    end = serializers.DateField()

    def validate(self, attrs):
        implausible = {f: [DATE_OUT_OF_RANGE] for f in ("start", "end") if not date_is_plausible(attrs[f])}
        if implausible:
            raise serializers.ValidationError(implausible)
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The period cannot end before it starts.")]})
        if (attrs["end"] - attrs["start"]).days + 1 > MAX_DAYS:
            raise serializers.ValidationError(
                {"end": [_("Ask for at most %(n)s days at a time.") % {"n": MAX_DAYS}]}
            )
        code = attrs.get("meter") or ""
        attrs["meter"] = None
        if code:
            attrs["meter"] = next((m for m in load_meters(site=attrs["site"]) if m.code == code), None)
            if attrs["meter"] is None:
                raise serializers.ValidationError({"meter": [_("The site has no such meter.")]})
        return attrs


class LoadFiguresSerializer(serializers.Serializer):
    days = serializers.IntegerField(help_text="Days with data: `energy` and `mean_load` cover them.")
    hourly_days = serializers.IntegerField(
        help_text="Days with hourly readings: the base load, peak and off-shift figures cover these "
        "only (a day a meter was read once has no hourly shape)."
    )
    energy = serializers.FloatField(allow_null=True, help_text="In `energy_unit`.")
    mean_load = serializers.FloatField(allow_null=True, help_text="In `unit`.")
    base_load = serializers.FloatField(
        allow_null=True, help_text="Mean of each day's lowest hour 00:00–05:00."
    )
    base_share = serializers.FloatField(allow_null=True, help_text="Base load / mean load (fraction).")
    peak = serializers.FloatField(allow_null=True, help_text="Highest hourly mean, in `unit`.")
    peak_at = serializers.DateTimeField(allow_null=True, help_text="Local start of the peak hour.")
    peak_to_average = serializers.FloatField(allow_null=True)
    off_shift = serializers.FloatField(allow_null=True, help_text="Null when the site has no shifts.")
    off_shift_share = serializers.FloatField(allow_null=True)


class LoadObservationSerializer(serializers.Serializer):
    rule = serializers.CharField()
    figure = serializers.CharField(help_text="The figure the observation rests on.")
    value = serializers.FloatField()
    comparison = serializers.CharField()
    threshold = serializers.FloatField()
    text = serializers.CharField()


@extend_schema_serializer(many=False)  # one profile, although the route is a list route
class LoadProfileSerializer(serializers.Serializer):
    site = serializers.CharField()
    meter = serializers.CharField(allow_null=True, help_text="Null: the site's electricity incomers.")
    time_zone = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    previous_start = serializers.DateField()
    previous_end = serializers.DateField()
    unit = serializers.CharField()
    energy_unit = serializers.CharField()
    current = LoadFiguresSerializer()
    previous = LoadFiguresSerializer()
    changes = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Per figure: percent change, percentage points for shares.",
    )
    weekday = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="24 hourly means."
    )
    weekend = serializers.ListField(
        child=serializers.FloatField(allow_null=True), help_text="24 hourly means."
    )
    observations = LoadObservationSerializer(many=True)


def _figures(figures: LoadFigures) -> dict:
    return {name: getattr(figures, name) for name in ("days", "hourly_days", "peak_at", *FIGURES)}


def load_profile_data(profile: LoadProfile) -> dict:
    return {
        "site": profile.site.code,
        "meter": profile.meter.code if profile.meter else None,
        "time_zone": profile.site.time_zone,
        "start": profile.start,
        "end": profile.end,
        "previous_start": profile.previous_start,
        "previous_end": profile.previous_end,
        "unit": profile.unit,
        "energy_unit": profile.energy_unit,
        "current": _figures(profile.current),
        "previous": _figures(profile.previous),
        "changes": {name: profile.change(name) for name in FIGURES},
        "weekday": profile.weekday,
        "weekend": profile.weekend,
        "observations": [
            {
                "rule": o.key,
                "figure": o.figure,
                "value": o.value,
                "comparison": o.op,
                "threshold": o.threshold,
                "text": o.text,
            }
            for o in observations(advice_figures(profile))
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary="Load profile of a site or meter over a period",
        description=(
            "Hourly figures over the days [start, end] of the site's time zone (at most 366), from the "
            "hourly values of the day rollups: energy, mean load, base load (each day's lowest hour "
            "between 00:00 and 05:00, averaged), its share of the mean, peak demand and its hour, the "
            "peak-to-average ratio and the energy outside the site's production shifts; the same for "
            "the previous period of equal length and the changes; the typical weekday and weekend day; "
            "and the observations of the advice rules, each naming the figure it rests on. Without "
            "`meter`, the site's top-level electricity meters summed (kW)."
        ),
        parameters=[
            OpenApiParameter("site", str, required=True, description="Site code"),
            OpenApiParameter("meter", str, description="Meter code; empty for the whole site"),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True, description="Inclusive"),
        ],
        responses={200: LoadProfileSerializer},
    )
)
class LoadProfileViewSet(viewsets.ViewSet):
    permission_classes = [capability_permission(read=Capability.KPIS_READ)]

    def list(self, request, *args, **kwargs):
        query = LoadProfileQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        profile = load_profile(site=data["site"], start=data["start"], end=data["end"], meter=data["meter"])
        return Response(LoadProfileSerializer(load_profile_data(profile)).data)
