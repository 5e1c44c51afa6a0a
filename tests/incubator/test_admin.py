"""The managers' admin: programs with criteria, applications with their timeline, actions."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from incubator.models import Application, Criterion, Program, ReviewAssignment
from incubator.services import attachment_add
from park.models import Lease
from tenants.models import CompanyMember
from tests.factories import (
    make_application,
    make_assignment,
    make_company,
    make_pdf,
    make_pool,
    make_program,
    make_representative,
    make_review,
    make_reviewer,
    make_tax_code,
    make_user,
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


@pytest.mark.django_db
def test_the_program_page_offers_only_coworking_pools_as_workspace_units(admin_client):
    pool = make_pool(desks=4)
    office = make_pool(desks=2)
    office.kind = "office"
    office.save()
    response = admin_client.get("/admin/incubator/program/add/")
    choices = response.context["adminform"].form.fields["workspace_unit"].queryset
    assert list(choices) == [pool]
    refused = admin_client.post(
        "/admin/incubator/program/add/", program_form(workspace_unit=str(office.pk))
    )
    assert refused.status_code == 200
    assert Program.objects.count() == 0


@pytest.mark.django_db
def test_the_program_page_shows_its_fields_in_the_order_a_manager_fills_them_in(admin_client):
    response = admin_client.get("/admin/incubator/program/add/")
    assert list(response.context["adminform"].form.fields) == [
        "name",
        "slug",
        "description",
        "opens_at",
        "closes_at",
        "requires_pitch_deck",
        "seats",
        "incubation_months",
        "workspace_unit",
        "is_published",
    ]


@pytest.mark.django_db
def test_the_program_ranking_page_lists_the_api_ranking_best_score_first(admin_client):
    program = make_program()
    first = make_application(program=program, state="interview")
    second = make_application(program=program, state="interview")
    make_application(program=program)  # a draft is not ranked
    [team, market] = Criterion.objects.filter(program=program).order_by("order")
    make_review(second, scores={str(team.pk): 10, str(market.pk): 5}, recommendation="accept")
    change = admin_client.get(f"/admin/incubator/program/{program.pk}/change/")
    assert f"/admin/incubator/program/{program.pk}/ranking/" in change.content.decode()
    response = admin_client.get(f"/admin/incubator/program/{program.pk}/ranking/")
    assert response.status_code == 200
    assert [
        (row["rank"], row["startup_name"], row["reviews"]) for row in response.context["rows"]
    ] == [
        (1, second.startup_name, 1),
        (2, first.startup_name, 0),
    ]


@pytest.mark.django_db
def test_the_ranking_of_an_unknown_program_is_a_404(admin_client):
    response = admin_client.get("/admin/incubator/program/not-a-uuid/ranking/")
    assert response.status_code == 404


def reviewers_url(application):
    return f"/admin/incubator/application/{application.pk}/reviewers/"


@pytest.mark.django_db
def test_a_manager_assigns_a_reviewer_from_the_application_page(admin_client, manager):
    application = make_application(state="screening")
    reviewer = make_reviewer()
    page = admin_client.get(reviewers_url(application))
    assert list(page.context["form"].fields["reviewer"].queryset) == [reviewer]
    response = admin_client.post(reviewers_url(application), {"reviewer": str(reviewer.pk)})
    assert response.status_code == 302
    [assignment] = ReviewAssignment.objects.filter(application=application)
    assert assignment.reviewer == reviewer
    assert assignment.history.get().history_user == manager


@pytest.mark.django_db
def test_assigning_the_applicant_as_reviewer_is_a_form_error_and_nothing_is_written(
    admin_client,
):
    applicant = make_reviewer()
    application = make_application(applicant=applicant, state="screening")
    response = admin_client.post(reviewers_url(application), {"reviewer": str(applicant.pk)})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reviewer": ["The applicant cannot review their own application."]
    }
    assert ReviewAssignment.objects.count() == 0


@pytest.mark.django_db
def test_a_user_who_is_not_a_reviewer_cannot_be_picked(admin_client):
    application = make_application(state="screening")
    outsider = make_user()
    response = admin_client.post(reviewers_url(application), {"reviewer": str(outsider.pk)})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reviewer"]
    assert ReviewAssignment.objects.count() == 0


@pytest.mark.django_db
def test_a_manager_unassigns_a_reviewer_who_has_not_reviewed(admin_client):
    application = make_application(state="screening")
    assignment = make_assignment(application)
    response = admin_client.post(
        reviewers_url(application), {"unassign": str(assignment.pk)}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"{assignment.reviewer.email} is no longer a reviewer of this application."
    ]
    assert ReviewAssignment.objects.count() == 0


@pytest.mark.django_db
def test_unassigning_a_reviewer_who_reviewed_is_refused_with_a_message(admin_client):
    application = make_application(state="interview")
    review = make_review(application)
    assignment = ReviewAssignment.objects.get(application=application)
    response = admin_client.post(
        reviewers_url(application), {"unassign": str(assignment.pk)}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "This reviewer has already reviewed the application."
    ]
    assert list(ReviewAssignment.objects.values_list("reviewer", flat=True)) == [review.reviewer_id]


@pytest.mark.django_db
def test_the_application_page_shows_the_team_as_a_table_and_scores_by_criterion(admin_client):
    application = make_application(state="interview")
    [team, market] = Criterion.objects.filter(program=application.program).order_by("order")
    make_review(application, scores={str(team.pk): 8, str(market.pk): None})
    response = admin_client.get(f"/admin/incubator/application/{application.pk}/change/")
    page = response.content.decode()
    member = application.team[0]
    assert f"<tr><td>{member['name']}</td><td>{member['email']}</td><td>CEO</td></tr>" in page
    assert "<li>Team: 8/10</li><li>Market: not scored</li>" in page
    assert '"role": "CEO"' not in page


@pytest.mark.django_db
def test_the_read_only_application_page_has_no_save_button(admin_client):
    application = make_application(state="screening")
    page = admin_client.get(f"/admin/incubator/application/{application.pk}/change/")
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert reviewers_url(application) in html


@pytest.mark.django_db
def test_a_manager_downloads_a_pitch_deck_from_the_application_page(admin_client):
    application = make_application()
    attachment = attachment_add(
        application=application,
        file=SimpleUploadedFile("Bản trình bày.pdf", make_pdf()),
        actor=application.applicant,
    )
    url = f"/admin/incubator/application/{application.pk}/attachments/{attachment.pk}/"
    page = admin_client.get(f"/admin/incubator/application/{application.pk}/change/")
    assert url in page.content.decode()
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == make_pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''B%E1%BA%A3n%20tr%C3%ACnh%20b%C3%A0y.pdf"
    )


@pytest.mark.django_db
def test_a_pitch_deck_of_another_application_is_a_404(admin_client):
    application = make_application()
    other = make_application()
    attachment = attachment_add(
        application=other,
        file=SimpleUploadedFile("deck.pdf", make_pdf()),
        actor=other.applicant,
    )
    url = f"/admin/incubator/application/{application.pk}/attachments/{attachment.pk}/"
    assert admin_client.get(url).status_code == 404


@pytest.mark.django_db
def test_staff_who_are_not_managers_cannot_download_a_pitch_deck(client):
    application = make_application()
    attachment = attachment_add(
        application=application,
        file=SimpleUploadedFile("deck.pdf", make_pdf()),
        actor=application.applicant,
    )
    staff = make_user()
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    client.force_login(staff)
    url = f"/admin/incubator/application/{application.pk}/attachments/{attachment.pk}/"
    assert client.get(url).status_code == 403


def test_applications_export_as_csv_with_labels_and_safe_text(admin_client):
    application = make_application(state="submitted", startup_name="=Nông Trại Số")

    response = admin_client.post(
        "/admin/incubator/application/",
        {"action": "export_csv", "_selected_action": [str(application.pk)]},
    )

    assert response["Content-Disposition"] == 'attachment; filename="applications.csv"'
    header, row, end = response.content.decode("utf-8-sig").split("\r\n")
    assert header.split(",")[:3] == ["Program", "Startup name", "Applicant"]
    assert row.startswith(
        f"{application.program.name},'=Nông Trại Số,{application.applicant.email},"
    )
    assert ",Submitted," in row
    assert end == ""
