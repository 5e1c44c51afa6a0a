"""`/api/v1/` answers an index of the API; `/` says what this server is."""

import re

API = "http://testserver/api/v1/"


def test_the_api_root_answers_an_index_of_its_resources_to_anyone(api_client, db):
    response = api_client.get("/api/v1/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "schema": f"{API}schema/",
        "docs": f"{API}docs/",
        "resources": {
            "applications": f"{API}applications/",
            "auth/me": f"{API}auth/me/",
            "auth/me/calendar-token": f"{API}auth/me/calendar-token/",
            "auth/register": f"{API}auth/register/",
            "auth/token": f"{API}auth/token/",
            "bookings": f"{API}bookings/",
            "buildings": f"{API}buildings/",
            "chain/companies": f"{API}chain/companies/",
            "chain/memberships": f"{API}chain/memberships/",
            "chain/partners": f"{API}chain/partners/",
            "charges": f"{API}charges/",
            "companies": f"{API}companies/",
            "directory/changes": f"{API}directory/changes/",
            "directory/snapshot": f"{API}directory/snapshot/",
            "exports/companies": f"{API}exports/companies/",
            "exports/contacts": f"{API}exports/contacts/",
            "exports/leases": f"{API}exports/leases/",
            "exports/payments": f"{API}exports/payments/",
            "exports/units": f"{API}exports/units/",
            "exports/usage": f"{API}exports/usage/",
            "floors": f"{API}floors/",
            "imports": f"{API}imports/",
            "invoice-runs": f"{API}invoice-runs/",
            "invoice-series": f"{API}invoice-series/",
            "invoices": f"{API}invoices/",
            "invoices/issue": f"{API}invoices/issue/",
            "leases": f"{API}leases/",
            "occupancy": f"{API}occupancy/",
            "occupancy/series": f"{API}occupancy/series/",
            "parks": f"{API}parks/",
            "payments": f"{API}payments/",
            "programs": f"{API}programs/",
            "reports/aging": f"{API}reports/aging/",
            "reports/summary": f"{API}reports/summary/",
            "reviews": f"{API}reviews/",
            "units": f"{API}units/",
            "usage": f"{API}usage/",
            "users": f"{API}users/",
        },
    }


def test_every_resource_of_the_index_is_an_endpoint_of_the_api(manager_client):
    resources = manager_client.get("/api/v1/").json()["resources"]
    statuses = {
        name: manager_client.get(url.removeprefix("http://testserver")).status_code
        for name, url in resources.items()
    }
    # A GET that needs parameters (the summary's park and year) or is POST-only is still
    # there: not a 404.
    assert {name for name, status in statuses.items() if status == 404} == set()


def test_the_site_root_is_a_page_that_links_the_admin_the_api_docs_and_the_health_check(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert re.findall(r'href="([^"]+)"', html) == [
        "/admin/",
        "/api/v1/docs/",
        "/api/v1/",
        "/api/v1/schema/",
        "/problems/",
        "/healthz",
    ]
    assert re.search(r"<title>([^<]+)</title>", html).group(1) == "softpark"
