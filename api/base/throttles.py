from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import is_manager


class RoleRateThrottle(SimpleRateThrottle):
    """One throttle per role (anonymous, user, manager, partner), counted in the shared cache.

    Rates are read from settings on each request rather than at import, so that an
    environment change (or a test) takes effect without reloading DRF's settings.
    """

    scope_attr = None

    def __init__(self):
        pass  # the rate depends on the request; see allow_request

    def scope_for(self, request) -> str:
        if getattr(request, "partner", None) is not None:
            return "partner"
        if request.user and request.user.is_authenticated:
            return "manager" if is_manager(request.user) else "user"
        return "anon"

    def allow_request(self, request, view):
        self.scope = self.scope_for(request)
        self.rate = settings.THROTTLE_RATES.get(self.scope)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if self.scope == "partner":
            ident = f"partner-{request.partner.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class RegisterRateThrottle(RoleRateThrottle):
    """Account creation is throttled per address on top of the anonymous rate."""

    def scope_for(self, request) -> str:
        return "register"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": "register", "ident": self.get_ident(request)}
