"""The applicant's emails (on submit, on each decision, on onboarding), in their language.

Queued with `transaction.on_commit`: a rolled-back change sends nothing, and a mail server
that fails cannot undo a committed decision (the failure is logged).
"""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from accounts.models import Language
from incubator.models import Application, ApplicationState

logger = logging.getLogger("softpark.incubator")

S = ApplicationState
# Which email a move to a state sends; other moves send none.
EMAIL_ON_STATE = {
    S.SUBMITTED: "submitted",
    S.ACCEPTED: "decision",
    S.REJECTED: "decision",
    S.WAITLISTED: "decision",
    S.INCUBATING: "onboarded",
}


def queue_application_email(application: Application, *, to_state: str) -> None:
    kind = EMAIL_ON_STATE.get(to_state)
    if kind is not None:
        transaction.on_commit(partial(send_application_email, application.pk, kind))


def send_application_email(application_id, kind: str) -> None:
    try:
        application = Application.objects.select_related(
            "program", "applicant", "company", "lease__unit"
        ).get(pk=application_id)
        recipient = application.applicant
        language = recipient.language if recipient.language in Language.values else "en"
        context = {
            "application": application,
            "program": application.program,
            "recipient": recipient,
            "lease": application.lease,
            "base_url": settings.PUBLIC_BASE_URL,
        }
        with translation.override(language):
            subject = render_to_string(
                f"incubator/email/{language}/{kind}_subject.txt", context
            ).strip()
            body = render_to_string(f"incubator/email/{language}/{kind}_body.txt", context)
        send_mail(" ".join(subject.split()), body, None, [recipient.email])
    except Exception:  # the decision is committed; a mail failure is logged, not raised
        logger.exception("Could not send the %s email of application %s", kind, application_id)
