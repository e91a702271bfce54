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
    check_warning text,                               -- the warning the clerk saved despite (counter m013)
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

-- The canonical JSON of Python's json.dumps(..., ensure_ascii=False, sort_keys=True,
-- separators=(",", ":")) for strings, whole numbers and null: jsonb's text output escapes the same
-- characters the same way. (No SET clause on these three: plain SQL functions are inlined into
-- the ingest, which pins search_path itself; nobody else may execute them.)
CREATE FUNCTION hq.canon(v jsonb) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT coalesce(v::text, 'null') $$;

-- domain.integrity.event_hash
CREATE FUNCTION hq.event_hash(ev jsonb) RETURNS text LANGUAGE sql IMMUTABLE
AS $$
    SELECT encode(sha256(convert_to(
        '[' || hq.canon(ev -> 'id') || ',' || hq.canon(ev -> 'at') || ',' || hq.canon(ev -> 'actor') || ','
            || hq.canon(ev -> 'action') || ',' || hq.canon(ev -> 'entity') || ',' || hq.canon(ev -> 'entity_id') || ','
            || hq.canon(ev -> 'details') || ',' || hq.canon(ev -> 'prev_hash') || ']', 'UTF8')), 'hex')
$$;

-- domain.integrity.row_digest over the given columns, in their order
CREATE FUNCTION hq.row_digest(r jsonb, cols text[]) RETURNS text LANGUAGE sql IMMUTABLE
AS $$
    SELECT encode(sha256(convert_to(
        '[' || coalesce(string_agg(hq.canon(r -> c.name), ',' ORDER BY c.ord), '') || ']', 'UTF8')), 'hex')
    FROM unnest(cols) WITH ORDINALITY AS c (name, ord)
$$;

-- text that should be a JSON document, or NULL when it is not (a crafted event must not stop the batch)
CREATE FUNCTION hq.jsonb_or_null(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN t::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

-- one event of a batch, classified
CREATE TYPE hq.ingest_item AS (
    seq bigint,
    uuid uuid,
    ev jsonb,
    details jsonb,
    reason text,        -- NULL: taken; else why it is quarantined
    known boolean       -- held already (a restored copy sending what the original sent)
);

-- The ingest itself, for a store already known (hq.ingest for store roles; head office's
-- `hq import` of a counter's file). Set-based: the batch is classified in one query (chain
-- links, hashes, fingerprints, known UUIDs), then stored in a few statements.
CREATE FUNCTION hq.ingest_for(p_store text, batch jsonb) RETURNS jsonb LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_device uuid;
    v_seq bigint;
    v_hash text;
    v_skew double precision;
    v_flagged boolean;
    v_cols text[];
    v_old hq.ingest_item[];
    v_new hq.ingest_item[];
    v_bad_at bigint;
    v_resend bigint;
    v_quarantined jsonb;
    v_repeated jsonb;
    v_duplicates int;
    v_accepted int;
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
    SELECT coalesce(array_agg(c), '{}') INTO v_cols
    FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(batch -> 'return_columns') = 'array' THEN batch -> 'return_columns' ELSE '[]' END) AS c;

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

    -- events head office has acknowledged already: a retry after a lost answer, a file imported
    -- twice. Held once; the same UUID with other content is reported.
    SELECT coalesce(array_agg(ROW(o.seq, NULL, o.ev, NULL,
               CASE WHEN h.hash IS NOT NULL AND (h.hash IS DISTINCT FROM o.ev ->> 'hash' OR hq.event_hash(o.ev) IS DISTINCT FROM h.hash)
                    THEN 'uuid_conflict' END, true)::hq.ingest_item ORDER BY o.seq), '{}')
    INTO v_old
    FROM (SELECT (e ->> 'id')::bigint AS seq, e AS ev FROM jsonb_array_elements(batch -> 'events') AS e) AS o
    LEFT JOIN hq.events h ON h.store = p_store AND h.uuid = CASE WHEN o.ev ->> 'uuid' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN (o.ev ->> 'uuid')::uuid END
    WHERE o.seq <= v_seq;

    -- the new events: only the run that follows on from the high-water mark without a gap
    WITH e AS (
        SELECT (x ->> 'id')::bigint AS seq, x AS ev,
               row_number() OVER (ORDER BY (x ->> 'id')::bigint) AS rn
        FROM jsonb_array_elements(batch -> 'events') AS x
        WHERE (x ->> 'id')::bigint > v_seq
    )
    SELECT min(seq) FILTER (WHERE seq <> v_seq + rn) INTO v_bad_at FROM e;
    IF v_bad_at IS NOT NULL THEN
        -- a gap (or a number twice): nothing from there on is taken; the device sends again from here
        SELECT v_seq + count(*) + 1 INTO v_resend FROM jsonb_array_elements(batch -> 'events') AS x
        WHERE (x ->> 'id')::bigint > v_seq AND (x ->> 'id')::bigint < v_bad_at;
    END IF;

    WITH e AS (
        SELECT (x ->> 'id')::bigint AS seq, x AS ev,
               CASE WHEN x ->> 'uuid' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN (x ->> 'uuid')::uuid END AS uuid,
               coalesce(lag(x ->> 'hash') OVER (ORDER BY (x ->> 'id')::bigint), v_hash) AS expected_prev,
               hq.event_hash(x) AS computed
        FROM jsonb_array_elements(batch -> 'events') AS x
        WHERE (x ->> 'id')::bigint > v_seq AND (v_resend IS NULL OR (x ->> 'id')::bigint < v_resend)
    ), c AS (
        SELECT e.*, h.hash AS known_hash,
               CASE WHEN e.ev ->> 'entity' = 'return' AND h.hash IS NULL AND e.ev ->> 'hash' = e.computed
                    THEN hq.jsonb_or_null(e.ev ->> 'details') END AS details
        FROM e LEFT JOIN hq.events h ON h.store = p_store AND h.uuid = e.uuid
    )
    SELECT coalesce(array_agg(ROW(c.seq, c.uuid, c.ev, c.details,
        CASE
            WHEN c.uuid IS NULL OR c.ev ->> 'hash' IS NULL OR c.ev ->> 'action' IS NULL OR c.ev ->> 'actor' IS NULL
                 OR c.ev ->> 'at' IS NULL THEN 'malformed'
            WHEN c.ev ->> 'prev_hash' IS DISTINCT FROM c.expected_prev THEN 'chain_broken'
            WHEN c.computed IS DISTINCT FROM c.ev ->> 'hash' THEN 'hash_mismatch'
            WHEN c.known_hash IS NOT NULL AND c.known_hash IS DISTINCT FROM c.ev ->> 'hash' THEN 'uuid_conflict'
            WHEN c.known_hash IS NOT NULL THEN NULL
            WHEN c.ev ->> 'entity' = 'return' AND c.ev ->> 'details' IS NOT NULL AND c.details IS NULL THEN 'malformed'
            WHEN c.ev ->> 'action' = 'return_recorded' AND c.ev ->> 'entity' = 'return'
                 AND (c.ev -> 'return' IS NULL OR jsonb_typeof(c.ev -> 'return') <> 'object'
                      OR c.ev -> 'return' ->> 'uuid' IS DISTINCT FROM c.ev ->> 'entity_id'
                      OR hq.row_digest(c.ev -> 'return',
                                       CASE WHEN jsonb_typeof(c.ev -> 'return_columns') = 'array'
                                            THEN ARRAY(SELECT jsonb_array_elements_text(c.ev -> 'return_columns')) ELSE v_cols END)
                         IS DISTINCT FROM c.details ->> 'row_sha256') THEN 'return_mismatch'
            WHEN c.ev ->> 'action' = 'return_voided' AND c.ev ->> 'entity' = 'return' AND c.details ? 'void_sha256'
                 AND hq.row_digest(jsonb_build_object('status', 'void', 'void_reason', c.details -> 'reason',
                                                      'void_by', c.ev -> 'actor', 'void_at', c.ev -> 'at'),
                                   ARRAY['status', 'void_reason', 'void_by', 'void_at'])
                     IS DISTINCT FROM c.details ->> 'void_sha256' THEN 'return_mismatch'
        END,
        c.known_hash IS NOT NULL)::hq.ingest_item ORDER BY c.seq), '{}')
    INTO v_new
    FROM c;

    -- set aside what does not check: answered and reported, never blocking the rest
    INSERT INTO hq.quarantine (store, device_id, seq, uuid, reason, payload)
    SELECT p_store, v_device, i.seq, i.uuid, i.reason, i.ev
    FROM (SELECT * FROM unnest(v_old) UNION ALL SELECT * FROM unnest(v_new)) AS i
    WHERE i.reason IS NOT NULL;

    INSERT INTO hq.events (store, uuid, device_id, seq, at, actor, action, entity, entity_id, details, prev_hash, hash, payload)
    SELECT p_store, i.uuid, v_device, i.seq, i.ev ->> 'at', i.ev ->> 'actor', i.ev ->> 'action', i.ev ->> 'entity',
           i.ev ->> 'entity_id', i.ev ->> 'details', i.ev ->> 'prev_hash', i.ev ->> 'hash', i.ev - 'return' - 'return_columns'
    FROM unnest(v_new) AS i
    WHERE i.reason IS NULL AND NOT i.known
    ON CONFLICT (store, uuid) DO NOTHING;   -- a restored copy racing the original with the same event

    INSERT INTO hq.returns
    SELECT r.*
    FROM unnest(v_new) AS i,
         jsonb_populate_record(NULL::hq.returns,
             (i.ev -> 'return') || jsonb_build_object('store', p_store, 'device_id', v_device, 'status', 'active',
                                                      'repeated_ticket', false, 'received_at', now(),
                                                      'row_data', i.ev -> 'return')) AS r
    WHERE i.reason IS NULL AND NOT i.known AND i.ev ->> 'action' = 'return_recorded' AND i.ev ->> 'entity' = 'return'
    ON CONFLICT (store, uuid) DO NOTHING;

    -- a ticket number seen under another UUID: both returns kept, both flagged
    WITH t AS (
        SELECT DISTINCT i.ev -> 'return' ->> 'ticket' AS ticket
        FROM unnest(v_new) AS i
        WHERE i.reason IS NULL AND NOT i.known AND i.ev ->> 'action' = 'return_recorded' AND i.ev ->> 'entity' = 'return'
    ), repeated AS (
        SELECT t.ticket FROM t JOIN hq.returns r ON r.store = p_store AND r.ticket = t.ticket
        GROUP BY t.ticket HAVING count(*) > 1
    ), flagged AS (
        UPDATE hq.returns r SET repeated_ticket = true FROM repeated
        WHERE r.store = p_store AND r.ticket = repeated.ticket AND NOT r.repeated_ticket
        RETURNING r.ticket
    )
    SELECT coalesce(jsonb_agg(DISTINCT ticket), '[]') INTO v_repeated FROM repeated;

    -- later events about a return: void, the manufacturer's answer
    WITH v AS MATERIALIZED (
        SELECT (i.ev ->> 'entity_id')::uuid AS target, i.details ->> 'reason' AS why, i.ev ->> 'actor' AS who, i.ev ->> 'at' AS at
        FROM unnest(v_new) AS i
        WHERE i.reason IS NULL AND NOT i.known AND i.ev ->> 'action' = 'return_voided' AND i.ev ->> 'entity' = 'return'
          AND i.ev ->> 'entity_id' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
    )
    UPDATE hq.returns r SET status = 'void', void_reason = v.why, void_by = v.who, void_at = v.at
    FROM v WHERE r.store = p_store AND r.uuid = v.target AND r.status = 'active';
    WITH a AS MATERIALIZED (
        SELECT (i.ev ->> 'entity_id')::uuid AS target, i.details ->> 'confirmation' AS answer
        FROM unnest(v_new) AS i
        WHERE i.reason IS NULL AND NOT i.known AND i.ev ->> 'action' = 'confirmation_set' AND i.ev ->> 'entity' = 'return'
          AND i.ev ->> 'entity_id' ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
    )
    UPDATE hq.returns r SET confirmation = a.answer
    FROM a WHERE r.store = p_store AND r.uuid = a.target AND r.confirmation = 'pending';

    SELECT count(*) FILTER (WHERE i.reason IS NULL AND NOT i.known AND i.seq > v_seq),
           count(*) FILTER (WHERE i.reason IS NULL AND (i.known OR i.seq <= v_seq))
    INTO v_accepted, v_duplicates
    FROM (SELECT * FROM unnest(v_old) UNION ALL SELECT * FROM unnest(v_new)) AS i;
    SELECT coalesce(jsonb_agg(jsonb_build_object('seq', i.seq, 'uuid', i.ev ->> 'uuid', 'reason', i.reason) ORDER BY i.seq), '[]')
    INTO v_quarantined
    FROM (SELECT * FROM unnest(v_old) UNION ALL SELECT * FROM unnest(v_new)) AS i
    WHERE i.reason IS NOT NULL;

    -- the chain goes on through a quarantined event: the device's next event links to the hash it sent
    IF cardinality(v_new) > 0 THEN
        v_seq := v_new[cardinality(v_new)].seq;
        v_hash := v_new[cardinality(v_new)].ev ->> 'hash';
    END IF;
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
