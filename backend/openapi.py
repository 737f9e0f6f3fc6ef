"""The OpenAPI document describes errors exactly as they are sent.

``AutoSchema`` adds the answers every deployment may give besides drf-standardized-errors'
own: 409 (a change made at the same moment won) and 413 (a request too large) for every
write, 412 (a stale If-Match) for PUT and PATCH, and 503 (the database out of reach, with
Retry-After) for every operation.

drf-standardized-errors documents each operation's validation errors from its serializer
or filter set: one component per field, ``attr`` naming the field and ``code`` listing the
codes the field itself raises. Three things it writes differently from what is sent:

- a field inside a list is documented as ``ratings.INDEX.outcome``; the response names the
  item, ``ratings.0.outcome``;
- an error about a whole list (``required``, ``not_a_list``) is documented under
  ``attendance.non_field_errors``; the response may name the list itself, ``attendance``;
- our services check the rules of the Code and raise their own messages on the fields
  they concern, always with the code ``invalid``; the field's own codes do not list it.

This hook (after drf-standardized-errors' own) rewrites the error components so that the
schema matches the responses, which the fuzz test checks (tests/test_fuzz.py).
"""

import re

from django.db import models
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum, ServerErrorEnum
from rest_framework import serializers

SERVICE_CODE = "invalid"


class ErrorCode409Enum(models.TextChoices):
    CONFLICT = "conflict"


class ErrorCode412Enum(models.TextChoices):
    PRECONDITION_FAILED = "precondition_failed"


class ErrorCode413Enum(models.TextChoices):
    REQUEST_TOO_LARGE = "request_too_large"


class ErrorCode503Enum(models.TextChoices):
    SERVICE_UNAVAILABLE = "service_unavailable"


def _error_response(status: int, codes, kind):
    error = type(f"Error{status}Serializer", (serializers.Serializer,), {
        "code": serializers.ChoiceField(choices=codes.choices),
        "detail": serializers.CharField(),
        "attr": serializers.CharField(allow_null=True),
    })
    return type(f"ErrorResponse{status}Serializer", (serializers.Serializer,), {
        "type": serializers.ChoiceField(choices=kind.choices),
        "errors": error(many=True),
    })


# Named in settings (DRF_STANDARDIZED_ERRORS["ERROR_SCHEMAS"]).
ErrorResponse409Serializer = _error_response(409, ErrorCode409Enum, ClientErrorEnum)
ErrorResponse412Serializer = _error_response(412, ErrorCode412Enum, ClientErrorEnum)
ErrorResponse413Serializer = _error_response(413, ErrorCode413Enum, ClientErrorEnum)
ErrorResponse503Serializer = _error_response(503, ErrorCode503Enum, ServerErrorEnum)
WRITES = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(StandardizedErrorsSchema):
    def _should_add_http429_error_response(self) -> bool:
        """Throttled views, and sign-in (``locks_out``: axes's lockout is a 429 too)."""
        return getattr(self.view, "locks_out", False) or \
            super()._should_add_http429_error_response()

    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code in ("409", "413"):
            return self.method in WRITES and status_code not in responses
        if status_code == "412":
            return self.method in ("PUT", "PATCH") and status_code not in responses
        return super()._should_add_error_response(responses, status_code)


def _attr_pattern(attr: str) -> str | None:
    parts = [r"\d+" if part == "INDEX" else re.escape(part) for part in attr.split(".")]
    pattern = r"\.".join(parts)
    if attr.endswith(".non_field_errors") and attr != "non_field_errors":
        list_attr = r"\.".join(parts[:-1])
        pattern = f"{list_attr}(?:\\.non_field_errors)?"
    elif "INDEX" not in attr:
        return None
    return f"^{pattern}$"


def errors_as_sent(result, generator, request, public):
    schemas = result.get("components", {}).get("schemas", {})
    patterned = set()
    for name, schema in schemas.items():
        if not name.endswith("ErrorComponent"):
            continue
        properties = schema.get("properties", {})
        attr, code = properties.get("attr", {}), properties.get("code", {})
        values = attr.get("enum") or []
        if len(values) == 1 and isinstance(values[0], str):
            pattern = _attr_pattern(values[0])
            if pattern:
                attr.pop("enum")
                attr["pattern"] = pattern
                patterned.add(f"#/components/schemas/{name}")
        if "enum" in code and SERVICE_CODE not in code["enum"]:
            code["enum"] = sorted([*code["enum"], SERVICE_CODE])
            code["description"] = "\n".join(f"* `{c}` - {c}" for c in code["enum"])
    # A discriminator maps literal attr values to components; once an attr is a pattern,
    # the oneOf alone chooses (each attr still matches exactly one component).
    for schema in schemas.values():
        refs = {option.get("$ref") for option in schema.get("oneOf", [])}
        if refs & patterned and schema.get("discriminator", {}).get("propertyName") == "attr":
            schema.pop("discriminator")
    return result
