"""Pitch decks: a PDF by its content, at most 10 MB, stored privately with a random name."""

import uuid

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.models import save_changed
from incubator.exceptions import InvalidPitchDeck, PitchDeckTooLarge
from incubator.models import Application, Attachment
from incubator.selectors import application_for_update
from incubator.services.applications import _check_editable_draft

PITCH_DECK_MAX_BYTES = 10 * 1024 * 1024


def _check_pdf(file: File) -> None:
    """A PDF by its content, not its name: the `%PDF-x.y` header, and the trailer a reader
    starts from (`startxref` and `%%EOF` near the end) around at least one object."""
    file.seek(0)
    content = file.read()
    file.seek(0)
    header, tail = content[:1024], content[-2048:]
    if not (
        header.startswith(b"%PDF-")
        and header[5:8].replace(b".", b"").isdigit()
        and b"%%EOF" in tail
        and b"startxref" in tail
        and b" obj" in content
    ):
        raise InvalidPitchDeck(_("The pitch deck must be a PDF file."))


def attachment_add(*, application: Application, file: File, actor: User) -> Attachment:
    """Attach a pitch deck (PDF, at most 10 MB) to a draft, stored privately."""
    if file.size > PITCH_DECK_MAX_BYTES:
        raise PitchDeckTooLarge(
            _("A pitch deck is at most %(size)d MB.") % {"size": PITCH_DECK_MAX_BYTES // 2**20},
            field="file",
        )
    _check_pdf(file)
    written = None  # the stored file, removed again if anything after it fails
    try:
        with transaction.atomic():
            application = application_for_update(application.pk)
            _check_editable_draft(application, actor)
            attachment = Attachment(
                application=application,
                file_name=(getattr(file, "name", "") or "pitch-deck.pdf").rsplit("/", 1)[-1][:200],
                size_bytes=file.size,
                uploaded_by=actor,
            )
            # A random name: the applicant's file name is kept for downloads only.
            attachment.file.save(
                f"pitch-decks/{application.pk}/{uuid.uuid4().hex}.pdf", file, save=False
            )
            written = attachment.file
            attachment._history_user = actor
            attachment.save()
            save_changed(application, fields=[], actor=actor)  # its representation changed
    except BaseException:
        if written is not None:
            written.storage.delete(written.name)
        raise
    return attachment
