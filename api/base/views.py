"""What every softpark API view shares: idempotent POSTs and ETags on details."""

from django.db import transaction
from django.utils.http import parse_etags, quote_etag
from rest_framework import status, viewsets
from rest_framework.response import Response

from api.base import idempotency
from api.base.errors import PreconditionFailed


def etag_of(instance) -> str:
    return quote_etag(str(instance.version))


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = [tag.removeprefix("W/") for tag in parse_etags(header)]
    return etag.strip('"') in {tag.strip('"') for tag in tags}


class IdempotentMixin:
    # Claims the `Idempotency-Key` after authentication, stores or replays the outcome. (A
    # comment, not a docstring: the schema would show it as the description of every view
    # that has none of its own.) A view whose success answer carries a secret shown once (a
    # partner key, a webhook secret) names its fields in `idempotency_secret_fields`: the
    # stored outcome leaves them out and a replay is a 409 `secret_shown_once` instead of the
    # secret again.

    idempotency_secret_fields: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        self._idempotency_claim = idempotency.begin(request)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return idempotency.replay(exc.record, instance=self.request.path)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claim = getattr(self, "_idempotency_claim", None)
        if claim is not None:
            self._idempotency_claim = None
            idempotency.finish(claim, response, secret_fields=self.idempotency_secret_fields)
        return response


class ETagMixin:
    """`ETag: "<version>"` on details; If-None-Match -> 304; a stale If-Match -> 412.

    The If-Match check runs under a row lock in the same transaction as the write, so a
    parallel writer cannot slip in between the check and the update.
    """

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        etag = etag_of(instance)
        if _matches(request.headers.get("If-None-Match"), etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(self.get_serializer(instance).data, headers={"ETag": etag})

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object()
            if_match = request.headers.get("If-Match")
            if if_match:
                current = (
                    type(instance)
                    ._base_manager.select_for_update()
                    .filter(pk=instance.pk)
                    .values_list("version", flat=True)
                    .get()
                )
                if not _matches(if_match, quote_etag(str(current))):
                    raise PreconditionFailed(
                        f"The record is at version {current}; reload it and try again."
                    )
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            self.perform_update(serializer)
        instance = serializer.instance
        return Response(self.get_response_data(instance), headers={"ETag": etag_of(instance)})

    def get_response_data(self, instance):
        """The representation after a write (a view whose write serializer differs
        from its read one overrides this)."""
        return self.get_serializer(instance).data


class GenericViewSet(IdempotentMixin, viewsets.GenericViewSet):
    pass


class ModelViewSet(IdempotentMixin, ETagMixin, viewsets.ModelViewSet):
    pass


class ReadOnlyModelViewSet(IdempotentMixin, ETagMixin, viewsets.ReadOnlyModelViewSet):
    pass
