-- The running totals as one row per view, contest, kind of district, ward
-- and shard, the fields in a JSON object: a batch of records moved
-- hundreds of one-field rows, each written to three B-trees (the table,
-- its key and aggregates_by_view); now it moves a few dozen rows of one
-- B-tree, keyed in the order the results read them. The upsert adds
-- objects with wahlkoffer_add_totals, a function the program registers.
CREATE TABLE aggregate_rows (
	view_name     TEXT NOT NULL,
	contest       TEXT NOT NULL,
	district_kind TEXT NOT NULL,
	ward          TEXT NOT NULL,
	shard         INTEGER NOT NULL,
	totals        TEXT NOT NULL,
	PRIMARY KEY (view_name, contest, district_kind, ward, shard)
) WITHOUT ROWID;
INSERT INTO aggregate_rows (view_name, contest, district_kind, ward, shard, totals)
	SELECT view_name, contest, district_kind, ward, shard, json_group_object(field, value)
	FROM aggregates GROUP BY view_name, contest, district_kind, ward, shard;
DROP TABLE aggregates;
ALTER TABLE aggregate_rows RENAME TO aggregates;
