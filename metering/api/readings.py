"""The readings API: the readings upload used by gateways (and staff), and the list of readings."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from greenfactory.accounts.roles import Capability, can
from greenfactory.core import metrics
from greenfactory.core.exceptions import PayloadTooLarge
from greenfactory.sites.models import Site
from metering.api.authentication import (
    GatewayKeyAuthentication,
    GatewayRateThrottle,
    RawBodySessionAuthentication,
)
from metering.choices import Quality, Source
from metering.filters.readings import ReadingFilter
from metering.models import Gateway, Reading
from metering.selectors import readings as selectors
from metering.services import ingest
from metering.services.parsing import UnsupportedMediaType, gunzip, payload_parse


class CanUploadOrReadReadings(BasePermission):
    """Gateways (with their key) and staff may POST; staff may GET. A gateway user with a session may not."""

    def has_permission(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return can(request.user, Capability.READINGS_READ)
        if request.method != "POST":
            return False
        if isinstance(request.auth, Gateway):
            return can(request.user, Capability.READINGS_INGEST)
        return can(request.user, Capability.READINGS_WRITE)


class ReadingSerializer(serializers.ModelSerializer):
    meter = serializers.CharField(source="meter.code")
    site = serializers.CharField(source="meter.site.code")

    class Meta:
        model = Reading
        fields = ["id", "site", "meter", "start", "ts", "value", "quality", "source", "created_at"]


# The upload body and its answer, for the schema only: the upload itself is parsed without
# serializers (services/parsing.py and services/ingest.py), which answer exactly this.
class ReadingRowSerializer(serializers.Serializer):
    meter = serializers.CharField(help_text="The meter's code.")
    ts = serializers.DateTimeField(
        required=False, help_text="Register meters: the reading's time, with offset."
    )
    start = serializers.DateTimeField(required=False, help_text="Interval meters: start of the interval.")
    end = serializers.DateTimeField(required=False, help_text="Interval meters: end of the interval.")
    value = serializers.FloatField(help_text="Register value, or the interval's quantity.")
    unit = serializers.CharField(
        required=False, help_text="Default: the meter's unit; converted when compatible."
    )
    quality = serializers.ChoiceField(choices=Quality.choices, required=False, help_text="Default actual.")
    correction = serializers.BooleanField(required=False, help_text="true: replace a different stored value.")


class ReadingRowSchema(OpenApiSerializerExtension):
    """A row has either ``ts`` (a register) or ``start`` and ``end`` (an interval)."""

    target_class = "metering.api.readings.ReadingRowSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema["oneOf"] = [{"required": ["ts"]}, {"required": ["start", "end"]}]
        return schema


class ReadingsUploadSerializer(serializers.Serializer):
    batch_id = serializers.CharField(
        required=False, max_length=100, help_text="Makes a resend of the same batch a no-op."
    )
    readings = ReadingRowSerializer(many=True)


class RowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The row's position in the body (0 first).")
    meter = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    status = serializers.IntegerField(help_text="400 invalid, 403 outside the gateway's scope, 409 conflict.")


class IngestResultSerializer(serializers.Serializer):
    batch_id = serializers.CharField()
    rows = serializers.IntegerField()
    accepted = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    conflict = serializers.IntegerField()
    corrected = serializers.IntegerField()
    rejected = serializers.IntegerField()
    stored = serializers.BooleanField()
    replayed = serializers.BooleanField()
    errors = RowErrorSerializer(many=True)


_RESULT = IngestResultSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List readings (staff)", description="Filter by meter id, time, quality and source."
    ),
    create=extend_schema(
        summary="Upload a batch of readings",
        description=(
            "Gateways send `Authorization: Api-Key <key>`. Body: JSON "
            '`{"batch_id": "...", "readings": [{"meter": "E-101", "ts": "2026-11-28T10:15:00+08:00", '
            '"value": 12345.6, "quality": "actual"}]}` (interval meters: `start` and `end` instead of '
            "`ts`), or `text/csv` with a header `meter,ts,value[,quality]` or "
            "`meter,start,end,value[,quality]`. `Content-Encoding: gzip` is accepted. Staff must name "
            "the site with `?site=CODE`. Answers 200 (all stored or already there), 207 (some rows "
            "refused, the rest stored), or 400/403/409 when nothing was stored; 413 over the size "
            "limits; 429 with Retry-After when a gateway sends too fast."
        ),
        request={"application/json": ReadingsUploadSerializer, "text/csv": OpenApiTypes.STR},
        parameters=[
            OpenApiParameter("atomic", bool, description="true: one refused row refuses the whole batch"),
            OpenApiParameter("site", str, description="Site code (staff uploads only)"),
            OpenApiParameter("batch_id", str, description="Batch id for CSV bodies"),
        ],
        # A body that cannot be read at all (malformed JSON or CSV, bad gzip) answers the shared
        # error body, added to 400 with every other error answer by greenfactory/core/openapi.py.
        responses={
            200: _RESULT,
            207: _RESULT,
            400: _RESULT,
            403: _RESULT,
            404: OpenApiResponse(description="No site with that code (staff uploads)."),
            409: _RESULT,
            413: OpenApiResponse(description="The body, or its inflated gzip, is over the size limit."),
            429: OpenApiResponse(description="The gateway sends too fast: retry after Retry-After seconds."),
        },
    ),
)
class ReadingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """GET lists readings; POST ingests a batch without per-row serializers (see services.ingest)."""

    serializer_class = ReadingSerializer
    authentication_classes = [GatewayKeyAuthentication, RawBodySessionAuthentication, TokenAuthentication]
    permission_classes = [CanUploadOrReadReadings]
    throttle_classes = [GatewayRateThrottle]
    filterset_class = ReadingFilter
    ordering_fields = ["ts"]
    parser_classes = []  # the body is read raw: size-limited, maybe gzip, JSON or CSV

    def get_queryset(self):
        return selectors.reading_list()

    def create(self, request, *args, **kwargs):
        body = _read_body(request)
        batch_id, rows = payload_parse(body=body, content_type=request.content_type or "")
        batch_id = batch_id or request.query_params.get("batch_id", "")[:100]
        gateway = request.auth if isinstance(request.auth, Gateway) else None
        if gateway is not None:
            site = gateway.site
        else:
            code = request.query_params.get("site", "")
            if not code:
                raise serializers.ValidationError({"site": [_("Name the site: ?site=CODE.")]})
            site = get_object_or_404(Site, code=code)
        result = ingest.readings_ingest(
            site=site,
            raw_rows=rows,
            source=Source.GATEWAY if gateway else Source.MANUAL,
            batch_id=batch_id,
            gateway=gateway,
            by=None if gateway else request.user,
            atomic=request.query_params.get("atomic", "").lower() in ("1", "true", "yes"),
        )
        metrics.ingest_record(result)
        return Response(result.as_dict(), status=result.http_status)


def _read_body(request) -> bytes:
    """The request body, refused with 413 beyond the limits before it is all read or inflated.

    A body sent with ``Transfer-Encoding: chunked`` has no Content-Length, and Django's request
    stream then reads nothing: such a body is read from the server's input stream, with the same
    limit, until it ends."""
    limit = settings.INGEST_MAX_BYTES
    too_big = PayloadTooLarge(_("The body is larger than the limit of %(limit)s bytes.") % {"limit": limit})
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_big
    if declared == 0 and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
        body = _read_until_end(request.META["wsgi.input"], limit + 1)
    else:
        stream = request.stream
        body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise too_big
    encoding = request.META.get("HTTP_CONTENT_ENCODING", "identity").strip().lower()
    if encoding == "gzip":
        return gunzip(body=body, max_bytes=settings.INGEST_MAX_UNCOMPRESSED_BYTES)
    if encoding not in ("", "identity"):
        raise UnsupportedMediaType(_("Unsupported Content-Encoding; send gzip or none."))
    return body


def _read_until_end(stream, most: int) -> bytes:
    """Up to ``most`` bytes of a stream that may return fewer bytes per read than asked for."""
    parts: list[bytes] = []
    size = 0
    while size < most:
        part = stream.read(min(64 * 1024, most - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)
