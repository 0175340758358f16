"""Uploaded YAML may not use aliases: a few hundred bytes of nested aliases (the "billion laughs")
would unfold into billions of values when the parser walks the tree. The upload is refused at once
with the line of the first alias, and nothing is stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certifications.models import Scheme, Standard
from certifications.parsers.green_factory_rows import parse_scheme_yaml
from certifications.parsers.standards import parse_yaml

pytestmark = pytest.mark.django_db

LAUGHS = "\n".join(
    [
        "code: ISO 9999",
        "edition: '2030'",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)),
        "clauses: *i",
    ]
)


def test_the_standards_parser_refuses_the_first_alias_with_its_line():
    data, problems = parse_yaml(LAUGHS)
    assert data is None
    assert [(p.location, p.message) for p in problems] == [
        ("line 4", "Aliases (*name) are not accepted: write each value out.")
    ]


def test_the_scheme_parser_refuses_an_alias_too():
    data, problems = parse_scheme_yaml("code: X\ntitle: &t Demo\ntitle_zh: *t\n")
    assert data is None
    assert [(p.location, p.message) for p in problems] == [
        ("line 3", "Aliases (*name) are not accepted: write each value out.")
    ]


def test_the_upload_pages_and_api_answer_400_and_store_nothing(staff_client):
    page = staff_client.post("/standards/import/", {"file": SimpleUploadedFile("l.yaml", LAUGHS.encode())})
    assert page.status_code == 400
    assert "Aliases (*name) are not accepted" in page.content.decode()
    api = staff_client.post(
        "/api/v1/green-factory-schemes/import/",
        {"file": SimpleUploadedFile("s.yaml", b"code: X\ntitle: &t Demo\ntitle_zh: *t\n")},
        format="multipart",
    )
    assert api.status_code == 400
    assert not Standard.objects.filter(code="ISO 9999").exists()
    assert not Scheme.objects.filter(code="X").exists()


def test_anchors_without_aliases_and_plain_files_still_load():
    data, problems = parse_yaml(
        "code: ISO 9999\nedition: '2030'\ntitle: &t Quality\nclauses:\n  - number: '4'\n    title: Context\n"
    )
    assert problems == []
    assert data is not None
