"""Rate limits on email the service sends: password-reset links and statement notices.

Built on Django's cache (a fixed window per key: `cache.add` then `cache.incr`), which is Redis
whenever REDIS_URL is set, so the count is atomic (Redis INCR) and shared by every web process and
Celery worker. Without Redis (`make run`, one process) it is the in-process cache.

Why not django-ratelimit: half of these limits are not per request but per recipient address inside a
service (statement emails from the scheduled job), and django-ratelimit's system check refuses the
in-process cache `make run` uses. The logic here is ten lines on a well-kept primitive.

Keys hold a hash of the address, never the address itself. If the cache cannot be reached the
answer is "no": an outage must not turn into a way to send unlimited email.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def limit(name: str) -> Limit:
    """A named limit from settings.EMAIL_RATE_LIMITS, such as (3, 3600): three an hour."""
    count, seconds = settings.EMAIL_RATE_LIMITS[name]
    return Limit(count=count, seconds=seconds)


def allow(*, name: str, key: str) -> bool:
    """Count one more for `key` under the named limit; True while still within it."""
    rule = limit(name)
    window = int(time.time() // rule.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"throttle:{name}:{digest}:{window}"
    try:
        cache.add(cache_key, 0, timeout=rule.seconds + 60)
        count = cache.incr(cache_key)
    except Exception:  # noqa: BLE001 - any cache failure: refuse rather than send without a limit
        log.exception("Rate limit %s could not be checked; refusing", name)
        return False
    if count > rule.count:
        log.warning("Rate limit %s reached (%s in %s s)", name, rule.count, rule.seconds)
        return False
    return True


def seconds_left(name: str) -> int:
    rule = limit(name)
    return rule.seconds - int(time.time() % rule.seconds)
