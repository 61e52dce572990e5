-- Tells the service which users changed, so that writes which do not go through it (psql, another service, a
-- migration) reach its cache too (cache/aside/SourceInvalidations). One NOTIFY per statement on cp_users_changed,
-- with the changed ids ("42,43"; "+42,43" for an INSERT, after which only an "absent" marker can be stale), or "*"
-- when a statement changed more than 50 rows or truncated the table: the listener then drops the whole cache in O(1). 50 ids of at most 20 characters keep the payload near 1 KB, far below
-- Postgres' 8000-byte limit. NOTIFY is sent at commit, and not at all on rollback.
CREATE FUNCTION cp_users_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint;
    ids text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('cp_users_changed', '*');
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN
        SELECT count(*), string_agg(id::text, ',') INTO changed, ids FROM (SELECT id FROM new_rows LIMIT 51) s;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT count(*), string_agg(id::text, ',') INTO changed, ids
        FROM (SELECT id FROM new_rows UNION SELECT id FROM old_rows LIMIT 51) s;
    ELSE
        SELECT count(*), string_agg(id::text, ',') INTO changed, ids FROM (SELECT id FROM old_rows LIMIT 51) s;
    END IF;
    IF changed > 0 THEN
        PERFORM pg_notify('cp_users_changed', CASE
            WHEN changed > 50 THEN '*'
            WHEN TG_OP = 'INSERT' THEN '+' || ids
            ELSE ids END);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER users_notify_insert AFTER INSERT ON users
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cp_users_notify();
CREATE TRIGGER users_notify_update AFTER UPDATE ON users
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cp_users_notify();
CREATE TRIGGER users_notify_delete AFTER DELETE ON users
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cp_users_notify();
CREATE TRIGGER users_notify_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION cp_users_notify();
