"""Plain Django views: the /problems/<slug> pages and Django-level errors under /api/."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found, server_error

from api.base.errors import server_error_problem
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
    if request.path.startswith("/api/"):
        return server_error_problem(request.path)
    return server_error(request)
