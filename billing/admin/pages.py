"""The invoice admin's pages of its own: the invoice run (a dry-run preview, then the drafts),
the arrears page, one invoice's issue and void pages, and its PDF and XML.

`InvoicePages` is mixed into `billing.admin.invoices.InvoiceAdmin`, which adds these URLs
(`admin:billing_invoice_run`, `_arrears`, `_issue`, `_void`, `_pdf`, `_xml`) before its own.
Each page is for managers only and goes through billing.services (or billing.selectors for the
arrears): a refusal is a form error or a message on the page, never a 500.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import is_manager
from billing.admin._shared import ParkMonthForm, date_input, month_label, today
from billing.models import Invoice
from billing.selectors import aging
from billing.services import invoices as services
from billing.services.runs import invoice_run
from core.admin import refusal_message
from core.errors import DomainError
from core.formatting import format_vnd
from park.models import Park


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("void reason"), max_length=300)


class IssueForm(forms.Form):
    issue_date = forms.DateField(label=_("issue date"), widget=date_input())


class ArrearsForm(forms.Form):
    park = forms.ModelChoiceField(
        label=_("Park"),
        queryset=Park.objects.order_by("-is_home", "name"),
        required=False,
        empty_label=None,
    )
    on = forms.DateField(label=_("On"), widget=date_input(), required=False)

    def clean_on(self):
        return self.cleaned_data.get("on") or today()


class InvoicePages:
    """The pages (a mixin for InvoiceAdmin, before ServiceAdmin)."""

    def get_urls(self):
        def own(route, view, name):
            return path(route, self.admin_site.admin_view(view), name=f"billing_invoice_{name}")

        return [
            own("run/", self.run_view, "run"),
            own("arrears/", self.arrears_view, "arrears"),
            own("<uuid:object_id>/issue/", self.issue_view, "issue"),
            own("<uuid:object_id>/void/", self.void_view, "void"),
            own("<uuid:object_id>/pdf/", self.pdf_view, "pdf"),
            own("<uuid:object_id>/xml/", self.xml_view, "xml"),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            **extra,
        }

    def _manager_only(self, request):
        if not is_manager(request.user):
            raise PermissionDenied

    def _invoice(self, request, object_id) -> Invoice:
        self._manager_only(request)
        invoice = self.get_object(request, str(object_id))
        if invoice is None:
            raise Http404
        return invoice

    def run_view(self, request):
        """The invoice run: "Preview" (GET) runs it dry and shows each company's draft-to-be;
        "Create drafts" (POST) runs it for real and opens the month's drafts."""
        self._manager_only(request)
        data = request.POST if request.method == "POST" else request.GET
        asked = "month" in data
        form = ParkMonthForm(data if asked else None, initial={"month": today().replace(day=1)})
        summary = None
        if asked and form.is_valid():
            park, month = form.cleaned_data["park"], form.cleaned_data["month"]
            creating = request.method == "POST"
            try:
                summary = invoice_run(
                    park=park, month=month, dry_run=not creating, actor=request.user
                )
            except DomainError as error:
                form.add_error(None, refusal_message(error))
            else:
                if creating:
                    self.message_user(
                        request,
                        gettext(
                            "Invoice run of %(month)s: %(created)d created, %(refreshed)d "
                            "refreshed, %(unchanged)d unchanged, %(skipped)d already issued; "
                            "%(total)s in drafts."
                        )
                        % {
                            "month": month_label(month),
                            "created": summary.created,
                            "refreshed": summary.refreshed,
                            "unchanged": summary.unchanged,
                            "skipped": summary.skipped_issued,
                            "total": format_vnd(summary.total_vnd),
                        },
                        messages.SUCCESS,
                    )
                    query = urlencode(
                        {
                            "month": month_label(month),
                            "park__id__exact": park.pk,
                            "status__exact": "draft",
                        }
                    )
                    return HttpResponseRedirect(
                        reverse("admin:billing_invoice_changelist") + "?" + query
                    )
        rows = []
        if summary is not None:
            outcomes = {
                "created": gettext("to be created"),
                "refreshed": gettext("to be refreshed"),
                "unchanged": gettext("unchanged"),
                "skipped_issued": gettext("already issued: skipped"),
            }
            for row in summary.rows:
                rows.append(
                    {
                        "row": row,
                        "outcome": outcomes.get(row.outcome, row.outcome),
                        "subtotal": format_vnd(row.subtotal_vnd),
                        "vat": format_vnd(row.vat_vnd),
                        "total": format_vnd(row.total_vnd),
                        "invoice_url": reverse(
                            "admin:billing_invoice_change", args=[row.invoice_id]
                        )
                        if row.invoice_id
                        else None,
                    }
                )
        context = self._context(
            request,
            title=gettext("Invoice run"),
            form=form,
            summary=summary,
            rows=rows,
            total=format_vnd(summary.total_vnd) if summary else None,
        )
        return TemplateResponse(request, "admin/billing/invoice/run.html", context)

    def arrears_view(self, request):
        """What each company owes on a day, by days past due (billing.selectors.aging)."""
        self._manager_only(request)
        form = ArrearsForm(request.GET or None, initial={"on": today()})
        parks = Park.objects.order_by("-is_home", "name")
        if form.is_bound and form.is_valid():
            park, on = form.cleaned_data["park"] or parks.first(), form.cleaned_data["on"]
        else:
            park, on = parks.first(), today()
        context = self._context(request, title=gettext("Arrears"), form=form, park=park, on=on)
        if park is not None:
            report = aging(park=park, on=on)
            buckets = ["current", "1_30", "31_60", "61_90", "over_90", "total"]
            context["rows"] = [
                {
                    "name": row["company_name"],
                    "url": reverse("admin:tenants_company_change", args=[row["company"]]),
                    "invoices_url": reverse("admin:billing_invoice_changelist")
                    + "?"
                    + urlencode({"company__id__exact": row["company"], "status__exact": "issued"}),
                    "cells": [format_vnd(row[bucket]) for bucket in buckets],
                }
                for row in report["companies"]
            ]
            context["totals"] = [format_vnd(report["totals"][bucket]) for bucket in buckets]
        return TemplateResponse(request, "admin/billing/invoice/arrears.html", context)

    def issue_view(self, request, object_id):
        """One draft's issue page: the issue date (today by default), then invoice_issue."""
        invoice = self._invoice(request, object_id)
        change_url = reverse("admin:billing_invoice_change", args=[invoice.pk])
        form = IssueForm(
            request.POST if request.method == "POST" else None, initial={"issue_date": today()}
        )
        if request.method == "POST" and form.is_valid():
            try:
                invoice = services.invoice_issue(
                    invoice=invoice,
                    issue_date=form.cleaned_data["issue_date"],
                    actor=request.user,
                )
            except DomainError as error:
                field = "issue_date" if error.field == "issue_date" else None
                form.add_error(field, refusal_message(error))
            else:
                self.message_user(
                    request,
                    gettext("Issued as %(number)s.") % {"number": invoice.number_display},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = self._context(
            request,
            title=gettext("Issue %(invoice)s") % {"invoice": invoice},
            original=invoice,
            form=form,
            verb="issue",
            change_url=change_url,
        )
        return TemplateResponse(request, "admin/billing/invoice/verb.html", context)

    def void_view(self, request, object_id):
        """One issued invoice's void page: a reason, then invoice_void, which opens the
        replacement draft."""
        invoice = self._invoice(request, object_id)
        change_url = reverse("admin:billing_invoice_change", args=[invoice.pk])
        form = VoidForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                replacement = services.invoice_void(
                    invoice=invoice, reason=form.cleaned_data["reason"], actor=request.user
                )
            except DomainError as error:
                form.add_error(None, refusal_message(error))
            else:
                self.message_user(
                    request,
                    gettext("%(invoice)s is void; correct its replacement draft and issue it.")
                    % {"invoice": invoice.number_display},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:billing_invoice_change", args=[replacement.pk])
                )
        context = self._context(
            request,
            title=gettext("Void %(invoice)s") % {"invoice": invoice},
            original=invoice,
            form=form,
            verb="void",
            change_url=change_url,
        )
        return TemplateResponse(request, "admin/billing/invoice/verb.html", context)

    def pdf_view(self, request, object_id):
        from billing.documents.pdf import invoice_pdf

        invoice = self._invoice(request, object_id)
        response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{_document_name(invoice)}.pdf"'
        return response

    def xml_view(self, request, object_id):
        from billing.documents.xml import invoice_xml

        invoice = self._invoice(request, object_id)
        try:
            body = invoice_xml(invoice)
        except DomainError as error:  # a draft has no XML
            self.message_user(request, refusal_message(error), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:billing_invoice_change", args=[invoice.pk]))
        response = HttpResponse(body, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{_document_name(invoice)}.xml"'
        return response


def _document_name(invoice: Invoice) -> str:
    return invoice.number_display or f"draft-{month_label(invoice.month)}-{invoice.pk}"
