"""Every write to tenants: one function per use case, one transaction each, history kept.

Every change to a `Company` row is followed, in the same transaction, by
`directory.record_company_change`, which appends the company's `DirectoryChange` row
(tenants/directory.py, design/sync.md): the profile's through `core.services.model_update` in
`company_update`, the others through `_save_company`.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.vn import mst

from accounts.models import User, is_manager
from core.errors import InUse, InvalidTransition
from core.models import save_changed
from core.services import changed_fields, model_update, writable_data
from tenants import directory
from tenants.exceptions import (
    AlreadyMember,
    FieldNotWritable,
    InvalidReport,
    InvalidTaxCode,
    ReportExists,
    TaxCodeTaken,
)
from tenants.logos import process_logo
from tenants.models import (
    ALLOWED_STATUS_CHANGES,
    COMPANY_PROFILE_WRITABLE,
    CONTACT_WRITABLE,
    REPORT_WRITABLE,
    Company,
    CompanyMember,
    CompanyStatus,
    Contact,
    TenantReport,
)
from tenants.selectors import company_for_update

_TAX_CODE_REASONS = {
    stdnum_errors.InvalidChecksum: (
        "invalid_checksum",
        "The check digit (10th digit) of {value} does not match its first nine digits.",
    ),
    stdnum_errors.InvalidLength: (
        "invalid_length",
        "A tax code has 10 digits, or 10 digits, a dash and a 3-digit branch number; "
        "{value} has {length}.",
    ),
    stdnum_errors.InvalidFormat: (
        "invalid_format",
        "A tax code has only digits (and one dash before the branch number): {value}.",
    ),
    stdnum_errors.InvalidComponent: (
        "invalid_component",
        "{value} is not a tax code that can be issued (zero serial or branch 000).",
    ),
}


def normalise_tax_code(value: str | None) -> str | None:
    """`0312345673001` or `0312 345 673-001` -> `0312345673-001`; empty -> None.

    Checked with stdnum.vn.mst (length, digits, check digit); the refusal says why.
    """
    if value is None or not value.strip():
        return None
    try:
        return mst.format(mst.validate(value))
    except stdnum_errors.ValidationError as error:
        for kind, (code, message) in _TAX_CODE_REASONS.items():
            if isinstance(error, kind):
                digits = mst.compact(value)
                raise InvalidTaxCode(
                    message.format(value=value.strip(), length=len(digits)), code=code
                ) from None
        raise InvalidTaxCode(f"{value.strip()} is not a valid tax code.", code="invalid") from None


def _ensure_tax_code_free(tax_code: str | None, *, exclude: Company | None = None) -> None:
    if tax_code is None:
        return
    taken = Company.objects.filter(tax_code=tax_code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise TaxCodeTaken(f"A company with tax code {tax_code} already exists.", field="tax_code")


def _save_company(company: Company, *, fields: list[str], actor: User | None) -> None:
    """The one place a change to an existing company is saved (the directory feed's seam)."""
    was_visible = directory.partners_see(company.pk)
    save_changed(company, fields=fields, actor=actor)
    directory.record_company_change(company, was_visible=was_visible)


def company_create(
    *, data: Mapping[str, Any], actor: User | None, directory_visible: bool = False
) -> Company:
    """Record a company from `data` (keys among COMPANY_PROFILE_WRITABLE; `legal_name` is
    required), with or without its consent to the directory: a prospect until a lease or a
    manager makes it active."""
    data = writable_data(COMPANY_PROFILE_WRITABLE, data)
    data["tax_code"] = normalise_tax_code(data.get("tax_code"))
    with transaction.atomic():
        _ensure_tax_code_free(data["tax_code"])
        company = Company(**data, directory_visible=directory_visible)
        company.full_clean(validate_constraints=False)
        company._history_user = actor
        try:
            with transaction.atomic():  # a parallel insert of the same tax code lands here
                company.save()
        except IntegrityError:
            _ensure_tax_code_free(data["tax_code"])
            raise
        directory.record_company_change(company, was_visible=False)  # a prospect: nothing
    return company


def company_update(
    *,
    company: Company,
    data: Mapping[str, Any],
    actor: User | None,
    directory_visible: bool | None = None,
) -> Company:
    """Change the profile fields in `data` (keys among COMPANY_PROFILE_WRITABLE) and, unless
    `directory_visible` is None, the consent: one save, one history row, one version.

    A representative may not change a tax code once it is set (it identifies the company to
    the authorities; a manager corrects it)."""
    data = writable_data(COMPANY_PROFILE_WRITABLE, data)
    if "tax_code" in data:
        data["tax_code"] = normalise_tax_code(data["tax_code"])
    if directory_visible is not None:
        data["directory_visible"] = directory_visible
    with transaction.atomic():
        company = company_for_update(company.pk)
        changed = changed_fields(company, data)
        if not changed:
            return company
        if "tax_code" in changed:
            if company.tax_code is not None and not is_manager(actor):
                raise FieldNotWritable(
                    "The tax code is set; ask the park's managers to correct it.",
                    field="tax_code",
                )
            _ensure_tax_code_free(data["tax_code"], exclude=company)
        was_visible = directory.partners_see(company.pk)
        fields = (*COMPANY_PROFILE_WRITABLE, "directory_visible")
        model_update(instance=company, fields=fields, data=data, actor=actor)
        directory.record_company_change(company, was_visible=was_visible)
    return company


def company_set_status(*, company: Company, to: str, actor: User | None, note: str = "") -> Company:
    """Move a company along the status table of design/domain.md (the only way to)."""
    with transaction.atomic():
        company = company_for_update(company.pk)
        allowed = ALLOWED_STATUS_CHANGES[company.status]
        if to not in allowed:
            raise InvalidTransition(
                _("A %(current)s company cannot become %(to)s.")
                % {
                    "current": str(CompanyStatus(company.status).label).lower(),
                    "to": str(CompanyStatus(to).label).lower()
                    if to in CompanyStatus.values
                    else to,
                },
                allowed=sorted(allowed),
            )
        company.status = to
        company._change_reason = note or None  # shown in the admin's history
        _save_company(company, fields=["status"], actor=actor)
    return company


def company_mark_incubated(*, company: Company, actor: User | None) -> Company:
    """Mark a company as a graduate of the park's incubator (set at onboarding, never unset)."""
    with transaction.atomic():
        company = company_for_update(company.pk)
        if not company.incubated:
            company.incubated = True
            _save_company(company, fields=["incubated"], actor=actor)
    return company


def company_set_directory_visibility(
    *, company: Company, visible: bool, actor: User | None
) -> Company:
    """Give or withdraw the company's consent to appear in the partner directory."""
    with transaction.atomic():
        company = company_for_update(company.pk)
        if company.directory_visible != visible:
            company.directory_visible = visible
            _save_company(company, fields=["directory_visible"], actor=actor)
    return company


def _delete_files_on_commit(storage, names: list[str]) -> None:
    # After the commit only: a rolled-back change still points at these files.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _logo_names(company: Company) -> list[str]:
    return [file.name for file in (company.logo, company.logo_thumbnail) if file]


def company_set_logo(*, company: Company, file, actor: User | None) -> Company:
    """Replace the logo with a checked, re-encoded copy of `file` and its thumbnail.

    A refused file changes nothing; the old files are deleted only once the new ones are
    committed, so a failure at any step leaves the previous logo in place.
    """
    processed = process_logo(file)  # before the transaction: it may take a moment
    with transaction.atomic():
        company = company_for_update(company.pk)
        storage, old_names = company.logo.storage, _logo_names(company)
        try:
            company.logo.save(processed.logo_name, ContentFile(processed.logo), save=False)
            company.logo_thumbnail.save(
                processed.thumbnail_name, ContentFile(processed.thumbnail), save=False
            )
            _save_company(company, fields=["logo", "logo_thumbnail"], actor=actor)
        except BaseException:
            for name in set(_logo_names(company)) - set(old_names):
                storage.delete(name)
            raise
        _delete_files_on_commit(storage, old_names)
    return company


def company_remove_logo(*, company: Company, actor: User | None) -> Company:
    with transaction.atomic():
        company = company_for_update(company.pk)
        storage, old_names = company.logo.storage, _logo_names(company)
        if old_names:
            company.logo, company.logo_thumbnail = "", ""
            _save_company(company, fields=["logo", "logo_thumbnail"], actor=actor)
            _delete_files_on_commit(storage, old_names)
    return company


def company_delete(*, company: Company, actor: User | None) -> None:
    """Delete a company nothing refers to (reports, leases, applications: 409 in_use);
    its contacts and memberships go with it."""
    with transaction.atomic():
        company = company_for_update(company.pk)
        storage, old_names = company.logo.storage, _logo_names(company)
        company._history_user = actor
        directory.record_company_deleted(company)  # rolled back with the delete if refused
        try:
            with transaction.atomic():
                company.delete()
        except (ProtectedError, RestrictedError) as error:
            kinds = sorted({obj._meta.verbose_name_plural for obj in error.protected_objects})
            raise InUse(
                f"{company} still has {', '.join(str(kind) for kind in kinds)}; "
                "set it to exited instead.",
            ) from None
        _delete_files_on_commit(storage, old_names)


def member_add(*, company: Company, user: User, actor: User | None) -> CompanyMember:
    """Make `user` a representative of `company`."""
    with transaction.atomic():
        company = company_for_update(company.pk)
        if CompanyMember.objects.filter(company=company, user=user).exists():
            raise AlreadyMember(f"{user.email} already represents {company}.", field="user")
        member = CompanyMember(company=company, user=user)
        member.full_clean(validate_constraints=False)
        member._history_user = actor
        member.save()
    return member


def member_remove(*, member: CompanyMember, actor: User | None) -> None:
    with transaction.atomic():
        member._history_user = actor
        member.delete()


FIRST_REPORT_YEAR = 2000  # the reports' database check (tenant_report_year_from_2000)


def _take_primary(contact: Contact, *, actor: User | None) -> None:
    # One primary contact per company: naming a new one demotes the old one.
    others = Contact.objects.filter(company_id=contact.company_id, is_primary=True)
    if contact.pk:
        others = others.exclude(pk=contact.pk)
    for other in others.select_for_update().order_by("pk"):
        other.is_primary = False
        save_changed(other, fields=["is_primary"], actor=actor)


def contact_create(*, company: Company, data: Mapping[str, Any], actor: User | None) -> Contact:
    """Add a contact from `data` (keys among CONTACT_WRITABLE); a new primary contact
    demotes the old one."""
    data = writable_data(CONTACT_WRITABLE, data)
    with transaction.atomic():
        company = company_for_update(company.pk)  # primary contacts of one company queue here
        contact = Contact(company=company, **data)
        contact.full_clean(validate_constraints=False)
        if contact.is_primary:
            _take_primary(contact, actor=actor)
        contact._history_user = actor
        contact.save()
    return contact


def contact_update(*, contact: Contact, data: Mapping[str, Any], actor: User | None) -> Contact:
    """Change the fields in `data` (keys among CONTACT_WRITABLE); becoming the primary contact
    demotes the old one."""
    data = writable_data(CONTACT_WRITABLE, data)
    with transaction.atomic():
        company_for_update(contact.company_id)
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if data.get("is_primary") and not contact.is_primary:
            _take_primary(contact, actor=actor)
        model_update(instance=contact, fields=CONTACT_WRITABLE, data=data, actor=actor)
    return contact


def contact_delete(*, contact: Contact, actor: User | None) -> None:
    with transaction.atomic():
        contact._history_user = actor
        contact.delete()


def report_submit(
    *,
    company: Company,
    data: Mapping[str, Any],
    actor: User | None,
    today: date | None = None,
) -> TenantReport:
    """File the company's figures for one year and period from `data` (keys among
    REPORT_WRITABLE): one report each, never replaced.
    """
    data = writable_data(REPORT_WRITABLE, data)
    today = today or timezone.localdate()
    year, period = data.get("year"), data.get("period")
    if year is not None and year < FIRST_REPORT_YEAR:
        raise InvalidReport(
            f"Reports start in {FIRST_REPORT_YEAR}, not {year}.", field="year", code="invalid_year"
        )
    if year is not None and year > today.year:
        raise InvalidReport(
            f"Reports are filed for past or current years, not {year}.",
            field="year",
            code="future_year",
        )
    headcount, it_headcount = data.get("headcount"), data.get("it_headcount")
    if headcount is not None and it_headcount is not None and it_headcount > headcount:
        raise InvalidReport(
            f"The IT headcount ({it_headcount}) cannot exceed the headcount ({headcount}).",
            field="it_headcount",
            code="it_headcount_exceeds_headcount",
        )
    with transaction.atomic():
        company = company_for_update(company.pk)  # two filings of one period queue here
        if TenantReport.objects.filter(company=company, year=year, period=period).exists():
            raise ReportExists(
                f"{company} has already filed its {period} {year} report.", field="period"
            )
        report = TenantReport(
            company=company, **data, submitted_at=timezone.now(), submitted_by=actor
        )
        report.full_clean(validate_constraints=False)
        report._history_user = actor
        report.save()
    return report
