"""The database as the last line (issue 15).

- A statement's closing balance, fund and period, and an agreement version's terms, are never changed
  or deleted (only who asked for a statement may be cleared, and a version's acceptance recorded once).
- TRUNCATE is refused, statement by statement, on every append-only table: ledger entries, statements,
  agreement versions and the audit trail (monitoring returns in monitoring 0004). Row triggers do not
  fire on TRUNCATE, so these are separate BEFORE TRUNCATE ... FOR EACH STATEMENT triggers.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ledger_statement_is_kept() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'table ledger_statement is append-only: DELETE is not allowed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.closing_balance IS DISTINCT FROM OLD.closing_balance
       OR NEW.fund_id IS DISTINCT FROM OLD.fund_id
       OR NEW.period_start IS DISTINCT FROM OLD.period_start
       OR NEW.period_end IS DISTINCT FROM OLD.period_end
       OR NEW.produced_at IS DISTINCT FROM OLD.produced_at
       OR NEW.scheduled IS DISTINCT FROM OLD.scheduled
       OR (NEW.requested_by_id IS DISTINCT FROM OLD.requested_by_id AND NEW.requested_by_id IS NOT NULL) THEN
        RAISE EXCEPTION 'table ledger_statement is append-only: a statement''s closing balance and period cannot be changed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_statement_append_only ON ledger_statement;
CREATE TRIGGER ledger_statement_append_only
    BEFORE UPDATE OR DELETE ON ledger_statement
    FOR EACH ROW EXECUTE FUNCTION ledger_statement_is_kept();

CREATE OR REPLACE FUNCTION providers_agreement_version_is_kept() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'table providers_agreementversion is append-only: DELETE is not allowed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.agreement_id IS DISTINCT FROM OLD.agreement_id
       OR NEW.number IS DISTINCT FROM OLD.number
       OR NEW.terms IS DISTINCT FROM OLD.terms
       OR NEW.reason IS DISTINCT FROM OLD.reason
       OR NEW.created_at IS DISTINCT FROM OLD.created_at
       OR (NEW.created_by_id IS DISTINCT FROM OLD.created_by_id AND NEW.created_by_id IS NOT NULL)
       OR (OLD.accepted_at IS NOT NULL AND (NEW.accepted_at IS DISTINCT FROM OLD.accepted_at))
       OR (OLD.accepted_by_id IS NOT NULL AND NEW.accepted_by_id IS NOT NULL
           AND NEW.accepted_by_id IS DISTINCT FROM OLD.accepted_by_id) THEN
        RAISE EXCEPTION 'table providers_agreementversion is append-only: a version''s terms cannot be changed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS providers_agreementversion_append_only ON providers_agreementversion;
CREATE TRIGGER providers_agreementversion_append_only
    BEFORE UPDATE OR DELETE ON providers_agreementversion
    FOR EACH ROW EXECUTE FUNCTION providers_agreement_version_is_kept();
"""

TABLES = ["ledger_ledgerentry", "ledger_statement", "providers_agreementversion", "auditlog_logentry"]
FORWARD += "".join(
    f"""
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only_table();
"""
    for table in TABLES
)

BACKWARD = (
    "".join(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};\n" for table in TABLES)
    + """
DROP TRIGGER IF EXISTS ledger_statement_append_only ON ledger_statement;
DROP FUNCTION IF EXISTS ledger_statement_is_kept();
DROP TRIGGER IF EXISTS providers_agreementversion_append_only ON providers_agreementversion;
DROP FUNCTION IF EXISTS providers_agreement_version_is_kept();
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_ledger_key_sources"),
        ("providers", "0001_initial"),
        ("organisations", "0002_audit_trail_append_only"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
