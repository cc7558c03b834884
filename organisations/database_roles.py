"""The database as the last line (issue 15): the app runs as a role that neither owns the tables nor is
a superuser; migrations run as the owner. After every `migrate`, the owner grants the runtime role
what the app needs and no more:

- every table: SELECT, INSERT, UPDATE, DELETE (no TRUNCATE, no ownership, so no ALTER TABLE and no
  disabling of triggers); sequences: USAGE, SELECT, UPDATE (nextval);
- append-only tables: SELECT and INSERT only, plus UPDATE of the few columns a service may fill in
  once (who published a return, who accepted an agreement version).

The owner is refused too, by triggers (migrations in each app): UPDATE and DELETE of append-only rows
and, statement by statement, TRUNCATE. `DATABASE_RUNTIME_ROLE` names the runtime role; without it
(a developer's single-role database) nothing is granted.
"""

import logging

from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)

# table -> columns the runtime role may UPDATE (empty: none). Kept in step with the triggers.
APPEND_ONLY_TABLES: dict[str, tuple[str, ...]] = {
    "auditlog_logentry": (),
    "ledger_ledgerentry": (),
    "ledger_statement": ("requested_by_id",),
    "monitoring_monitoringreturn": ("published_at", "published_by_id"),
    "providers_agreementversion": ("accepted_by_id", "accepted_at"),
}


def _quote(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def role_exists(connection, role: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return cursor.fetchone() is not None


def grant_runtime_role(*, using: str = "default", role: str | None = None) -> bool:
    """Grant the runtime role its rights on every table in the public schema. Run by the owner after
    migrating (post_migrate). Returns False (and grants nothing) when there is no role to grant to."""
    role = role if role is not None else getattr(settings, "DATABASE_RUNTIME_ROLE", "")
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return False
    if not role_exists(connection, role):
        log.warning("DATABASE_RUNTIME_ROLE %r does not exist: no rights granted", role)
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            return False  # migrating as the runtime role itself: nothing to grant
        who = _quote(connection, role)
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {who}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}")
        cursor.execute(f"REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {who}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {who}")
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        present = {row[0] for row in cursor.fetchall()}
        for table, columns in APPEND_ONLY_TABLES.items():
            if table not in present:
                continue
            name = _quote(connection, table)
            cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {name} FROM {who}")
            if columns:
                cols = ", ".join(_quote(connection, c) for c in columns)
                cursor.execute(f"GRANT UPDATE ({cols}) ON {name} TO {who}")
    return True


def grant_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver (connected once, for the last app migrated, in OrganisationsConfig)."""
    grant_runtime_role(using=using)
