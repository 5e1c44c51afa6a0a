"""The managers' admin: programs with criteria, applications with their timeline, actions."""

from datetime import date

import pytest

from incubator.models import Application, Criterion, Program
from park.models import Lease
from tenants.models import CompanyMember
from tests.factories import (
    make_application,
    make_company,
    make_pool,
    make_program,
    make_representative,
    make_review,
    make_tax_code,
)


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


def inline_management(prefix, total=0, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def program_form(**overrides):
    data = {
        "name": "Mekong 2028",
        "slug": "mekong-2028",
        "description": "",
        "opens_at_0": "2028-01-01",
        "opens_at_1": "08:00:00",
        "closes_at_0": "2028-03-31",
        "closes_at_1": "17:00:00",
        "seats": "5",
        "incubation_months": "6",
        "workspace_unit": "",
        "is_published": "on",
        **inline_management("criteria", total=1),
        "criteria-0-name": "Đội ngũ",
        "criteria-0-description": "",
        "criteria-0-weight": "2",
        "criteria-0-max_score": "10",
        "criteria-0-order": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_manager_adds_a_program_with_criteria_through_the_service(admin_client, manager):
    response = admin_client.post("/admin/incubator/program/add/", program_form())
    assert response.status_code == 302
    program = Program.objects.get()
    assert [c.name for c in Criterion.objects.filter(program=program)] == ["Đội ngũ"]
    assert program.history.get().history_user == manager


@pytest.mark.django_db
def test_the_program_form_shows_the_services_refusals(admin_client):
    office = make_pool(desks=2)
    office.kind = "office"
    office.save()
    response = admin_client.post(
        "/admin/incubator/program/add/", program_form(workspace_unit=str(office.pk))
    )
    assert response.status_code == 200
    assert "must be a coworking desk pool" in response.content.decode()
    backwards = admin_client.post(
        "/admin/incubator/program/add/", program_form(closes_at_0="2027-01-01")
    )
    assert backwards.status_code == 200
    assert Program.objects.count() == 0


@pytest.mark.django_db
def test_the_application_page_shows_the_timeline_reviews_and_score(admin_client):
    application = make_application(state="interview")
    make_review(application, recommendation="accept", comment="Rất hứa hẹn")
    response = admin_client.get(f"/admin/incubator/application/{application.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rất hứa hẹn" in page
    assert page.count("Screening") >= 1
    listing = admin_client.get(
        "/admin/incubator/application/", {"state__exact": "interview", "q": "khoi nghiep"}
    )
    assert list(listing.context["cl"].result_list) == [application]


@pytest.mark.django_db
def test_an_illegal_admin_action_is_a_message_not_a_500(admin_client):
    draft = make_application()
    interview = make_application(state="interview")
    response = admin_client.post(
        "/admin/incubator/application/",
        {"action": "move_to_accepted", "_selected_action": [str(draft.pk), str(interview.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    texts = [str(message) for message in response.context["messages"]]
    assert f"{draft}: A draft application cannot become accepted." in texts
    assert "1 applications moved." in texts
    assert Application.objects.get(pk=interview.pk).state == "accepted"
    assert Application.objects.get(pk=draft.pk).state == "draft"


@pytest.mark.django_db
def test_the_onboard_action_asks_for_a_date_then_onboards(admin_client):
    pool = make_pool(desks=6)
    application = make_application(program=make_program(workspace_unit=pool), state="accepted")
    url = "/admin/incubator/application/"
    selected = {"action": "onboard", "_selected_action": [str(application.pk)]}

    form_page = admin_client.post(url, selected)
    assert form_page.status_code == 200
    assert "start_date" in form_page.content.decode()

    done = admin_client.post(
        url, {**selected, "apply": "1", "start_date": "2027-02-01"}, follow=True
    )
    assert done.status_code == 200
    application.refresh_from_db()
    assert application.state == "incubating"
    assert Lease.objects.get().start_date == date(2027, 2, 1)


@pytest.mark.django_db
def test_an_onboarding_refusal_in_the_admin_is_a_message(admin_client):
    application = make_application(state="accepted")  # its program has no workspace unit
    response = admin_client.post(
        "/admin/incubator/application/",
        {
            "action": "onboard",
            "_selected_action": [str(application.pk)],
            "apply": "1",
            "start_date": "2027-02-01",
        },
        follow=True,
    )
    texts = [str(message) for message in response.context["messages"]]
    assert texts == [f"{application}: Name a unit: the program has no workspace unit."]
    application.refresh_from_db()
    assert application.state == "accepted"


@pytest.mark.django_db
def test_the_onboard_page_shows_a_tax_code_match_and_joins_it_only_when_ticked(admin_client):
    pool = make_pool(desks=6)
    application = make_application(
        program=make_program(workspace_unit=pool), state="accepted", tax_code=make_tax_code()
    )
    company = make_company(tax_code=application.tax_code, legal_name="Công ty TNHH Sen Vàng")
    url = "/admin/incubator/application/"
    selected = {"action": "onboard", "_selected_action": [str(application.pk)]}

    form_page = admin_client.post(url, selected).content.decode()
    assert f"Tax code {application.tax_code} belongs to Công ty TNHH Sen Vàng." in form_page
    assert f'name="company_{application.pk}" value="{company.pk}"' in form_page

    apply = {**selected, "apply": "1", "start_date": "2027-02-01"}
    unticked = admin_client.post(url, apply, follow=True)
    assert [str(message) for message in unticked.context["messages"]] == [
        f"{application}: Công ty TNHH Sen Vàng already has tax code {application.tax_code}; "
        "confirm that the startup joins it."
    ]
    application.refresh_from_db()
    assert (application.state, CompanyMember.objects.count()) == ("accepted", 0)

    admin_client.post(url, {**apply, f"company_{application.pk}": str(company.pk)}, follow=True)
    application.refresh_from_db()
    assert (application.state, application.company) == ("incubating", company)
    assert list(company.members.values_list("user", flat=True)) == [application.applicant_id]


@pytest.mark.django_db
def test_the_onboard_page_offers_no_company_that_has_representatives(admin_client):
    application = make_application(
        program=make_program(workspace_unit=make_pool(desks=6)),
        state="accepted",
        tax_code=make_tax_code(),
    )
    company = make_company(tax_code=application.tax_code, legal_name="Công ty TNHH Sen Vàng")
    owner = make_representative(company)
    url = "/admin/incubator/application/"
    selected = {"action": "onboard", "_selected_action": [str(application.pk)]}

    form_page = admin_client.post(url, selected).content.decode()
    assert "It already has representatives" in form_page
    assert f'name="company_{application.pk}"' not in form_page

    forced = {"apply": "1", "start_date": "2027-02-01", f"company_{application.pk}": company.pk}
    response = admin_client.post(url, {**selected, **forced}, follow=True)
    assert [str(message) for message in response.context["messages"]] == [
        f"{application}: Công ty TNHH Sen Vàng already has representatives; onboarding never "
        "adds the applicant to it (its representatives or a manager add members)."
    ]
    application.refresh_from_db()
    assert application.state == "accepted"
    assert list(company.members.values_list("user", flat=True)) == [owner.pk]


@pytest.mark.django_db
def test_a_refused_criterion_saves_no_program(admin_client):
    response = admin_client.post(
        "/admin/incubator/program/add/", program_form(**{"criteria-0-weight": "0"})
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors != [{}]
    assert (Program.objects.count(), Criterion.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_manager_edits_a_program_and_its_criteria_through_the_services(admin_client, manager):
    program = make_program(seats=10)
    team, market = program.criteria.order_by("order")
    data = program_form(
        name=program.name,
        slug=program.slug,
        seats="12",
        **inline_management("criteria", total=2, initial=2),
        **{
            "criteria-0-id": str(team.pk),
            "criteria-0-program": str(program.pk),
            "criteria-0-name": "Đội ngũ",
            "criteria-0-weight": "3",
            "criteria-0-max_score": "10",
            "criteria-0-order": "1",
            "criteria-1-id": str(market.pk),
            "criteria-1-program": str(program.pk),
            "criteria-1-name": market.name,
            "criteria-1-description": "",
            "criteria-1-weight": "1",
            "criteria-1-max_score": "5",
            "criteria-1-order": "2",
            "criteria-1-DELETE": "on",
        },
    )

    response = admin_client.post(f"/admin/incubator/program/{program.pk}/change/", data)

    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.seats, program.history.first().history_user) == (12, manager)
    assert list(program.criteria.values_list("pk", "name", "weight")) == [(team.pk, "Đội ngũ", 3)]


@pytest.mark.django_db
def test_a_manager_deletes_an_unused_program_through_the_service(admin_client, manager):
    program = make_program()

    response = admin_client.post(f"/admin/incubator/program/{program.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Program.objects.filter(pk=program.pk).exists()
    deleted = Program.history.filter(id=program.pk, history_type="-").get()
    assert deleted.history_user == manager
