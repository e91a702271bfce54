-- Running counts per store, day, recall, remedy and confirmation state of the returns not
-- voided, kept by statement-level triggers on hq.returns (as the counter's m005 keeps its own), so
-- a report's "cumulative since the start" reads a few thousand rows instead of every return the
-- store ever took back.

CREATE TABLE hq.return_counts (
    store text NOT NULL,
    business_date date NOT NULL,
    recall_id text NOT NULL,
    remedy text NOT NULL,
    confirmation text NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (store, business_date, recall_id, remedy, confirmation)
);
REVOKE ALL ON hq.return_counts FROM PUBLIC;

INSERT INTO hq.return_counts
SELECT store, business_date, recall_id, remedy, confirmation, count(*)
FROM hq.returns WHERE status = 'active'
GROUP BY store, business_date, recall_id, remedy, confirmation;

CREATE FUNCTION hq.return_counts_added() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO hq.return_counts AS c
    SELECT store, business_date, recall_id, remedy, confirmation, count(*)
    FROM added WHERE status = 'active'
    GROUP BY store, business_date, recall_id, remedy, confirmation
    ON CONFLICT (store, business_date, recall_id, remedy, confirmation) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END
$$;

-- a void takes a return out; the manufacturer's answer moves it from 'pending' to its answer
CREATE FUNCTION hq.return_counts_changed() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    WITH delta AS (
        SELECT store, business_date, recall_id, remedy, confirmation, -1 AS d FROM before_rows WHERE status = 'active'
        UNION ALL
        SELECT store, business_date, recall_id, remedy, confirmation, 1 FROM after_rows WHERE status = 'active'
    )
    INSERT INTO hq.return_counts AS c
    SELECT store, business_date, recall_id, remedy, confirmation, sum(d)
    FROM delta GROUP BY store, business_date, recall_id, remedy, confirmation
    HAVING sum(d) <> 0
    ON CONFLICT (store, business_date, recall_id, remedy, confirmation) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION hq.return_counts_added(), hq.return_counts_changed() FROM PUBLIC;

CREATE TRIGGER return_counts_insert AFTER INSERT ON hq.returns
REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION hq.return_counts_added();
CREATE TRIGGER return_counts_update AFTER UPDATE ON hq.returns
REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows FOR EACH STATEMENT EXECUTE FUNCTION hq.return_counts_changed();

ALTER TABLE hq.return_counts ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_store ON hq.return_counts FOR SELECT USING (store IN (SELECT hq.readable_stores()));
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT role_name FROM hq.readers LOOP
        EXECUTE format('GRANT SELECT ON hq.return_counts TO %I', r.role_name);
    END LOOP;
END
$$;

-- the latest return that has arrived from each counter (the store report's "arrived up to")
CREATE INDEX returns_by_device ON hq.returns (store, device_id, recorded_at);
