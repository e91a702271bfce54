-- Head office publishes recall catalogues; each counter takes the newest on its next sync,
-- through the same validation as `recalls import`, audited. Store roles may only ask for a
-- catalogue newer than theirs (hq.catalogue_newer_than); they cannot read the table.

CREATE TABLE hq.catalogues (
    version text PRIMARY KEY,
    sha256 text NOT NULL,
    document text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by text NOT NULL DEFAULT session_user
);
REVOKE ALL ON hq.catalogues FROM PUBLIC;

CREATE FUNCTION hq.catalogue_newer_than(p_version text) RETURNS jsonb LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object('version', version, 'sha256', sha256, 'document', document, 'published_at', published_at)
    FROM hq.catalogues
    WHERE p_version IS NULL OR version COLLATE "C" > p_version COLLATE "C"
    ORDER BY version COLLATE "C" DESC
    LIMIT 1
$$;
REVOKE ALL ON FUNCTION hq.catalogue_newer_than(text) FROM PUBLIC;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT role_name FROM hq.stores LOOP
        EXECUTE format('GRANT EXECUTE ON FUNCTION hq.catalogue_newer_than(text) TO %I', r.role_name);
    END LOOP;
    FOR r IN SELECT role_name FROM hq.readers LOOP  -- recall titles for their reports
        EXECUTE format('GRANT SELECT ON hq.catalogues TO %I', r.role_name);
    END LOOP;
END
$$;
