"""The OpenAPI document describes errors exactly as they are sent.

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

SERVICE_CODE = "invalid"


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
