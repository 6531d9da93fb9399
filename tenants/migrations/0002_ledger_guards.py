"""Database guards of the ledger: entries and postings are immutable, entries balance.

The functions live in public (shared by every cooperative's schema, like the audit log's)
and name tables through TG_TABLE_SCHEMA, so they act on the schema of the row whatever
the session's search_path is. Reversing drops the triggers; the functions stay, because
other schemas' triggers may still use them.
"""

from django.db import migrations

ENTRY_GUARD = """
CREATE OR REPLACE FUNCTION public.ledger_entry_guard() RETURNS trigger AS $$
DECLARE
    sealing CONSTANT text[] := ARRAY['seq', 'entry_hash', 'chain_hash', 'sealed_at'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger: journal entry % is immutable and cannot be deleted; post a reversal', OLD.id;
    END IF;
    IF OLD.seq IS NULL AND OLD.entry_hash IS NULL AND OLD.chain_hash IS NULL
       AND OLD.sealed_at IS NULL
       AND NEW.seq IS NOT NULL AND NEW.entry_hash IS NOT NULL AND NEW.chain_hash IS NOT NULL
       AND NEW.sealed_at IS NOT NULL
       AND (to_jsonb(NEW) - sealing) = (to_jsonb(OLD) - sealing) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ledger: journal entry % is immutable; only its seal is set, once', OLD.id;
END;
$$ LANGUAGE plpgsql;
"""

POSTING_GUARD = """
CREATE OR REPLACE FUNCTION public.ledger_posting_guard() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger: posting % is immutable; post a reversal', OLD.id;
END;
$$ LANGUAGE plpgsql;
"""

# Statement level: the lines of an entry arrive in one INSERT, and after it every entry
# they belong to must be unsealed and have at least two lines that balance.
POSTING_INSERT_CHECK = """
CREATE OR REPLACE FUNCTION public.ledger_posting_insert_check() RETURNS trigger AS $$
DECLARE
    bad_id bigint;
    bad_sealed boolean;
BEGIN
    EXECUTE format(
        'SELECT e.id, e.seq IS NOT NULL FROM (SELECT DISTINCT entry_id FROM new_postings) t '
        'JOIN %1$I.ledger_journalentry e ON e.id = t.entry_id '
        'JOIN %1$I.ledger_posting p ON p.entry_id = e.id '
        'GROUP BY e.id, e.seq '
        'HAVING e.seq IS NOT NULL OR count(*) < 2 OR sum(p.debit) <> sum(p.credit) LIMIT 1',
        TG_TABLE_SCHEMA) INTO bad_id, bad_sealed;
    IF bad_id IS NOT NULL AND bad_sealed THEN
        RAISE EXCEPTION 'ledger: journal entry % is sealed; no lines can be added', bad_id;
    ELSIF bad_id IS NOT NULL THEN
        RAISE EXCEPTION 'ledger: journal entry % needs at least two lines that balance', bad_id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# Deferred to the commit: an entry never commits without its lines.
ENTRY_BALANCED = """
CREATE OR REPLACE FUNCTION public.ledger_entry_balanced() RETURNS trigger AS $$
DECLARE
    n bigint;
    d numeric;
    c numeric;
BEGIN
    EXECUTE format(
        'SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0) '
        'FROM %I.ledger_posting WHERE entry_id = $1', TG_TABLE_SCHEMA)
        INTO n, d, c USING NEW.id;
    IF n < 2 OR d <> c THEN
        RAISE EXCEPTION 'ledger: journal entry % needs at least two lines that balance (% lines, debit %, credit %)',
            NEW.id, n, d, c;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

ACCOUNT_GUARD = """
CREATE OR REPLACE FUNCTION public.ledger_account_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.code <> OLD.code OR NEW.type <> OLD.type OR NEW.is_group <> OLD.is_group THEN
        RAISE EXCEPTION 'ledger: the code, type and group flag of account % never change', OLD.code;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = [
    (
        "CREATE TRIGGER ledger_entry_guard BEFORE UPDATE OR DELETE ON ledger_journalentry "
        "FOR EACH ROW EXECUTE FUNCTION public.ledger_entry_guard();",
        "DROP TRIGGER IF EXISTS ledger_entry_guard ON ledger_journalentry;",
    ),
    (
        "CREATE TRIGGER ledger_posting_guard BEFORE UPDATE OR DELETE ON ledger_posting "
        "FOR EACH ROW EXECUTE FUNCTION public.ledger_posting_guard();",
        "DROP TRIGGER IF EXISTS ledger_posting_guard ON ledger_posting;",
    ),
    (
        "CREATE TRIGGER ledger_posting_insert_check AFTER INSERT ON ledger_posting "
        "REFERENCING NEW TABLE AS new_postings "
        "FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_posting_insert_check();",
        "DROP TRIGGER IF EXISTS ledger_posting_insert_check ON ledger_posting;",
    ),
    (
        "CREATE CONSTRAINT TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_journalentry "
        "DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION public.ledger_entry_balanced();",
        "DROP TRIGGER IF EXISTS ledger_entry_balanced ON ledger_journalentry;",
    ),
    (
        "CREATE TRIGGER ledger_account_guard BEFORE UPDATE ON ledger_account "
        "FOR EACH ROW EXECUTE FUNCTION public.ledger_account_guard();",
        "DROP TRIGGER IF EXISTS ledger_account_guard ON ledger_account;",
    ),
]


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [
        migrations.RunSQL(ENTRY_GUARD, migrations.RunSQL.noop),
        migrations.RunSQL(POSTING_GUARD, migrations.RunSQL.noop),
        migrations.RunSQL(POSTING_INSERT_CHECK, migrations.RunSQL.noop),
        migrations.RunSQL(ENTRY_BALANCED, migrations.RunSQL.noop),
        migrations.RunSQL(ACCOUNT_GUARD, migrations.RunSQL.noop),
        *[migrations.RunSQL(forward, backward) for forward, backward in TRIGGERS],
    ]
