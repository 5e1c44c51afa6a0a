"""The partner directory feed (design/sync.md): the visibility rule, the change rows, the counter.

It lives in `tenants` because tenants and park services write it in their own transactions;
`chain/` only reads it (tenants never imports chain). `directory_changed` is the one signal
STYLE.md allows: it tells `chain` that a change committed, so chain can ping its partners.

`tenants.models` imports the two models, which registers them with the app.
"""

from django.db import models, transaction
from django.db.models import Exists, F, Max, OuterRef
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Sent once per committed change with `seq`: chain's receiver queues the notify task.
directory_changed = Signal()

COUNTER_ID = 1


class DirectoryOp(models.TextChoices):
    UPSERT = "upsert", _("Upsert")
    DELETE = "delete", _("Delete")


class DirectoryCounter(models.Model):
    """One row: the last `seq` handed out, and the compaction horizon.

    Updated with `F("value") + 1` inside the writer's transaction, so the row lock is held
    until commit and sequence order is commit order: a reader never sees seq 12 and later
    misses seq 11.
    """

    value = models.BigIntegerField(_("last sequence number"), default=0)
    # Changes with seq <= this may have been compacted away: an older cursor gets 410.
    compacted_through = models.BigIntegerField(_("compacted through"), default=0)

    class Meta:
        app_label = "tenants"
        verbose_name = _("directory counter")
        verbose_name_plural = _("directory counters")

    def __str__(self) -> str:
        return str(self.value)


class DirectoryChange(models.Model):
    """One change of what partners see: an upsert, or a tombstone when a company leaves."""

    seq = models.BigIntegerField(_("sequence number"), unique=True)
    # A plain id, not a foreign key: tombstones outlive deleted companies.
    company_id = models.UUIDField(_("company id"))
    version = models.PositiveIntegerField(_("version"))
    op = models.CharField(_("operation"), max_length=6, choices=DirectoryOp.choices)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        app_label = "tenants"
        verbose_name = _("directory change")
        verbose_name_plural = _("directory changes")
        ordering = ["seq"]
        indexes = [models.Index(fields=["company_id", "seq"], name="directory_change_company")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(op__in=DirectoryOp.values),
                name="directory_change_op_valid",
                violation_error_code="invalid_choice",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq} {self.op} {self.company_id} v{self.version}"


def is_visible(company) -> bool:
    """The one visibility rule: partners see active companies that consented."""
    from tenants.models import CompanyStatus

    return company.status == CompanyStatus.ACTIVE and company.directory_visible


def visible_companies():
    from tenants.models import Company, CompanyStatus

    return Company.objects.filter(status=CompanyStatus.ACTIVE, directory_visible=True)


def partners_see(company_id) -> bool:
    """Whether partners currently hold the company: its latest change is an upsert."""
    last = (
        DirectoryChange.objects.filter(company_id=company_id)
        .order_by("-seq")
        .values_list("op", flat=True)
        .first()
    )
    return last == DirectoryOp.UPSERT


def _next_seq() -> int:
    # The UPDATE takes the counter's row lock until commit (SQLite: the IMMEDIATE write lock).
    updated = DirectoryCounter.objects.filter(pk=COUNTER_ID).update(value=F("value") + 1)
    if not updated:  # the migration's row is gone (a flushed test database): start after max
        start = DirectoryChange.objects.aggregate(last=Max("seq"))["last"] or 0
        DirectoryCounter.objects.get_or_create(pk=COUNTER_ID, defaults={"value": start})
        DirectoryCounter.objects.filter(pk=COUNTER_ID).update(value=F("value") + 1)
    return DirectoryCounter.objects.values_list("value", flat=True).get(pk=COUNTER_ID)


def latest_seq() -> int:
    """The last committed seq (0 before the first change)."""
    return (
        DirectoryCounter.objects.filter(pk=COUNTER_ID).values_list("value", flat=True).first() or 0
    )


def compaction_horizon() -> int:
    return (
        DirectoryCounter.objects.filter(pk=COUNTER_ID)
        .values_list("compacted_through", flat=True)
        .first()
        or 0
    )


def _append(*, company_id, version: int, op: str) -> DirectoryChange:
    seq = _next_seq()
    change = DirectoryChange.objects.create(
        seq=seq, company_id=company_id, version=version, op=op, changed_at=timezone.now()
    )
    transaction.on_commit(lambda: directory_changed.send(sender=DirectoryChange, seq=seq))
    return change


def record_company_change(company, *, was_visible: bool) -> DirectoryChange | None:
    """Append the change partners must hear about, in the caller's transaction.

    An upsert while the company is visible, a tombstone when it stops being visible, nothing
    for a company partners never saw (so lease creation for a prospect never queues on the
    counter).
    """
    if is_visible(company):
        return _append(company_id=company.pk, version=company.version, op=DirectoryOp.UPSERT)
    if was_visible:
        return _append(company_id=company.pk, version=company.version, op=DirectoryOp.DELETE)
    return None


def record_company_deleted(company) -> DirectoryChange | None:
    """A deleted company that partners hold gets a tombstone (one version past its last)."""
    if not partners_see(company.pk):
        return None
    return _append(company_id=company.pk, version=company.version + 1, op=DirectoryOp.DELETE)


def directory_compact(*, before) -> int:
    """Keep, among changes older than `before`, only the latest row per company.

    Returns how many rows were removed. Cursors pointing before the highest removed seq then
    get 410 `cursor_expired` (their reader might have missed a removed row).
    """
    with transaction.atomic():
        counter, _created = DirectoryCounter.objects.select_for_update().get_or_create(
            pk=COUNTER_ID,
            defaults={"value": DirectoryChange.objects.aggregate(last=Max("seq"))["last"] or 0},
        )
        superseded = DirectoryChange.objects.filter(
            company_id=OuterRef("company_id"), seq__gt=OuterRef("seq")
        )
        old = DirectoryChange.objects.filter(Exists(superseded), changed_at__lt=before)
        horizon = old.aggregate(last=Max("seq"))["last"]
        if horizon is None:
            return 0
        removed, _detail = old.delete()
        if horizon > counter.compacted_through:
            DirectoryCounter.objects.filter(pk=COUNTER_ID).update(compacted_through=horizon)
    return removed
