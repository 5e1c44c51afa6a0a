import uuid

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """UUID id (stable across parks, not guessable), timestamps and a version.

    `version` is bumped by every service that changes the record: it backs ETags and the
    partner directory feed.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


def save_changed(instance: models.Model, *, fields: list[str], actor=None) -> None:
    """Save `fields` of `instance` with its version bumped and `actor` in its history.

    Call it inside the service's transaction. The bump is an SQL `version + 1`, which also
    takes the row lock, so two writers never hand out the same version; the history row then
    gets the plain number (simple-history cannot insert an F() expression).
    """
    manager = type(instance)._base_manager
    manager.filter(pk=instance.pk).update(version=F("version") + 1)
    instance.version = manager.filter(pk=instance.pk).values_list("version", flat=True).get()
    if actor is not None:
        instance._history_user = actor  # django-simple-history records who did it
    instance.save(update_fields=[*fields, "version", "updated_at"])
