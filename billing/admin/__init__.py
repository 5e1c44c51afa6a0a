"""Billing in the admin: the park's seller settings, invoice series and price list, the usage
grid, the invoice run, invoices (drafts edited, issued, voided, their PDF and XML), payments
and the arrears page.

Every admin here is a `core.admin.ServiceAdmin`: its form saves through billing.services in
`clean()`, inlines through `save_formset`, and list actions through services, so a refusal
(an issued invoice, a taken symbol) is a form error or a message, never a 500. Importing the
modules registers their admins (`pages` holds the invoice admin's own pages, mixed into it).
"""

from billing.admin import invoices, pages, payments, setup, usage

__all__ = ["invoices", "pages", "payments", "setup", "usage"]
