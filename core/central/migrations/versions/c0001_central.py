"""The central schema: companies and their members, devices, the change log, conflicts, the audit chains, presence
and notifications; row-level security per company; append-only audit tables; the functions installs call.

Roles (created if missing, NOLOGIN groups): `qayd_staff`, `qayd_compliance`, `qayd_admin`. Each person logs in as
their own role, member of one group, and is listed in `qayd.member` with their company. Application roles get
SELECT (filtered by row-level security to their company) and EXECUTE on the functions below, nothing else: every
write goes through a SECURITY DEFINER function that checks the caller's company and device.

Ordering: a push takes a per-company advisory lock, so change sequence numbers commit in order within a company and a
puller reading "after seq N" never skips a change committed later with a lower number.

Revision ID: c0001
Revises:
Create Date: 2026-11-26
"""

from alembic import op

revision = 'c0001'
down_revision = None
branch_labels = None
depends_on = None

ROLES = ("qayd_staff", "qayd_compliance", "qayd_admin")

SCHEMA = r"""
CREATE TABLE qayd.company (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE qayd.member (
    login name PRIMARY KEY,
    company_id uuid NOT NULL REFERENCES qayd.company,
    level text NOT NULL CHECK (level IN ('staff', 'compliance', 'admin')),
    display_name text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE qayd.device (
    id uuid PRIMARY KEY,
    company_id uuid NOT NULL REFERENCES qayd.company,
    name text NOT NULL,
    public_key bytea NOT NULL,
    registered_by name NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz
);
-- No foreign keys here: push() checks the device and company once per batch, not once per row.
CREATE TABLE qayd.change (
    seq bigserial PRIMARY KEY,
    company_id uuid NOT NULL,
    device_id uuid NOT NULL,
    change_id text NOT NULL UNIQUE,
    entity text NOT NULL,
    row_id text NOT NULL,
    op text NOT NULL CHECK (op IN ('upsert', 'delete')),
    base_version integer,
    version integer,
    payload json,  -- kept as sent (text): the change log stores and serves rows, it never looks inside them
    conflict boolean NOT NULL DEFAULT false,
    pushed_by name NOT NULL DEFAULT session_user,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_company_seq ON qayd.change (company_id, seq);
CREATE TABLE qayd.entity_state (
    company_id uuid NOT NULL,
    entity text NOT NULL,
    row_id text NOT NULL,
    version integer,
    device_id uuid NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (company_id, entity, row_id)
);
CREATE TABLE qayd.conflict (
    id bigserial PRIMARY KEY,
    company_id uuid NOT NULL,
    entity text NOT NULL,
    row_id text NOT NULL,
    device_id uuid NOT NULL,
    central_seq bigint,
    device_seq bigint NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    resolved_by_seq bigint
);
CREATE UNIQUE INDEX conflict_open ON qayd.conflict (company_id, entity, row_id, device_id) WHERE resolved_at IS NULL;
CREATE TABLE qayd.audit_entry (
    company_id uuid NOT NULL,
    device_id uuid NOT NULL REFERENCES qayd.device,
    seq bigint NOT NULL,
    body text NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, seq)
);
CREATE TABLE qayd.audit_checkpoint (
    company_id uuid NOT NULL,
    device_id uuid NOT NULL REFERENCES qayd.device,
    seq bigint NOT NULL,
    hash text NOT NULL,
    at text NOT NULL,
    signature bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, seq)
);
CREATE TABLE qayd.presence (
    device_id uuid PRIMARY KEY REFERENCES qayd.device,
    company_id uuid NOT NULL,
    login name NOT NULL,
    display_name text NOT NULL DEFAULT '',
    viewing text NOT NULL DEFAULT '',
    online boolean NOT NULL DEFAULT true,
    seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE qayd.notification (
    id bigserial PRIMARY KEY,
    company_id uuid NOT NULL,
    device_id uuid NOT NULL,
    login name NOT NULL DEFAULT session_user,
    kind text NOT NULL,
    subject text NOT NULL DEFAULT '',
    message_en text NOT NULL,
    message_ar text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notification_company ON qayd.notification (company_id, id);

-- The audit tables are append-only for everyone, the owner included: no UPDATE, DELETE or TRUNCATE.
CREATE FUNCTION qayd.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'qayd: % on %.% is refused: audit records are append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON qayd.audit_entry
    FOR EACH ROW EXECUTE FUNCTION qayd.refuse_change();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON qayd.audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION qayd.refuse_change();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON qayd.audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION qayd.refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON qayd.audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION qayd.refuse_change();

-- The caller's company and level; every function starts here.
CREATE FUNCTION qayd.caller() RETURNS qayd.member LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = qayd, pg_temp AS $$
DECLARE m qayd.member;
BEGIN
    SELECT * INTO m FROM qayd.member WHERE login = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'qayd: % is not a member of any company', session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN m;
END $$;

CREATE FUNCTION qayd.own_device(p_device uuid) RETURNS uuid LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = qayd, pg_temp AS $$
DECLARE company uuid := (qayd.caller()).company_id;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM qayd.device WHERE id = p_device AND company_id = company) THEN
        RAISE EXCEPTION 'qayd: device % is not registered with this company', p_device
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN company;
END $$;

CREATE FUNCTION qayd.channel(p_company uuid) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'qayd_' || replace(p_company::text, '-', '')
$$;

CREATE FUNCTION qayd.register_device(p_device uuid, p_name text, p_public_key bytea) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qayd, pg_temp AS $$
DECLARE me qayd.member := qayd.caller(); existing qayd.device;
BEGIN
    SELECT * INTO existing FROM qayd.device WHERE id = p_device;
    IF FOUND THEN
        IF existing.company_id <> me.company_id OR existing.public_key <> p_public_key THEN
            RAISE EXCEPTION 'qayd: device % is registered already with another key or company', p_device
                USING ERRCODE = 'unique_violation';
        END IF;
    ELSE
        INSERT INTO qayd.device (id, company_id, name, public_key, registered_by)
        VALUES (p_device, me.company_id, p_name, p_public_key, session_user);
    END IF;
    RETURN me.company_id;
END $$;

-- Push a batch of changes: a JSON array (json, 30% cheaper than jsonb to take apart and store) of {change_id,
-- entity, row_id, op, base_version, version, payload, resolves}; at most one change per row per batch. Applied
-- idempotently: a change_id seen before is skipped and reported with its first outcome. Returns
-- [{change_id, seq, conflict}] in input order.
CREATE FUNCTION qayd.push(p_device uuid, p_changes json) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qayd, pg_temp AS $$
DECLARE company uuid := qayd.own_device(p_device); result jsonb; newest bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(company::text, 0));
    -- Logins cannot create temporary tables (TEMPORARY is revoked below), so push_in is always this function's
    -- own; it is dropped first all the same, so that nothing a caller made can run as the owner.
    DROP TABLE IF EXISTS pg_temp.push_in;
    CREATE TEMP TABLE push_in (
        ord integer, change_id text, entity text, row_id text, op text, base_version integer, version integer,
        payload json, resolves boolean, fresh boolean, conflict boolean, seq bigint
    ) ON COMMIT DROP;
    TRUNCATE push_in;
    -- One pass: each change with whether it was seen before (then its first outcome) or conflicts now: the row is
    -- open in conflict for this device (and this change does not resolve it), or central's row moved on from the
    -- version this device started from (another device wrote it since).
    INSERT INTO push_in (ord, change_id, entity, row_id, op, base_version, version, payload, resolves, fresh,
                         conflict, seq)
    SELECT x.ord, x.change_id, x.entity, x.row_id, x.op, x.base_version, x.version, x.payload,
           coalesce(x.resolves, false), c.seq IS NULL,
           CASE WHEN c.seq IS NOT NULL THEN c.conflict
                ELSE (k.id IS NOT NULL AND NOT coalesce(x.resolves, false))
                     OR (x.version IS NOT NULL AND s.device_id IS NOT NULL AND s.device_id <> p_device
                         AND s.version IS DISTINCT FROM x.base_version) END,
           c.seq
    FROM ROWS FROM (json_to_recordset(p_changes) AS (change_id text, entity text, row_id text, op text,
                    base_version integer, version integer, payload json, resolves boolean))
         WITH ORDINALITY AS x(change_id, entity, row_id, op, base_version, version, payload, resolves, ord)
    LEFT JOIN qayd.change c ON c.change_id = x.change_id AND c.device_id = p_device
    LEFT JOIN qayd.entity_state s ON s.company_id = company AND s.entity = x.entity AND s.row_id = x.row_id
    LEFT JOIN qayd.conflict k ON k.company_id = company AND k.entity = x.entity AND k.row_id = x.row_id
                             AND k.device_id = p_device AND k.resolved_at IS NULL;
    -- A change id names its device: another company cannot take (and so swallow) this device's next change.
    IF EXISTS (SELECT 1 FROM push_in WHERE NOT starts_with(change_id, p_device::text || ':')) THEN
        RAISE EXCEPTION 'qayd: change ids must start with the pushing device id'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    WITH inserted AS (
        INSERT INTO qayd.change (company_id, device_id, change_id, entity, row_id, op, base_version, version,
                                 payload, conflict)
        SELECT company, p_device, change_id, entity, row_id, op, base_version, version, payload, conflict
        FROM push_in WHERE fresh ORDER BY ord
        RETURNING change_id, seq)
    UPDATE push_in p SET seq = i.seq FROM inserted i WHERE i.change_id = p.change_id;
    -- Only versioned rows can conflict, so only they need their central state (lines and documents do not).
    INSERT INTO qayd.entity_state AS s (company_id, entity, row_id, version, device_id, seq)
    SELECT company, entity, row_id, version, p_device, seq FROM push_in
    WHERE fresh AND NOT conflict AND version IS NOT NULL
    ON CONFLICT (company_id, entity, row_id) DO UPDATE
        SET version = excluded.version, device_id = excluded.device_id, seq = excluded.seq;
    UPDATE qayd.conflict k SET resolved_at = now(), resolved_by_seq = p.seq FROM push_in p
    WHERE p.fresh AND p.resolves AND NOT p.conflict AND k.company_id = company AND k.entity = p.entity
      AND k.row_id = p.row_id AND k.device_id = p_device AND k.resolved_at IS NULL;
    INSERT INTO qayd.conflict (company_id, entity, row_id, device_id, central_seq, device_seq)
    SELECT company, p.entity, p.row_id, p_device, s.seq, p.seq FROM push_in p
    LEFT JOIN qayd.entity_state s ON s.company_id = company AND s.entity = p.entity AND s.row_id = p.row_id
    WHERE p.fresh AND p.conflict
    ON CONFLICT (company_id, entity, row_id, device_id) WHERE resolved_at IS NULL
        DO UPDATE SET device_seq = excluded.device_seq;
    UPDATE qayd.device SET last_seen = now() WHERE id = p_device;
    SELECT max(seq) INTO newest FROM push_in WHERE fresh AND NOT conflict;
    IF newest IS NOT NULL THEN
        PERFORM pg_notify(qayd.channel(company), json_build_object(
            'kind', 'change', 'seq', newest, 'device', p_device,
            'count', (SELECT count(*) FROM push_in WHERE fresh AND NOT conflict))::text);
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_object('change_id', change_id, 'seq', seq, 'conflict', conflict)
                              ORDER BY ord), '[]'::jsonb) INTO result FROM push_in;
    RETURN result;
END $$;

-- Append a device's audit entries and checkpoints. Idempotent; an entry that differs from the one stored under
-- the same number is refused (a changed or forked chain is evidence, never overwritten).
CREATE FUNCTION qayd.push_audit(p_device uuid, p_entries jsonb, p_checkpoints jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qayd, pg_temp AS $$
DECLARE company uuid := qayd.own_device(p_device); clash bigint; newest bigint;
BEGIN
    SELECT e.seq INTO clash FROM jsonb_array_elements(p_entries) AS j(v)
    JOIN qayd.audit_entry e ON e.device_id = p_device AND e.seq = (j.v->>'seq')::bigint
    WHERE e.hash <> decode(j.v->>'hash', 'hex') LIMIT 1;
    IF clash IS NOT NULL THEN
        RAISE EXCEPTION 'qayd: audit entry % of device % differs from the copy already held centrally', clash,
            p_device USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    INSERT INTO qayd.audit_entry (company_id, device_id, seq, body, prev_hash, hash)
    SELECT company, p_device, (v->>'seq')::bigint, v->>'body', decode(v->>'prev_hash', 'hex'),
           decode(v->>'hash', 'hex')
    FROM jsonb_array_elements(p_entries) AS j(v)
    ON CONFLICT (device_id, seq) DO NOTHING;
    INSERT INTO qayd.audit_checkpoint (company_id, device_id, seq, hash, at, signature)
    SELECT company, p_device, (v->>'seq')::bigint, v->>'hash', v->>'at', decode(v->>'signature', 'hex')
    FROM jsonb_array_elements(p_checkpoints) AS j(v)
    ON CONFLICT (device_id, seq) DO NOTHING;
    SELECT max(seq) INTO newest FROM qayd.audit_entry WHERE device_id = p_device;
    RETURN coalesce(newest, 0);
END $$;

CREATE FUNCTION qayd.heartbeat(p_device uuid, p_display_name text, p_viewing text, p_online boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = qayd, pg_temp AS $$
DECLARE company uuid := qayd.own_device(p_device);
BEGIN
    INSERT INTO qayd.presence AS p (device_id, company_id, login, display_name, viewing, online, seen_at)
    VALUES (p_device, company, session_user, p_display_name, p_viewing, p_online, now())
    ON CONFLICT (device_id) DO UPDATE SET login = excluded.login, display_name = excluded.display_name,
        viewing = excluded.viewing, online = excluded.online, seen_at = excluded.seen_at;
    -- LISTEN is open to every login in PostgreSQL: a notification is a wake-up hint with ids only; who is
    -- online and what they have open is read from qayd.presence, which row-level security guards.
    PERFORM pg_notify(qayd.channel(company), json_build_object(
        'kind', 'presence', 'device', p_device, 'online', p_online)::text);
END $$;

CREATE FUNCTION qayd.announce(p_device uuid, p_kind text, p_subject text, p_en text, p_ar text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qayd, pg_temp AS $$
DECLARE company uuid := qayd.own_device(p_device); made bigint;
BEGIN
    INSERT INTO qayd.notification (company_id, device_id, kind, subject, message_en, message_ar)
    VALUES (company, p_device, p_kind, p_subject, p_en, p_ar) RETURNING id INTO made;
    PERFORM pg_notify(qayd.channel(company), json_build_object(
        'kind', 'notification', 'id', made, 'device', p_device, 'event', p_kind)::text);
    RETURN made;
END $$;

-- Row-level security: a member sees their own company's rows only.
CREATE FUNCTION qayd.my_company() RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = qayd, pg_temp AS $$
    SELECT company_id FROM qayd.member WHERE login = session_user
$$;
"""

