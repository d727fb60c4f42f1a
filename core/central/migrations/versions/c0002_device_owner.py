"""A login acts only as its own devices; Qayd marks the logins it created; every member may read the signed heads.

* `own_device` (which push, push_audit, heartbeat and announce start with) and `register_device` now also check
  that the device was registered by the calling login (`session_user`): the first login to register a device id
  owns it; a second login is refused, in its own company too. Devices registered before this revision keep the
  login that registered them first (`device.registered_by` has been recorded since c0001).
* `member.role_oid`: the PostgreSQL role Qayd created for the member. `qayd central user` refuses a role name that
  exists without this mark (a role Qayd did not create, or one dropped and made again by someone else). Members
  made before this revision are marked with their current role: they were made members by `qayd central user`.
* `audit_heads()`: each device's latest signed checkpoint, for every member of the company (a checkpoint holds a
  sequence number, a hash, a time and a signature: nothing personal). Installs record the heads they see in their
  own chains, so the database owner cannot cut a device's chain centrally without leaving evidence elsewhere.
* `audit_held(device)`: how many entries of its own chain central holds, and the last, for the device's own login.
* On PostgreSQL 16 and later, granting a group needs ADMIN OPTION on it: the owner gets it here when it can.

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-07
"""

from alembic import op

revision = 'c0002'
down_revision = 'c0001'
branch_labels = None
depends_on = None

ROLES = ("qayd_staff", "qayd_compliance", "qayd_admin")

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION qayd.own_device(p_device uuid) RETURNS uuid LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = qayd, pg_temp AS $$
DECLARE company uuid := (qayd.caller()).company_id; holder name;
BEGIN
    SELECT registered_by INTO holder FROM qayd.device WHERE id = p_device AND company_id = company;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'qayd: device % is not registered with this company', p_device
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF holder <> session_user THEN
        RAISE EXCEPTION 'qayd: device % belongs to another login: a login acts only as the devices it registered',
            p_device USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN company;
END $$;

CREATE OR REPLACE FUNCTION qayd.register_device(p_device uuid, p_name text, p_public_key bytea) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = qayd, pg_temp AS $$
DECLARE me qayd.member := qayd.caller(); existing qayd.device;
BEGIN
    -- Taken under a lock: two logins registering one new id at once cannot both pass the check.
    PERFORM pg_advisory_xact_lock(hashtextextended(p_device::text, 1));
    SELECT * INTO existing FROM qayd.device WHERE id = p_device;
    IF FOUND THEN
        IF existing.company_id <> me.company_id OR existing.public_key <> p_public_key THEN
            RAISE EXCEPTION 'qayd: device % is registered already with another key or company', p_device
                USING ERRCODE = 'unique_violation';
        END IF;
        IF existing.registered_by <> session_user THEN
            RAISE EXCEPTION 'qayd: device % belongs to another login: a login acts only as the devices it registered',
                p_device USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSE
        INSERT INTO qayd.device (id, company_id, name, public_key, registered_by)
        VALUES (p_device, me.company_id, p_name, p_public_key, session_user);
    END IF;
    RETURN me.company_id;
END $$;

-- The latest signed checkpoint of each device of the caller's company.
CREATE FUNCTION qayd.audit_heads() RETURNS TABLE (device_id uuid, seq bigint, hash text, at text, signature bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = qayd, pg_temp AS $$
    SELECT d.id, c.seq, c.hash, c.at, c.signature FROM qayd.device d
    CROSS JOIN LATERAL (SELECT k.seq, k.hash, k.at, k.signature FROM qayd.audit_checkpoint k
                        WHERE k.device_id = d.id ORDER BY k.seq DESC LIMIT 1) c
    WHERE d.company_id = qayd.my_company()
$$;
REVOKE ALL ON FUNCTION qayd.audit_heads() FROM PUBLIC;

-- How much of its own chain central holds for a device (its own login only): a desk that finds entries it sent
-- missing records the loss in its chain and sends them again.
CREATE FUNCTION qayd.audit_held(p_device uuid) RETURNS TABLE (entries bigint, newest bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = qayd, pg_temp AS $$
BEGIN
    PERFORM qayd.own_device(p_device);
    RETURN QUERY SELECT count(*), coalesce(max(e.seq), 0) FROM qayd.audit_entry e WHERE e.device_id = p_device;
END $$;
REVOKE ALL ON FUNCTION qayd.audit_held(uuid) FROM PUBLIC;

ALTER TABLE qayd.member ADD COLUMN role_oid oid;
UPDATE qayd.member m SET role_oid = r.oid FROM pg_roles r WHERE r.rolname = m.login;
"""

# PostgreSQL 16 asks for ADMIN OPTION on a group to grant it; a CREATEROLE owner that created the groups has it
# already, one that found them made by a superuser gets it here if it may (else `central user` says what to ask).
ADMIN_OPTION = r"""
DO $$
DECLARE r text;
BEGIN
    IF current_setting('server_version_num')::int < 160000 THEN
        RETURN;
    END IF;
    FOREACH r IN ARRAY ARRAY['qayd_staff', 'qayd_compliance', 'qayd_admin'] LOOP
        IF NOT pg_has_role(current_user, r, 'MEMBER WITH ADMIN OPTION') THEN
            BEGIN
                EXECUTE format('GRANT %I TO %I WITH ADMIN OPTION', r, current_user);
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE WARNING 'qayd: % cannot grant %; a superuser should run GRANT % TO % WITH ADMIN OPTION',
                    current_user, r, r, current_user;
            END;
        END IF;
    END LOOP;
END $$
"""


def upgrade() -> None:
    op.execute(FUNCTIONS)
    for role in ROLES:
        op.execute(f"GRANT EXECUTE ON FUNCTION qayd.audit_heads(), qayd.audit_held(uuid) TO {role}")
    op.execute(ADMIN_OPTION)


def downgrade() -> None:
    raise NotImplementedError("The central schema is not downgraded; restore a backup instead.")
