"""The session engine: Django's database sessions, each row knowing its account.

Django documents this way of extending its database sessions. Each save copies the
signed-in account, and where and when it signed in, from the session's data into
columns of its row (staff.Session), which costs no query; a staff member's sessions
are then listed, and ended, through an index instead of by decoding every session.
"""

from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

# Where a session keeps when and from where it was signed in (see staff.views).
SIGNED_IN_KEY = "staff_signed_in"


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from .models import Session

        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        session: Any = super().create_model_instance(data)
        try:
            session.user_id = get_user_model()._meta.pk.to_python(data.get(SESSION_KEY))
        except ValidationError:
            session.user_id = None
        signed_in = data.get(SIGNED_IN_KEY) or {}
        session.signed_in_at = parse_datetime(signed_in.get("at") or "")
        session.address = signed_in.get("address")
        session.user_agent = signed_in.get("user_agent") or ""
        return session
