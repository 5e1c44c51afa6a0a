"""drf-spectacular hooks: the problem+json responses every operation may give."""

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; `code` is stable, see /problems/ for each.",
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
    "411": "Length required: send a Content-Length, not a chunked body.",
    "412": "If-Match does not match the current ETag.",
    "413": "Payload too large.",
    "415": "Unsupported media type.",
    "422": "Idempotency-Key reused for a different request.",
    "429": "Too many requests.",
    "503": "Service unavailable: the database or file storage does not answer; see Retry-After.",
}


def add_problem_responses(result, generator, request, public):
    """Declare the Problem schema and the error responses on every operation.

    An error response that a view declares without a body (the 503 of /healthz) gets the
    Problem body too. Request bodies say `additionalProperties: false`, since the base
    serializer refuses unknown fields with 400 (clients and the fuzz test read the schema).
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA

    def problem_content():
        return {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}

    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in _COMMON.items():
                responses.setdefault(
                    status, {"description": description, "content": problem_content()}
                )
            for status, response in responses.items():
                if str(status)[:1] in {"4", "5"} and not response.get("content"):
                    response["content"] = problem_content()
            for media_type in operation.get("requestBody", {}).get("content", {}).values():
                _refuse_unknown_fields(media_type.get("schema", {}), schemas)
    return result


def _refuse_unknown_fields(schema: dict, schemas: dict) -> None:
    name = schema.get("$ref", "").rpartition("/")[2]
    target = schemas.get(name) if name else schema
    if target and target.get("type") == "object" and "properties" in target:
        target.setdefault("additionalProperties", False)
