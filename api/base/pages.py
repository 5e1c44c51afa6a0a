"""Plain Django views: the /problems/<slug> pages and Django-level errors under /api/."""

import sys

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found, server_error

from api.base.errors import (
    RETRY_AFTER_SECONDS,
    is_database_outage,
    is_storage_failure,
    outage_problem,
    server_error_problem,
    storage_problem,
)
from api.base.problems import PROBLEM_TYPES, code_of, problem, slug_of


def problem_page(request, slug: str):
    code = code_of(slug)
    if code is None or slug != slug_of(code):
        raise Http404(slug)
    status, title, description = PROBLEM_TYPES[code]
    context = {"code": code, "status": status, "title": title, "description": description}
    return render(request, "api/problem.html", context)


def problem_index(request):
    problems = [
        {"code": code, "slug": slug_of(code), "status": status, "title": title}
        for code, (status, title, _description) in PROBLEM_TYPES.items()
    ]
    return render(request, "api/problem_index.html", {"problems": problems})


def handler404(request, exception=None):
    if request.path.startswith("/api/"):
        return problem(404, "not_found", _("No such URL."), instance=request.path)
    return page_not_found(request, exception)


def handler500(request):
    # Django calls this inside its `except`: the error is still the one being handled.
    exc = sys.exc_info()[1]
    if exc is not None and (is_database_outage(exc) or is_storage_failure(exc)):
        outage = outage_problem if is_database_outage(exc) else storage_problem
        response = outage(request, exc)
        if request.path.startswith("/api/"):
            return response
        # The admin and the pages: plain text, since the error templates may need the database.
        return HttpResponse(
            _("The service is unavailable for a moment; retry in a few seconds.\n"),
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if request.path.startswith("/api/"):
        return server_error_problem(request.path)
    return server_error(request)
