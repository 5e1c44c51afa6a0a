"""Partner keys: `Authorization: Bearer <key>` (design/api.md, Authentication and roles).

A partner key is accepted on the directory endpoints only (views that set
`accepts_partner_keys`); anywhere else it is refused with 401, so a leaked key opens nothing
but the public directory. A user token on a directory endpoint authenticates the user, whom
`IsPartner` then refuses with 403.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission

from chain.services import partner_for_key

KEYWORD = "Bearer"


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if not getattr(view, "accepts_partner_keys", False):
            raise exceptions.AuthenticationFailed(
                _("Partner keys are accepted on the directory endpoints only.")
            )
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid partner key header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid partner key.")) from None
        partner = partner_for_key(key)
        if partner is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked partner key."))
        request.partner = partner  # the throttle's "partner" scope and the views read it
        return AnonymousUser(), partner

    def authenticate_header(self, request):
        return KEYWORD


class IsPartner(BasePermission):
    """Directory endpoints: a partner key only (none: 401; a user's token: 403)."""

    def has_permission(self, request, view):
        return getattr(request, "partner", None) is not None


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.chain.authentication.PartnerKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A partner key."}
