"""Liveness and readiness for load balancers and orchestrators.

Both are cheap, need no login and say nothing an attacker could use: no host names,
versions or error texts, only whether each dependency answers and how long the task
queue is.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult

from .cache import DegradingRedisCache
from .outage import RETRY_AFTER_SECONDS

logger = logging.getLogger("chorus.health")

READINESS_KEY = "readiness-probe"


@never_cache
@require_GET
def liveness(request: HttpRequest) -> JsonResponse:
    """The process answers. Touches nothing else, so a database outage never restarts it."""
    return JsonResponse({"status": "ok"})


def cache_state() -> str:
    """The cache is optional: when it is away the site serves uncached, so it is reported
    but does not make the process unready."""
    if isinstance(cache, DegradingRedisCache) and not cache.is_reachable():
        return "unavailable"
    cache.set(READINESS_KEY, "ok", timeout=10)
    return "ok" if cache.get(READINESS_KEY) == "ok" else "unavailable"


@never_cache
@require_GET
def readiness(request: HttpRequest) -> JsonResponse:
    """Ready when the database answers. One query covers the database and the queue."""
    checks: dict[str, object] = {"cache": cache_state()}
    try:
        # Uses django_tasks_db's own partial index on waiting (READY) tasks.
        waiting = DBTaskResult.objects.ready().aggregate(
            count=Count("pk"), oldest=Min("enqueued_at")
        )
    except DatabaseError as error:
        logger.error("Readiness: database unavailable", extra={"error_type": type(error).__name__})
        checks["database"] = "unavailable"
        response = JsonResponse({"status": "unavailable", "checks": checks}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    checks["database"] = "ok"
    oldest = waiting["oldest"]
    checks["tasks"] = {
        "waiting": waiting["count"],
        "oldest_waiting_seconds": round((timezone.now() - oldest).total_seconds())
        if oldest
        else None,
    }
    return JsonResponse({"status": "ok", "checks": checks})
