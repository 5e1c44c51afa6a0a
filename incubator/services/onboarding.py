"""Onboarding: an accepted startup becomes a tenant with desks, all or nothing."""

import calendar
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User, is_manager
from core.errors import InvalidTransition, NotPermitted
from incubator.exceptions import InvalidApplication
from incubator.models import Application, ApplicationState
from incubator.selectors import application_for_update, program_for_update
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


def _company_for(application: Application, *, actor: User) -> Company:
    """The company with the application's tax code, or a new one made from the application."""
    if application.tax_code:
        existing = Company.objects.filter(tax_code=application.tax_code).first()
        if existing is not None:
            company = company_for_update(existing.pk)
            if company.status == CompanyStatus.SUSPENDED:
                raise InvalidTransition(
                    _("%(company)s is suspended; lift the suspension first.")
                    % {"company": company},
                    allowed=allowed_targets(application, actor),
                )
            return company
    return company_create(
        data={
            "legal_name": application.startup_name,
            "tax_code": application.tax_code,
            "sector": application.sector or "other",
            "website": application.website,
        },
        actor=actor,
    )


def application_onboard(
    *, application: Application, start_date: date, actor: User, unit: Unit | None = None
) -> Application:
    """Turn an accepted application into a tenant with desks, all or nothing.

    Finds or creates the company, marks it incubated, makes the applicant its representative,
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
        company = _company_for(application, actor=actor)
        company = company_mark_incubated(company=company, actor=actor)
        if not CompanyMember.objects.filter(company=company, user=application.applicant).exists():
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
