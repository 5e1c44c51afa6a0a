"""Every write to billing: one function per use case, one transaction each.

`config` keeps the park's seller settings, invoice series, price list and usage; `runs` drafts
a month's invoices from leases, usage and meeting-room overage (`run_sources` reads who is
billed, `run_lines` computes their lines); `drafts` edits drafts and `invoices` issues, voids
and adjusts them (and exports the drafts' services too); `payments` records money received and
allocates it. Other apps and `api` import the functions from their modules (`from
billing.services.invoices import invoices_issue`).
"""
