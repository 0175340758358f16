"""The error answers of the API, documented once for every operation of the OpenAPI schema.

Every refusal has one of two bodies (``core/exceptions.py`` and DRF write them):

- ``Error``: ``{"detail": "...", "code": "..."}``; ``code`` is there for domain errors, DRF's own
  refusals (401, 403, 404, 415, 429) send ``detail`` only;
- ``FieldErrors``: the field names of the request mapped to their messages (``non_field_errors``
  for the whole body; a nested object for nested fields and list items), maybe with a ``code``.

``error_responses`` is a drf-spectacular post-processing hook: it adds the error answers an
operation can give to what its view documents, so no view repeats them and none forgets one.
"""

from __future__ import annotations

import copy
from typing import Any

ERROR = "Error"
FIELD_ERRORS = "FieldErrors"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
HTTP_METHODS = {"GET", *WRITES}

COMPONENTS: dict[str, dict[str, Any]] = {
    ERROR: {
        "type": "object",
        "description": "A refusal: why (`detail`, in the caller's language) and, for domain rules, a "
        "stable `code` (`invalid`, `not_allowed`, `already_exists`, `transition_not_allowed`, "
        "`too_large`, ...).",
        "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
        "required": ["detail"],
    },
    FIELD_ERRORS: {
        "type": "object",
        "description": "Field name -> its messages (`non_field_errors`: the body as a whole); nested "
        "fields and list items nest the same way; `code` may say which domain rule refused.",
        "minProperties": 1,
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
                {"type": "object"},
                {"type": "string"},
            ]
        },
    },
}

DESCRIPTIONS = {
    400: "Refused: the request is invalid (field errors, or `detail` and `code`).",
    401: "No valid credentials (send a session, `Authorization: Token <token>` or a gateway key).",
    403: "Signed in, but this role may not do this, or a domain rule refused it.",
    404: "No such object, or a referenced one does not exist.",
    409: "Conflicts with the current state: it already exists, or the change is not allowed now.",
    413: "The body is over the size limit (the message names it).",
    415: "Unsupported media type or content encoding.",
    429: "Too many requests: retry after `Retry-After` seconds.",
}


HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "How to authenticate."}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def error_codes(*, path: str, method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer: every one needs credentials and a role; ids in
    the path may not exist; bodies and query filters are validated; writes meet domain rules;
    uploaded files have a size limit. A view documents any other (413, 429) itself."""
    codes = {401, 403}
    body = operation.get("requestBody", {}).get("content", {})
    has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    if "{" in path:
        codes.add(404)
    if body or has_query or method in WRITES:
        codes.add(400)
    if method in WRITES:
        codes.add(409)
    if body:
        codes.add(415)
    if "multipart/form-data" in body:
        codes.add(413)
    codes.update(int(code) for code in operation.get("responses", {}) if code.isdigit() and int(code) >= 400)
    return codes


def _error_schema(code: int) -> dict[str, Any]:
    if code == 400:
        return {"anyOf": [_ref(ERROR), _ref(FIELD_ERRORS)]}
    return _ref(ERROR)


def _with_errors(response: dict[str, Any], code: int) -> dict[str, Any]:
    """A response the view documents itself, widened by the shared error bodies of that status."""
    content = response.setdefault("content", {})
    documented = content.get("application/json", {}).get("schema")
    errors = _error_schema(code)
    if documented is None:
        content["application/json"] = {"schema": errors}
    elif documented != errors:
        alternatives = errors.get("anyOf", [errors])
        content["application/json"] = {"schema": {"anyOf": [documented, *alternatives]}}
    return response


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular post-processing hook: the shared error components, and on every operation
    the error answers it can give (see ``error_codes``)."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(copy.deepcopy(COMPONENTS))
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method.upper() in HTTP_METHODS:
                _document_errors(path=path, method=method.upper(), operation=operation)
    return result


def _document_errors(*, path: str, method: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    for code in sorted(error_codes(path=path, method=method, operation=operation)):
        key = str(code)
        response = responses.get(key) or {}
        responses[key] = _with_errors(response, code)
        responses[key]["description"] = response.get("description") or DESCRIPTIONS[code]
        if code in HEADERS:
            responses[key].setdefault("headers", copy.deepcopy(HEADERS[code]))
