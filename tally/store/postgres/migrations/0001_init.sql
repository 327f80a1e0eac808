-- The tally's tables. Times are timestamptz, NULL where there is none;
-- bytes are BYTEA, kept exactly as received. Text that rows are ordered by
-- is COLLATE "C", so that every store orders alike (by code point), as
-- SQLite does.

CREATE TABLE election (
	id                INTEGER PRIMARY KEY CHECK (id = 1), -- one election per store
	election_id       TEXT NOT NULL,
	definition        BYTEA NOT NULL,
	package           BYTEA NOT NULL,
	package_hash      TEXT NOT NULL,
	office_public_key BYTEA NOT NULL,
	created_at        TIMESTAMPTZ
);

CREATE TABLE station_keys (
	key_id        TEXT COLLATE "C" PRIMARY KEY,
	district      TEXT COLLATE "C" NOT NULL,
	station       TEXT NOT NULL,
	public_key    BYTEA NOT NULL,
	enrolled_at   TIMESTAMPTZ,
	revoked_at    TIMESTAMPTZ,
	revoke_reason TEXT NOT NULL DEFAULT ''
);
-- A district has at most one valid key.
CREATE UNIQUE INDEX station_keys_valid ON station_keys (district) WHERE revoked_at IS NULL;

-- ord is the order of acceptance, which Envelopes walks. It comes from a
-- sequence, which no transaction holds locked.
CREATE TABLE envelopes (
	hash         TEXT PRIMARY KEY,
	ord          BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
	content_hash TEXT NOT NULL UNIQUE,
	key_id       TEXT COLLATE "C" NOT NULL REFERENCES station_keys (key_id),
	district     TEXT NOT NULL,
	station      TEXT NOT NULL,
	seq          BIGINT NOT NULL,
	kind         TEXT NOT NULL,
	record_time  TIMESTAMPTZ,
	received_at  TIMESTAMPTZ,
	via          TEXT NOT NULL,
	bytes        BYTEA NOT NULL,
	receipt      BYTEA,
	UNIQUE (station, seq)
);
CREATE INDEX envelopes_key_id ON envelopes (key_id);

CREATE FUNCTION wahlkoffer_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
-- Accepted envelopes are evidence: never changed, never removed.
CREATE TRIGGER envelopes_append_only BEFORE UPDATE OR DELETE ON envelopes
	FOR EACH ROW EXECUTE FUNCTION wahlkoffer_append_only();

CREATE TABLE rejections (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	hash        TEXT NOT NULL,
	district    TEXT NOT NULL,
	station     TEXT NOT NULL,
	seq         BIGINT NOT NULL,
	code        TEXT NOT NULL,
	message     TEXT NOT NULL,
	received_at TIMESTAMPTZ,
	via         TEXT NOT NULL,
	bytes       BYTEA NOT NULL
);

CREATE TABLE equivocations (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	station     TEXT NOT NULL,
	district    TEXT NOT NULL,
	seq         BIGINT NOT NULL,
	first_hash  TEXT NOT NULL,
	second_hash TEXT NOT NULL,
	detected_at TIMESTAMPTZ,
	UNIQUE (station, seq, first_hash, second_hash)
);

CREATE TABLE current_counts (
	district      TEXT COLLATE "C" NOT NULL,
	contest       TEXT COLLATE "C" NOT NULL,
	stage         TEXT COLLATE "C" NOT NULL,
	version       INTEGER NOT NULL,
	seq           BIGINT NOT NULL,
	envelope_hash TEXT NOT NULL REFERENCES envelopes (hash),
	numbers       TEXT NOT NULL, -- JSON object of field to number
	PRIMARY KEY (district, contest, stage)
);

CREATE TABLE aggregates (
	contest       TEXT COLLATE "C" NOT NULL,
	view_name     TEXT COLLATE "C" NOT NULL,
	district_kind TEXT COLLATE "C" NOT NULL,
	ward          TEXT COLLATE "C" NOT NULL,
	shard         INTEGER NOT NULL,
	field         TEXT COLLATE "C" NOT NULL,
	value         BIGINT NOT NULL,
	PRIMARY KEY (contest, view_name, district_kind, ward, shard, field)
);

CREATE TABLE attendance (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	district      TEXT NOT NULL,
	person_id     TEXT NOT NULL,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	at            TIMESTAMPTZ,
	checked_in    BOOLEAN NOT NULL,
	replaces      TEXT NOT NULL,
	envelope_hash TEXT NOT NULL REFERENCES envelopes (hash)
);
CREATE INDEX attendance_district ON attendance (district);

CREATE TABLE district_events (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	district      TEXT NOT NULL,
	kind          TEXT NOT NULL,
	at            TIMESTAMPTZ,
	slot          TEXT NOT NULL,
	voters        BIGINT NOT NULL,
	note          TEXT NOT NULL,
	envelope_hash TEXT NOT NULL REFERENCES envelopes (hash)
);
CREATE INDEX district_events_district ON district_events (district);

CREATE TABLE certifications (
	contest      TEXT COLLATE "C" PRIMARY KEY,
	certified_at TIMESTAMPTZ,
	certified_by TEXT NOT NULL,
	revoked_at   TIMESTAMPTZ,
	revoked_by   TEXT NOT NULL,
	reason       TEXT NOT NULL
);

CREATE TABLE tokens (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE,
	created_at TIMESTAMPTZ,
	revoked_at TIMESTAMPTZ
);

CREATE TABLE audit_log (
	id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at      TIMESTAMPTZ,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	subject TEXT NOT NULL,
	outcome TEXT NOT NULL,
	detail  TEXT NOT NULL
);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION wahlkoffer_append_only();
