"""Onboarding: an accepted startup becomes a tenant with desks, all or nothing."""

import calendar
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User, is_manager
from core.errors import InvalidTransition, NotPermitted
from incubator.exceptions import CompanyExists, CompanyHasMembers, InvalidApplication
from incubator.models import Application, ApplicationState
from incubator.selectors import application_for_update, company_matching, program_for_update
from incubator.services.applications import _transition, allowed_targets
from park.models import Unit
from park.services import lease_create
from tenants.models import Company, CompanyMember, CompanyStatus
from tenants.selectors import company_for_update
from tenants.services import company_create, company_mark_incubated, member_add

S = ApplicationState


def incubation_end(start_date: date, months: int) -> date:
    """The day before the same day of month `months` later (api.md, Onboarding).

    When that month has no such day (31 January + 1 month), the period runs to the end of
    that month: the incubatee gets the whole last month, never a day more.
    """
    years, month_index = divmod(start_date.month - 1 + months, 12)
    year, month = start_date.year + years, month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    if start_date.day > last_day:
        return date(year, month, last_day)
    return date(year, month, start_date.day) - timedelta(days=1)


def _company_for(
    application: Application, *, confirmed: Company | None, actor: User
) -> tuple[Company, bool]:
    """The company the startup is onboarded into, and whether the applicant already represents
    it: a new one made from the application, or the one with its tax code once the manager
    has confirmed it (`confirmed`).

    Tax codes are public (the partner directory lists them), so a tax code proves nothing
    about who the applicant is: a company that already has representatives is never joined,
    and a match is shown to the manager (409 company_exists) rather than taken silently.
    """
    match = company_matching(application)
    if confirmed is not None and (match is None or confirmed.pk != match.pk):
        raise InvalidApplication(
            _("%(company)s does not have this application's tax code.")
            % {"company": confirmed.legal_name},
            field="company",
            code="invalid",
        )
    if match is None:
        company = company_create(
            data={
                "legal_name": application.startup_name,
                "tax_code": application.tax_code,
                "sector": application.sector or "other",
                "website": application.website,
            },
            actor=actor,
        )
        return company, False
    company = company_for_update(match.pk)  # member_add locks it too: no member slips in
    named = {"id": str(company.pk), "legal_name": company.legal_name}
    members = set(CompanyMember.objects.filter(company=company).values_list("user", flat=True))
    if members and application.applicant_id not in members:
        raise CompanyHasMembers(
            _(
                "%(company)s already has representatives; onboarding never adds the "
                "applicant to it (its representatives or a manager add members)."
            )
            % {"company": company.legal_name},
            company=named,
        )
    if company.status == CompanyStatus.SUSPENDED:
        raise InvalidTransition(
            _("%(company)s is suspended; lift the suspension first.") % {"company": company},
            allowed=allowed_targets(application, actor),
        )
    if confirmed is None:
        raise CompanyExists(
            _("%(company)s already has tax code %(tax_code)s; confirm that the startup joins it.")
            % {"company": company.legal_name, "tax_code": company.tax_code},
            company=named,
        )
    return company, application.applicant_id in members


def application_onboard(
    *,
    application: Application,
    start_date: date,
    actor: User,
    unit: Unit | None = None,
    company: Company | None = None,
) -> Application:
    """Turn an accepted application into a tenant with desks, all or nothing.

    Creates the company, or joins the one with the application's tax code when the manager
    confirms it by naming it in `company` (409 company_exists until then; 409
    company_has_members when others represent it), marks it incubated, makes the applicant its
    representative,
    leases `requested_desks` of `unit` (or the program's workspace unit) for the incubation
    period through `park.services.lease_create` (which refuses when the desks are not free,
    409, rolling all of it back) and moves the application to incubating.
    """
    with transaction.atomic():
        program = program_for_update(application.program_id)
        application = application_for_update(application.pk)
        if not is_manager(actor):
            raise NotPermitted(_("Only managers onboard startups."))
        if application.state != S.ACCEPTED:
            raise InvalidTransition(
                _("Only an accepted application can be onboarded; this one is %(state)s.")
                % {"state": application.state},
                allowed=allowed_targets(application, actor),
            )
        unit = unit or program.workspace_unit
        if unit is None:
            raise InvalidApplication(
                _("Name a unit: the program has no workspace unit."),
                field="unit",
                code="required",
            )
        company, represented = _company_for(application, confirmed=company, actor=actor)
        company = company_mark_incubated(company=company, actor=actor)
        if not represented:
            member_add(company=company, user=application.applicant, actor=actor)
        lease = lease_create(
            unit=unit,
            company=company,
            start_date=start_date,
            end_date=incubation_end(start_date, program.incubation_months),
            desks=application.requested_desks,
            note=_("Incubation: %(program)s") % {"program": program},
            actor=actor,
        )
        application = _transition(
            application=application,
            to=S.INCUBATING,
            actor=actor,
            note=_("Onboarded into %(unit)s") % {"unit": unit.code},
            onboarding=True,
            also={"company": company, "lease": lease},
        )
    return application