RLS_TABLES = ("company", "member", "device", "change", "entity_state", "conflict", "audit_entry", "audit_checkpoint",
              "presence", "notification")


def upgrade() -> None:
    for role in ROLES:
        op.execute(f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN "  # nosec B608 # role names from ROLES, a constant tuple
                   f"CREATE ROLE {role} NOLOGIN; END IF; END $$")
    op.execute(SCHEMA)
    for table in RLS_TABLES:
        column = "id" if table == "company" else "company_id"
        op.execute(f"ALTER TABLE qayd.{table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY same_company ON qayd.{table} FOR SELECT USING ({column} = qayd.my_company())")
    # No temporary tables for anyone but the owner: a caller's temp table (or a trigger on it) must never be
    # picked up by a SECURITY DEFINER function.
    op.execute("DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); "
               "END $$")
    op.execute("REVOKE ALL ON SCHEMA qayd FROM PUBLIC")
    op.execute("REVOKE ALL ON ALL TABLES IN SCHEMA qayd FROM PUBLIC")
    op.execute("REVOKE ALL ON ALL FUNCTIONS IN SCHEMA qayd FROM PUBLIC")
    for role in ROLES:
        op.execute(f"GRANT USAGE ON SCHEMA qayd TO {role}")
        op.execute(f"GRANT SELECT ON qayd.company, qayd.member, qayd.device, qayd.change, qayd.entity_state, "
                   f"qayd.conflict, qayd.presence, qayd.notification TO {role}")
        op.execute(f"GRANT EXECUTE ON FUNCTION qayd.caller(), qayd.own_device(uuid), qayd.channel(uuid), "
                   f"qayd.register_device(uuid, text, bytea), qayd.push(uuid, json), "
                   f"qayd.push_audit(uuid, jsonb, jsonb), qayd.heartbeat(uuid, text, text, boolean), "
                   f"qayd.announce(uuid, text, text, text, text), qayd.my_company() TO {role}")
    # Reading the audit chains is for compliance and admin (`qayd audit verify --central`); staff push their own
    # device's chain through push_audit and cannot read anyone's.
    for role in ("qayd_compliance", "qayd_admin"):
        op.execute(f"GRANT SELECT ON qayd.audit_entry, qayd.audit_checkpoint TO {role}")


def downgrade() -> None:
    raise NotImplementedError("The central schema is not downgraded; restore a backup instead.")
