"""The import log: every import run through the API, the admin or `import_rows`, and the state
of the ones that run as a task (files of more than 2,000 rows)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Import(BaseModel):
    """One file, one run: what was asked (resource, file, commit), by whom, and its report."""

    resource = models.CharField(_("resource"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    park = models.ForeignKey(
        "park.Park",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("park"),
    )
    commit = models.BooleanField(_("commit"), default=False)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(_("rows checked"), default=0)
    progress_total = models.PositiveIntegerField(_("rows"), default=0)
    committed = models.BooleanField(_("committed"), default=False)
    report = models.JSONField(_("report"), null=True, blank=True)
    # The uploaded file while a task waits for it; cleared once the task has run.
    payload = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["-created_at", "-id"], name="import_list_order")]

    def __str__(self) -> str:
        return f"{self.resource}: {self.file_name or self.sha256[:12]}"
