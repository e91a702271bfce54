-- Head office as the witness of each counter's chain (issue 16): a store's counter may read back
-- the events head office acknowledged for its own device, so `returns-desk verify` names the first
-- event its file no longer agrees on. Only the calling store's events (the store comes from
-- session_user, as in ingest), only their number, uuid and hash.
CREATE FUNCTION hq.acknowledged_hashes(p_device uuid, p_from bigint, p_limit integer)
RETURNS TABLE (seq bigint, uuid uuid, hash text) LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT e.seq, e.uuid, e.hash
    FROM hq.events e
    WHERE e.store = (SELECT s.code FROM hq.stores s WHERE s.role_name = session_user)
      AND e.device_id = p_device AND e.seq >= p_from
    ORDER BY e.seq
    LIMIT least(greatest(p_limit, 0), 10000)
$$;
REVOKE ALL ON FUNCTION hq.acknowledged_hashes(uuid, bigint, integer) FROM PUBLIC;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT role_name FROM hq.stores LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION hq.acknowledged_hashes(uuid, bigint, integer) TO %I', r.role_name);
    END LOOP;
END
$$;
