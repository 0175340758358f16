"""The body-size refusal shared by upload pages and endpoints."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from greenfactory.core.exceptions import PayloadTooLarge
from greenfactory.core.uploads import MULTIPART_OVERHEAD, refuse_oversized_body

MB = 1024 * 1024


def _request(length: str):
    return RequestFactory().post("/", CONTENT_LENGTH=length)


def test_a_body_within_the_limit_and_its_multipart_overhead_is_let_through():
    refuse_oversized_body(_request(str(MB + MULTIPART_OVERHEAD)), limit=MB)


def test_a_body_declared_over_the_limit_is_refused_naming_the_limit():
    with pytest.raises(PayloadTooLarge, match="1.0 MB"):
        refuse_oversized_body(_request(str(MB + MULTIPART_OVERHEAD + 1)), limit=MB)


def test_the_caller_chooses_the_error_raised():
    class Custom(PayloadTooLarge):
        pass

    with pytest.raises(Custom):
        refuse_oversized_body(_request(str(10 * MB)), limit=MB, error=Custom)


def test_a_missing_or_garbled_length_is_not_refused():
    refuse_oversized_body(_request("not a number"), limit=MB)
    refuse_oversized_body(_request(""), limit=MB)
