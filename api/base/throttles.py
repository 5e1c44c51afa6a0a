import hashlib
import time

from django.conf import settings
from django.core.cache import cache, caches
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import is_manager, normalize_email
from core.cache import ReusedClientRedisCache


class RoleRateThrottle(SimpleRateThrottle):
    """One throttle per role (anonymous, user, manager, partner), counted in the shared cache.

    Rates are read from settings on each request rather than at import, so that an
    environment change (or a test) takes effect without reloading DRF's settings.

    The count is a sliding window of two fixed ones: the requests of the current window
    (`duration` long, aligned to the clock) plus the previous window's, weighted by how much
    of it the sliding window still covers. DRF's own throttle keeps the time of every request
    of the window in one cache entry, read and written whole on each request: at a rate of
    1,200 a minute that is a list of up to 1,200 floats per request (issue 17). Here it is
    two small integers, whatever the rate. With Redis (REDIS_URL) a request is counted by an
    INCR sent with the read, in one round trip, so parallel requests are all counted; with the
    database cache the count is read, then written, as DRF's was (two requests at the same
    instant may be counted once).
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
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        current_key, previous_key = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        self.elapsed = self.now - window * self.duration
        store = caches["default"]
        if isinstance(store, ReusedClientRedisCache):  # counted first, atomically
            counted, self.previous = store.count_in_window(
                current_key, previous=previous_key, timeout=2 * self.duration
            )
            self.current = counted - 1  # the requests before this one
            if self._count_at(self.elapsed) >= self.num_requests:
                store.uncount(current_key)  # a refused request is not counted
                return False
            return True
        counts = store.get_many([current_key, previous_key])
        self.current, self.previous = counts.get(current_key, 0), counts.get(previous_key, 0)
        if self._count_at(self.elapsed) >= self.num_requests:
            return False
        store.set(current_key, self.current + 1, 2 * self.duration)
        return True

    def _count_at(self, elapsed: float) -> float:
        """The sliding window's count `elapsed` seconds into the current fixed window."""
        return self.previous * (1 - elapsed / self.duration) + self.current

    def wait(self) -> float:
        """Seconds until the sliding count falls below the rate (no request counted meanwhile)."""
        limit, duration = self.num_requests, self.duration
        if self.current >= limit:
            # Past this window, only this window's count remains, fading as the next one goes.
            fade = duration * (self.current - limit) / self.current
            return duration - self.elapsed + fade
        # The previous window's share fades until the sum is below the limit.
        fades_at = duration * (self.previous - (limit - self.current)) / self.previous
        return max(fades_at - self.elapsed, 0.0)

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
