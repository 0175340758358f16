from __future__ import annotations

import datetime as dt
import gzip

import orjson
import pytest
from django.core.cache import cache
from django.test import Client

from metering.choices import Medium, MeterKind
from metering.services.gateways import gateway_create
from metering.services.meters import meter_create

SINCE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
URL = "/api/v1/readings/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def meters(site):
    """A register E-101 and E-102, an interval gas meter G-01, and a virtual meter."""
    e101 = meter_create(
        site=site,
        code="E-101",
        name="Crushing line",
        medium=Medium.ELECTRICITY,
        unit="kWh",
        kind=MeterKind.REGISTER,
        active_from=SINCE,
        register_max=99999,
    )
    e102 = meter_create(
        site=site,
        code="E-102",
        name="Sorting line",
        medium=Medium.ELECTRICITY,
        unit="kWh",
        kind=MeterKind.REGISTER,
        active_from=SINCE,
    )
    g01 = meter_create(
        site=site,
        code="G-01",
        name="Boiler gas",
        medium=Medium.NATURAL_GAS,
        unit="m3",
        kind=MeterKind.INTERVAL,
        active_from=SINCE,
    )
    virtual = meter_create(
        site=site,
        code="E-REST",
        name="Rest",
        medium=Medium.ELECTRICITY,
        unit="kWh",
        kind=MeterKind.REGISTER,
        active_from=SINCE,
        is_virtual=True,
        formula="[E-101] - [E-102]",
    )
    return {"E-101": e101, "E-102": e102, "G-01": g01, "E-REST": virtual}


@pytest.fixture
def gateway(site, meters):
    """A gateway scoped to E-101 and G-01 (not E-102); its key is on ``.key``."""
    issued = gateway_create(site=site, name="GW-1", meters=[meters["E-101"], meters["G-01"]])
    issued.gateway.key = issued.key
    return issued.gateway


class GatewayClient:
    """Posts readings with the gateway's Api-Key, as a shop-floor gateway does."""

    def __init__(self, key: str) -> None:
        self.client = Client()
        self.key = key

    def post(self, body=None, *, csv: str | None = None, query: str = "", gzipped: bool = False, **extra):
        if csv is not None:
            data, content_type = csv.encode(), "text/csv"
        elif isinstance(body, bytes):
            data, content_type = body, "application/json"
        else:
            data, content_type = orjson.dumps(body), "application/json"
        headers = {"HTTP_AUTHORIZATION": f"Api-Key {self.key}", **extra}
        if gzipped:
            data = gzip.compress(data)
            headers["HTTP_CONTENT_ENCODING"] = "gzip"
        return self.client.post(URL + query, data=data, content_type=content_type, **headers)


@pytest.fixture
def gw(gateway):
    return GatewayClient(gateway.key)


def reading(meter="E-101", ts="2026-11-01T10:15:00+08:00", value=100.0, **extra):
    return {"meter": meter, "ts": ts, "value": value, **extra}


def interval(
    meter="G-01", start="2026-11-01T10:00:00+08:00", end="2026-11-01T10:15:00+08:00", value=5.0, **extra
):
    return {"meter": meter, "start": start, "end": end, "value": value, **extra}
