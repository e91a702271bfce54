-- Head office, version 1: stores, devices, the events every counter pushes, the returns they
-- carry, quarantine, and the one way in: hq.ingest(batch jsonb).
--
-- Every table is keyed by store first, so the schema can be distributed by store (Citus:
-- create_distributed_table(..., 'store')); every unique constraint includes the store.
-- Store roles get no table privileges at all: only EXECUTE on hq.ingest, a SECURITY DEFINER
-- function that takes the store from session_user (never from the payload).

ALTER DEFAULT PRIVILEGES IN SCHEMA hq REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;  -- the default before PostgreSQL 15: no role makes tables there

CREATE TABLE hq.stores (
    code text PRIMARY KEY,
    role_name text NOT NULL UNIQUE,          -- the login role of the store's counters
    created_at timestamptz NOT NULL DEFAULT now()
);

-- who may read: a store manager (store set) or head office (store NULL: every store)
CREATE TABLE hq.readers (
    role_name text PRIMARY KEY,
    store text REFERENCES hq.stores (code),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hq.devices (
    store text NOT NULL REFERENCES hq.stores (code),
    device_id uuid NOT NULL,
    counter text,
    acked_seq bigint NOT NULL DEFAULT 0,     -- the high-water mark: every event up to it is held
    last_hash text,                          -- the chain hash of event acked_seq
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    clock_skew_seconds double precision,     -- the device's clock minus the server's, at its last push
    clock_flagged boolean NOT NULL DEFAULT false,
    PRIMARY KEY (store, device_id)
);

-- every audit event of every counter, exactly once (the unique key is the event's UUID)
CREATE TABLE hq.events (
    store text NOT NULL,
    uuid uuid NOT NULL,
    device_id uuid NOT NULL,
    seq bigint NOT NULL,                     -- the event's number in its device's chain
    at text NOT NULL,                        -- the device's time, as the device recorded it
    received_at timestamptz NOT NULL DEFAULT now(),   -- the server's time
    actor text NOT NULL,
    action text NOT NULL,
    entity text,
    entity_id text,
    details text,
    prev_hash text,
    hash text NOT NULL,
    payload jsonb NOT NULL,                  -- every column of the counter's event, as sent
    PRIMARY KEY (store, uuid)
);
CREATE INDEX events_by_device ON hq.events (store, device_id, seq);
CREATE INDEX events_by_action ON hq.events (store, action, at);

-- the returns, as recorded (the event's fingerprint checked), then voided / confirmed by later events
CREATE TABLE hq.returns (
    store text NOT NULL,
    uuid uuid NOT NULL,
    device_id uuid NOT NULL,
    ticket text NOT NULL,
    recorded_at text NOT NULL,
    business_date date NOT NULL,
    time_zone text NOT NULL,
    counter text NOT NULL,
    clerk text NOT NULL,
    market text NOT NULL,
    model_input text NOT NULL,
    model text NOT NULL,
    brand text NOT NULL,
    recall_id text NOT NULL,
    verdict text NOT NULL,
    catalogue_version text NOT NULL,
    confirmation text NOT NULL,
    serial text,
    batch_code text,
    made_on text,
    condition text NOT NULL,
    remedy text NOT NULL,
    amount_minor bigint NOT NULL,
    currency text NOT NULL,
    replacement_model text,
    receipt text,
    proof_type text,
    customer_contact text,
    notes text,
    override_reason text,
    override_by text,
    duplicate_of text,
    isolation_confirmed_at text,
    status text NOT NULL DEFAULT 'active',
    void_reason text,
    void_by text,
    void_at text,
    repeated_ticket boolean NOT NULL DEFAULT false,   -- another return of this store has the same ticket
    received_at timestamptz NOT NULL DEFAULT now(),
    row_data jsonb NOT NULL,                          -- the return as sent (columns added later travel here)
    PRIMARY KEY (store, uuid)
);
CREATE INDEX returns_by_store_day ON hq.returns (store, business_date, recorded_at);
CREATE INDEX returns_by_ticket ON hq.returns (store, ticket);

-- what was set aside: answered and reported, never retried forever, never blocking the rest
CREATE TABLE hq.quarantine (
    store text NOT NULL,
    id bigint GENERATED ALWAYS AS IDENTITY,
    device_id uuid,
    seq bigint,
    uuid uuid,
    reason text NOT NULL,
    payload jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, id)
);

-- the canonical JSON of Python's json.dumps(..., ensure_ascii=False, sort_keys=True,
-- separators=(",", ":")) for strings, whole numbers and null: jsonb's text output escapes the same
-- characters the same way
CREATE FUNCTION hq.canon(v jsonb) RETURNS text LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT coalesce(v::text, 'null') $$;

-- domain.integrity.event_hash
CREATE FUNCTION hq.event_hash(ev jsonb) RETURNS text LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT encode(sha256(convert_to(
        '[' || hq.canon(ev -> 'id') || ',' || hq.canon(ev -> 'at') || ',' || hq.canon(ev -> 'actor') || ','
            || hq.canon(ev -> 'action') || ',' || hq.canon(ev -> 'entity') || ',' || hq.canon(ev -> 'entity_id') || ','
            || hq.canon(ev -> 'details') || ',' || hq.canon(ev -> 'prev_hash') || ']', 'UTF8')), 'hex')
$$;

-- domain.integrity.row_digest over the given columns, in their order
CREATE FUNCTION hq.row_digest(r jsonb, cols jsonb) RETURNS text LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT encode(sha256(convert_to(
        '[' || coalesce(string_agg(hq.canon(r -> c.name), ',' ORDER BY c.ord), '') || ']', 'UTF8')), 'hex')
    FROM jsonb_array_elements_text(cols) WITH ORDINALITY AS c (name, ord)
$$;

-- the ingest itself, for a store already known (hq.ingest for store roles; head office's
-- `hq import` of a counter's file)
CREATE FUNCTION hq.ingest_for(p_store text, batch jsonb) RETURNS jsonb LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_device uuid;
    v_seq bigint;
    v_hash text;
    v_skew double precision;
    v_flagged boolean;
    ev jsonb;
    s bigint;
    v_known text;
    v_reason text;
    v_details jsonb;
    v_ret jsonb;
    v_cols jsonb := coalesce(batch -> 'return_columns', '[]'::jsonb);
    v_accepted int := 0;
    v_duplicates int := 0;
    v_quarantined jsonb := '[]'::jsonb;
    v_repeated jsonb := '[]'::jsonb;
    v_resend bigint;
    v_first boolean;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM hq.stores WHERE code = p_store) THEN
        RAISE EXCEPTION 'unknown store %', p_store USING ERRCODE = '42501';
    END IF;
    BEGIN
        v_device := (batch ->> 'device_id')::uuid;
    EXCEPTION WHEN invalid_text_representation THEN
        v_device := NULL;
    END;
    IF v_device IS NULL OR jsonb_typeof(batch -> 'events') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'not a Returns Desk batch' USING ERRCODE = '22023';
    END IF;

    INSERT INTO hq.devices (store, device_id, counter) VALUES (p_store, v_device, batch ->> 'counter')
    ON CONFLICT (store, device_id) DO NOTHING;
    -- one device's batches are taken one at a time (a retry racing its own first attempt)
    SELECT acked_seq, last_hash INTO v_seq, v_hash FROM hq.devices
    WHERE store = p_store AND device_id = v_device FOR UPDATE;

    BEGIN
        v_skew := extract(epoch FROM ((batch ->> 'sent_at')::timestamptz - now()));
    EXCEPTION WHEN others THEN
        v_skew := NULL;
    END;
    v_flagged := coalesce(abs(v_skew) > 300, false);

    FOR ev IN SELECT e.value FROM jsonb_array_elements(batch -> 'events') AS e (value)
              ORDER BY (e.value ->> 'id')::bigint
    LOOP
        s := (ev ->> 'id')::bigint;
        IF s IS NULL OR ev ->> 'uuid' IS NULL OR ev ->> 'hash' IS NULL THEN
            v_quarantined := v_quarantined || jsonb_build_object('seq', s, 'uuid', ev ->> 'uuid', 'reason', 'malformed');
            INSERT INTO hq.quarantine (store, device_id, seq, reason, payload) VALUES (p_store, v_device, s, 'malformed', ev);
            CONTINUE;
        END IF;
        IF s <= v_seq THEN
            -- held already (a retry after a lost answer, or a file imported twice); the same UUID
            -- with other content is reported
            SELECT hash INTO v_known FROM hq.events WHERE store = p_store AND uuid = (ev ->> 'uuid')::uuid;
            IF v_known IS NOT NULL AND (v_known IS DISTINCT FROM ev ->> 'hash' OR hq.event_hash(ev) IS DISTINCT FROM v_known) THEN
                v_quarantined := v_quarantined || jsonb_build_object('seq', s, 'uuid', ev ->> 'uuid', 'reason', 'uuid_conflict');
                INSERT INTO hq.quarantine (store, device_id, seq, uuid, reason, payload)
                VALUES (p_store, v_device, s, (ev ->> 'uuid')::uuid, 'uuid_conflict', ev);
            ELSE
                v_duplicates := v_duplicates + 1;
            END IF;
            CONTINUE;
        END IF;
        IF s > v_seq + 1 THEN
            v_resend := v_seq + 1;   -- a gap: nothing after it is taken, the device sends again from here
            EXIT;
        END IF;

        v_reason := NULL;
        IF ev ->> 'prev_hash' IS DISTINCT FROM v_hash THEN
            v_reason := 'chain_broken';
        ELSIF hq.event_hash(ev) IS DISTINCT FROM ev ->> 'hash' THEN
            v_reason := 'hash_mismatch';
        END IF;
        SELECT hash INTO v_known FROM hq.events WHERE store = p_store AND uuid = (ev ->> 'uuid')::uuid;
        v_first := v_known IS NULL;
        IF v_reason IS NULL AND NOT v_first AND v_known IS DISTINCT FROM ev ->> 'hash' THEN
            v_reason := 'uuid_conflict';
        END IF;

        v_details := NULL;
        IF v_reason IS NULL AND ev ->> 'details' IS NOT NULL THEN
            BEGIN
                v_details := (ev ->> 'details')::jsonb;
            EXCEPTION WHEN others THEN
                v_reason := 'malformed';
            END;
        END IF;

        IF v_reason IS NULL AND v_first AND ev ->> 'entity' = 'return' THEN
            IF ev ->> 'action' = 'return_recorded' THEN
                v_ret := ev -> 'return';
                IF v_ret IS NULL OR hq.row_digest(v_ret, v_cols) IS DISTINCT FROM v_details ->> 'row_sha256'
                   OR v_ret ->> 'uuid' IS DISTINCT FROM ev ->> 'entity_id' THEN
                    v_reason := 'return_mismatch';
                END IF;
            ELSIF ev ->> 'action' = 'return_voided' AND v_details ? 'void_sha256' THEN
                IF hq.row_digest(jsonb_build_object('status', 'void', 'void_reason', v_details -> 'reason',
                                                    'void_by', ev -> 'actor', 'void_at', ev -> 'at'),
                                 '["status", "void_reason", "void_by", "void_at"]'::jsonb)
                   IS DISTINCT FROM v_details ->> 'void_sha256' THEN
                    v_reason := 'return_mismatch';
                END IF;
            END IF;
        END IF;

        IF v_reason IS NOT NULL THEN
            v_quarantined := v_quarantined || jsonb_build_object('seq', s, 'uuid', ev ->> 'uuid', 'reason', v_reason);
            INSERT INTO hq.quarantine (store, device_id, seq, uuid, reason, payload)
            VALUES (p_store, v_device, s, (ev ->> 'uuid')::uuid, v_reason, ev);
        ELSIF v_first THEN
            INSERT INTO hq.events (store, uuid, device_id, seq, at, actor, action, entity, entity_id, details, prev_hash, hash, payload)
            VALUES (p_store, (ev ->> 'uuid')::uuid, v_device, s, ev ->> 'at', ev ->> 'actor', ev ->> 'action', ev ->> 'entity',
                    ev ->> 'entity_id', ev ->> 'details', ev ->> 'prev_hash', ev ->> 'hash', ev - 'return');
            IF ev ->> 'entity' = 'return' THEN
                IF ev ->> 'action' = 'return_recorded' THEN
                    INSERT INTO hq.returns
                    SELECT (jsonb_populate_record(NULL::hq.returns,
                        v_ret || jsonb_build_object('store', p_store, 'device_id', v_device, 'status', 'active',
                                                    'repeated_ticket', false, 'received_at', now(), 'row_data', v_ret))).*
                    ON CONFLICT (store, uuid) DO NOTHING;
                    -- a ticket number seen before under another UUID: both are kept, both are flagged
                    IF EXISTS (SELECT 1 FROM hq.returns r WHERE r.store = p_store AND r.ticket = v_ret ->> 'ticket'
                               AND r.uuid <> (v_ret ->> 'uuid')::uuid) THEN
                        UPDATE hq.returns SET repeated_ticket = true WHERE store = p_store AND ticket = v_ret ->> 'ticket';
                        v_repeated := v_repeated || to_jsonb(v_ret ->> 'ticket');
                    END IF;
                ELSIF ev ->> 'action' = 'return_voided' THEN
                    UPDATE hq.returns SET status = 'void', void_reason = v_details ->> 'reason', void_by = ev ->> 'actor',
                                          void_at = ev ->> 'at'
                    WHERE store = p_store AND uuid = (ev ->> 'entity_id')::uuid AND status = 'active';
                ELSIF ev ->> 'action' = 'confirmation_set' THEN
                    UPDATE hq.returns SET confirmation = v_details ->> 'confirmation'
                    WHERE store = p_store AND uuid = (ev ->> 'entity_id')::uuid AND confirmation = 'pending';
                END IF;
            END IF;
            v_accepted := v_accepted + 1;
        ELSE
            v_duplicates := v_duplicates + 1;   -- a restored copy sending what the original sent
        END IF;
        -- the chain goes on through a quarantined event: the device's next event links to the hash it sent
        v_seq := s;
        v_hash := ev ->> 'hash';
    END LOOP;

    UPDATE hq.devices SET acked_seq = v_seq, last_hash = v_hash, last_seen = now(), counter = coalesce(batch ->> 'counter', counter),
                          clock_skew_seconds = v_skew, clock_flagged = v_flagged
    WHERE store = p_store AND device_id = v_device;

    RETURN jsonb_build_object(
        'store', p_store, 'device_id', v_device, 'acked_seq', v_seq, 'accepted', v_accepted, 'duplicates', v_duplicates,
        'quarantined', v_quarantined, 'repeated_tickets', v_repeated, 'resend_from', v_resend,
        'server_time', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'clock_skew_seconds', v_skew, 'clock_flagged', v_flagged);
END
$$;

-- the only thing a store's role may do: push its own counters' events
CREATE FUNCTION hq.ingest(batch jsonb) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_store text;
BEGIN
    SELECT code INTO v_store FROM hq.stores WHERE role_name = session_user;
    IF v_store IS NULL THEN
        RAISE EXCEPTION 'role % is not a store of this head office', session_user USING ERRCODE = '42501';
    END IF;
    RETURN hq.ingest_for(v_store, batch);
END
$$;

-- the stores a reader may see (RLS policies below)
CREATE FUNCTION hq.readable_stores() RETURNS SETOF text LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.code FROM hq.stores s JOIN hq.readers r ON r.role_name = session_user AND (r.store IS NULL OR r.store = s.code)
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA hq FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA hq FROM PUBLIC;
REVOKE ALL ON SCHEMA hq FROM PUBLIC;

ALTER TABLE hq.returns ENABLE ROW LEVEL SECURITY;
ALTER TABLE hq.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE hq.devices ENABLE ROW LEVEL SECURITY;
ALTER TABLE hq.quarantine ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_store ON hq.returns FOR SELECT USING (store IN (SELECT hq.readable_stores()));
CREATE POLICY own_store ON hq.events FOR SELECT USING (store IN (SELECT hq.readable_stores()));
CREATE POLICY own_store ON hq.devices FOR SELECT USING (store IN (SELECT hq.readable_stores()));
CREATE POLICY own_store ON hq.quarantine FOR SELECT USING (store IN (SELECT hq.readable_stores()));

-- the read views (security_invoker: the policies above apply to whoever reads them)
CREATE VIEW hq.returns_v WITH (security_invoker = true) AS
    SELECT store, counter, ticket, uuid, recorded_at, business_date, clerk, market, model, brand, recall_id, verdict,
           confirmation, serial, batch_code, made_on, condition, remedy, amount_minor, currency, replacement_model,
           override_reason, override_by, duplicate_of, status, void_reason, void_by, void_at, repeated_ticket,
           received_at, device_id
    FROM hq.returns;
CREATE VIEW hq.sync_progress_v WITH (security_invoker = true) AS
    SELECT store, counter, device_id, acked_seq, first_seen, last_seen, clock_skew_seconds, clock_flagged FROM hq.devices;
CREATE VIEW hq.quarantine_v WITH (security_invoker = true) AS
    SELECT store, device_id, seq, uuid, reason, received_at FROM hq.quarantine;
CREATE VIEW hq.events_v WITH (security_invoker = true) AS
    SELECT store, device_id, seq, uuid, at, received_at, actor, action, entity, entity_id, details FROM hq.events;
