import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import is_manager, normalize_email


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


class FailedLoginLimit:
    """Wrong passwords are counted per account (the email asked for, from any address): after
    LOGIN_FAILURES_MAX of them within LOGIN_FAILURES_WINDOW, the account's logins are refused
    until a window has passed since the last one, before any password is checked. A
    successful login clears the count. The address throttles alone fall to a botnet.

    The count lives in the shared cache, as the throttles' do; two failures at the same
    instant may both be counted as one (a read-then-write), which costs an attacker nothing
    worth having at ten a window.
    """

    timer = staticmethod(time.time)  # a test may set its own clock, as DRF's throttles allow

    def __init__(self, email: str):
        digest = hashlib.sha256(normalize_email(email).encode()).hexdigest()
        self.key = f"login_failures_{digest}"  # no address or email in the cache's keys
        self.window = settings.LOGIN_FAILURES_WINDOW.total_seconds()
        now = self.timer()
        self.failures = [at for at in cache.get(self.key, []) if at > now - self.window]

    def check(self) -> None:
        if len(self.failures) >= settings.LOGIN_FAILURES_MAX:
            raise Throttled(wait=max(self.failures) + self.window - self.timer())

    def record_failure(self) -> None:
        self.failures.append(self.timer())
        cache.set(self.key, self.failures, self.window)

    def clear(self) -> None:
        cache.delete(self.key)
