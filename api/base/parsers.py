from django.conf import settings
from rest_framework.parsers import JSONParser

# The module, not the class: api.base.errors imports rest_framework.views, which imports this
# parser through DRF's settings (a cycle whenever api.base.errors is imported first).
from api.base import errors


class LimitedJSONParser(JSONParser):
    """JSON bodies are limited to JSON_BODY_MAX_BYTES, whatever Content-Length claims.

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
        from io import BytesIO

        return super().parse(BytesIO(body), media_type, parser_context)
