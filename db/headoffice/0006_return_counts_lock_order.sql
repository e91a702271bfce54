-- The running counts of 0003 are shared by every counter of a store: two counters' batches
-- landing at once update some of the same rows. Each statement now takes its rows in key order
-- (ORDER BY before ON CONFLICT), so two ingests wait for each other instead of deadlocking over
-- rows taken in opposite orders. (A deadlock across two statements of one batch stays possible;
-- the counter sends such a batch again, see returns_desk/headoffice/pg.py.)

CREATE OR REPLACE FUNCTION hq.return_counts_added() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO hq.return_counts AS c
    SELECT store, business_date, recall_id, remedy, confirmation, count(*)
    FROM added WHERE status = 'active'
    GROUP BY store, business_date, recall_id, remedy, confirmation
    ORDER BY store, business_date, recall_id, remedy, confirmation
    ON CONFLICT (store, business_date, recall_id, remedy, confirmation) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION hq.return_counts_changed() RETURNS trigger LANGUAGE plpgsql
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
    ORDER BY store, business_date, recall_id, remedy, confirmation
    ON CONFLICT (store, business_date, recall_id, remedy, confirmation) DO UPDATE SET n = c.n + excluded.n;
    RETURN NULL;
END
$$;
