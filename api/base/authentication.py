"""`Authorization: Token <token>` in one query (issue 17).

knox's own TokenAuthentication reads the token, then every token of its user (deleting the
expired ones on each request), and `is_manager` then reads the user's groups: three round
trips before the view starts. Here one query finds the unexpired token with its user and role
flags (accounts.selectors.tokens_for_authentication); expired tokens are refused the same way
(not found: 401 "Invalid token.") and deleted by the daily `purge_tokens`. A revoked token is
a deleted row, so revocation takes effect on the next request as before.
"""

import binascii
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import remember_role_groups
from accounts.selectors import tokens_for_authentication


class TokenAuthentication(auth.TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        invalid = _("Invalid token.")
        try:
            text = token.decode("utf-8")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise AuthenticationFailed(invalid) from None
        candidates = tokens_for_authentication(
            token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH], now=timezone.now()
        )
        for auth_token in candidates:  # one row, but for a 15-character key collision
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                remember_role_groups(
                    auth_token.user,
                    in_managers=auth_token.in_managers,
                    in_reviewers=auth_token.in_reviewers,
                )
                return self.validate_user(auth_token)
        raise AuthenticationFailed(invalid)


class TokenScheme(KnoxTokenScheme):
    """The schema's security scheme for this class: knox's own (`Token <token>`)."""

    target_class = "api.base.authentication.TokenAuthentication"
