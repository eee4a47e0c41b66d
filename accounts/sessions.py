"""The session engine (SESSION_ENGINE): django-qsessions' database sessions, which keep each
session's user, address and browser so that a user can see and end their own sessions.

One change: qsessions' Session.save() reads the row back before every update (to keep its
created_at), and sessions are saved on every request (SESSION_SAVE_EVERY_REQUEST, the idle timeout).
Here an existing session is saved with one UPDATE of the columns that change, which keeps created_at
without reading it: the same queries per request as Django's own database sessions."""

from django.contrib.sessions.backends.base import UpdateError
from django.db import router, transaction
from django.utils import timezone
from qsessions import IP_SESSION_KEY, USER_AGENT_SESSION_KEY
from qsessions.backends.db import SessionStore as QSessionsStore


class SessionStore(QSessionsStore):
    def save(self, must_create: bool = False) -> None:
        if self.session_key is None or must_create:
            return super().save(must_create)
        if self.get(USER_AGENT_SESSION_KEY) != self.user_agent:
            self[USER_AGENT_SESSION_KEY] = self.user_agent
        if self.get(IP_SESSION_KEY) != self.ip:
            self[IP_SESSION_KEY] = self.ip
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        with transaction.atomic(using=using):
            updated = (
                self.model.objects.using(using)
                .filter(session_key=obj.session_key)
                .update(
                    session_data=obj.session_data,
                    expire_date=obj.expire_date,
                    user_id=obj.user_id,
                    user_agent=obj.user_agent,
                    ip=obj.ip,
                    updated_at=timezone.now(),
                )
            )
        if not updated:
            raise UpdateError
        return None
