"""The yardstick of the HTTP scenario: a bare Django view, no REST framework, no
authentication, returning the same first 100 companies through `json.dumps`."""

from django.http import HttpResponse

from bench.scenarios.s1_companies_list import baseline_body


def bare_companies(request):
    return HttpResponse(baseline_body(), content_type="application/json")
