"""Sessions read from the cache and written through to the database (Django's `cached_db`), but a
cache that cannot be reached never takes a signed-in page down: the database copy is the one that
lasts, so on any cache failure the session is read from, and kept in, the database alone."""

import logging

from django.contrib.sessions.backends import cached_db

log = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - the cache is an optimisation; the database decides
            log.warning("Session cache unreachable; reading the session from the database")
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:  # noqa: BLE001
            log.warning("Session cache unreachable; session kept in the database only")
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: BLE001
            log.warning("Session cache unreachable; checking the database for the session key")
        return super(cached_db.SessionStore, self).exists(session_key)

    # delete() stays Django's: signing out removes the database row first and fails loudly if the
    # cache copy cannot be removed, rather than pretend a session ended that the cache still holds.
