-- The running totals as one row per view, contest, kind of district, ward
-- and shard, the fields in a JSON object: a batch of records moved
-- hundreds of one-field rows (a statement each); now it moves a few dozen,
-- keyed in the order the results read them.
--
-- wahlkoffer_add_totals adds two objects field by field, so the upsert
-- stays commutative: concurrent transactions never read a total and write
-- it back.
CREATE FUNCTION wahlkoffer_add_totals(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb)
	FROM (SELECT key, sum(value::bigint) AS total
	      FROM (SELECT key, value FROM jsonb_each_text(a)
	            UNION ALL
	            SELECT key, value FROM jsonb_each_text(b)) AS both_sides
	      GROUP BY key) AS summed
$$;

CREATE TABLE aggregate_rows (
	view_name     TEXT COLLATE "C" NOT NULL,
	contest       TEXT COLLATE "C" NOT NULL,
	district_kind TEXT COLLATE "C" NOT NULL,
	ward          TEXT COLLATE "C" NOT NULL,
	shard         INTEGER NOT NULL,
	totals        JSONB NOT NULL,
	PRIMARY KEY (view_name, contest, district_kind, ward, shard)
);
INSERT INTO aggregate_rows (view_name, contest, district_kind, ward, shard, totals)
	SELECT view_name, contest, district_kind, ward, shard, jsonb_object_agg(field, value)
	FROM aggregates GROUP BY view_name, contest, district_kind, ward, shard;
DROP TABLE aggregates;
ALTER TABLE aggregate_rows RENAME TO aggregates;
ALTER INDEX aggregate_rows_pkey RENAME TO aggregates_pkey;
