from django.conf import settings
from django.utils.translation import gettext as _

from api.base.problems import problem
from imports.reading import MAX_BYTES as IMPORT_FILE_MAX_BYTES

# Multipart bodies larger than UPLOAD_BODY_MAX_BYTES, by path: a spreadsheet import reads
# files of up to 20 MB (the view answers 413 above that), plus its form.
LARGE_UPLOAD_PATHS = {"/api/v1/imports/": IMPORT_FILE_MAX_BYTES + 1024 * 1024}


class RequestSizeLimitMiddleware:
    """Refuse oversized API bodies by their Content-Length before anything reads them.

    JSON is limited to 1 MB (the parser also checks the real size); multipart uploads to the
    largest file we accept plus its form (LARGE_UPLOAD_PATHS: a spreadsheet import's 20 MB).
    Everything else is left to Django's own limits.

    A body sent with Transfer-Encoding (chunked) is refused with 411: WSGI hands it over
    without a Content-Length, and Django then reads it as empty, so a valid lease would be
    answered "field required" (or a PATCH would change nothing and say 200).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            if request.META.get("HTTP_TRANSFER_ENCODING"):
                return problem(
                    411,
                    "length_required",
                    _("Send the body with a Content-Length: chunked request bodies are not read."),
                    instance=request.path,
                )
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            multipart = request.content_type == "multipart/form-data"
            limit = settings.UPLOAD_BODY_MAX_BYTES if multipart else settings.JSON_BODY_MAX_BYTES
            if multipart:
                limit = max(limit, LARGE_UPLOAD_PATHS.get(request.path, 0))
            if length > limit:
                return problem(
                    413,
                    "payload_too_large",
                    _("The request body is larger than %(size)d KB.") % {"size": limit // 1024},
                    instance=request.path,
                )
        return self.get_response(request)
