from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# The module, not the class: api.base.errors imports rest_framework.views, which imports this
# parser through DRF's settings (a cycle whenever api.base.errors is imported first).
from api.base import errors

# Far deeper than any body of ours (an application's team.0.email is three levels), far below
# Python's recursion limit: whatever walks the data later (serializers, the idempotency
# fingerprint, a JSON field's encoder) recurses again, on top of the request's own stack.
JSON_MAX_DEPTH = 64


class LimitedJSONParser(JSONParser):
    """JSON bodies are limited to JSON_BODY_MAX_BYTES, whatever Content-Length claims, and to
    JSON_MAX_DEPTH levels of objects and arrays (a 400 parse error, never a RecursionError).

    Reading one byte past the limit catches chunked or understated bodies without loading
    an unbounded body into memory.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.JSON_BODY_MAX_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise errors.PayloadTooLarge(f"JSON bodies are limited to {limit // 1024} KB.")
        if not body.strip():
            return {}
        too_deep = ParseError(
            _("JSON parse error - nested deeper than %(depth)d levels.") % {"depth": JSON_MAX_DEPTH}
        )
        try:
            data = super().parse(BytesIO(body), media_type, parser_context)
        except RecursionError:  # thousands of levels: json gives up before we can count
            raise too_deep from None
        if nesting_depth(data) > JSON_MAX_DEPTH:
            raise too_deep
        return data


def nesting_depth(data) -> int:
    """Levels of objects and arrays in parsed JSON (0 for a bare value), counted without
    recursion."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest
