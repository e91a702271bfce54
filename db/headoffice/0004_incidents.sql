-- Counter work that is not a return (counter m014): a hazardous unit that stopped a return, and an
-- enquiry answered "not affected". Their audit events reach head office like every event; the
-- incident itself rides along with its event (as a return does) and is projected here by a
-- trigger on hq.events, when it agrees with what the event recorded. The store's daily report at
-- head office counts them as a counter's report does.

CREATE TABLE hq.incidents (
    store text NOT NULL,
    uuid uuid NOT NULL,
    device_id uuid NOT NULL,
    recorded_at text NOT NULL,
    business_date date NOT NULL,
    time_zone text NOT NULL,
    counter text NOT NULL,
    clerk text NOT NULL,
    kind text NOT NULL,
    action text NOT NULL,
    model_input text,
    model text,
    verdict text,
    condition text,
    notes text,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store, uuid)
);
CREATE INDEX incidents_by_store_day ON hq.incidents (store, business_date, recorded_at);
REVOKE ALL ON hq.incidents FROM PUBLIC;

-- a date, or NULL when the text is not one (a crafted event must never stop a batch)
CREATE FUNCTION hq.date_or_null(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN t::date;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

CREATE FUNCTION hq.incidents_from_events() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO hq.incidents (store, uuid, device_id, recorded_at, business_date, time_zone, counter, clerk, kind, action,
                              model_input, model, verdict, condition, notes)
    SELECT e.store, e.uuid_of_incident, e.device_id, i.recorded_at, hq.date_or_null(i.business_date), i.time_zone, i.counter,
           i.clerk, i.kind, i.action, i.model_input, i.model, i.verdict, i.condition, i.notes
    FROM (
        SELECT a.*, CASE WHEN a.entity_id ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
                         THEN a.entity_id::uuid END AS uuid_of_incident,
               hq.jsonb_or_null(a.details) AS d
        FROM added a
        WHERE a.action = 'incident_recorded' AND a.entity = 'incident' AND jsonb_typeof(a.payload -> 'incident') = 'object'
    ) AS e,
    jsonb_to_record(e.payload -> 'incident') AS i (uuid text, recorded_at text, business_date text, time_zone text, counter text,
                                                    clerk text, kind text, action text, model_input text, model text,
                                                    verdict text, condition text, notes text)
    WHERE e.uuid_of_incident IS NOT NULL AND i.uuid = e.entity_id AND i.recorded_at = e.at AND i.clerk = e.actor
      AND hq.date_or_null(i.business_date) IS NOT NULL AND i.time_zone IS NOT NULL AND i.counter IS NOT NULL
      AND i.kind IS NOT NULL AND i.action IS NOT NULL
      AND e.d ->> 'kind' IS NOT DISTINCT FROM i.kind AND e.d ->> 'action' IS NOT DISTINCT FROM i.action
      AND e.d ->> 'model_input' IS NOT DISTINCT FROM i.model_input AND e.d ->> 'model' IS NOT DISTINCT FROM i.model
      AND e.d ->> 'verdict' IS NOT DISTINCT FROM i.verdict AND e.d ->> 'condition' IS NOT DISTINCT FROM i.condition
      AND e.d ->> 'notes' IS NOT DISTINCT FROM i.notes
    ON CONFLICT (store, uuid) DO NOTHING;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION hq.incidents_from_events(), hq.date_or_null(text) FROM PUBLIC;
CREATE TRIGGER incidents_from_events AFTER INSERT ON hq.events
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION hq.incidents_from_events();

ALTER TABLE hq.incidents ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_store ON hq.incidents FOR SELECT USING (store IN (SELECT hq.readable_stores()));
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT role_name FROM hq.readers LOOP
        EXECUTE format('GRANT SELECT ON hq.incidents TO %I', r.role_name);
    END LOOP;
END
$$;
