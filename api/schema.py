"""drf-spectacular hooks: the problem+json responses every operation may give."""

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details (design/api.md, Errors).",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["field", "code", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail", "code", "instance"],
    "additionalProperties": True,
}

_COMMON = {
    "400": "Invalid request (validation_error).",
    "401": "Authentication required or failed.",
    "403": "Permission denied.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "Conflict with the current state.",
    "412": "If-Match does not match the current ETag.",
    "413": "Payload too large.",
    "415": "Unsupported media type.",
    "422": "Idempotency-Key reused for a different request.",
    "429": "Too many requests.",
}


def add_problem_responses(result, generator, request, public):
    """Declare the Problem schema and the error responses on every operation."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in _COMMON.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": ref}},
                    },
                )
    return result
