-- The tally's tables. Times are text in UTC (sqlutil.TextTimeLayout), NULL
-- where there is none; bytes are BLOBs, kept exactly as received.

CREATE TABLE election (
	id                INTEGER PRIMARY KEY CHECK (id = 1), -- one election per store
	election_id       TEXT NOT NULL,
	definition        BLOB NOT NULL,
	package           BLOB NOT NULL,
	package_hash      TEXT NOT NULL,
	office_public_key BLOB NOT NULL,
	created_at        TEXT
);

CREATE TABLE station_keys (
	key_id        TEXT PRIMARY KEY,
	district      TEXT NOT NULL,
	station       TEXT NOT NULL,
	public_key    BLOB NOT NULL,
	enrolled_at   TEXT,
	revoked_at    TEXT,
	revoke_reason TEXT NOT NULL DEFAULT ''
);
-- A district has at most one valid key.
CREATE UNIQUE INDEX station_keys_valid ON station_keys (district) WHERE revoked_at IS NULL;

-- ord is the order of acceptance, which Envelopes walks.
CREATE TABLE envelopes (
	ord          INTEGER PRIMARY KEY AUTOINCREMENT,
	hash         TEXT NOT NULL UNIQUE,
	content_hash TEXT NOT NULL UNIQUE,
	key_id       TEXT NOT NULL REFERENCES station_keys (key_id),
	district     TEXT NOT NULL,
	station      TEXT NOT NULL,
	seq          INTEGER NOT NULL,
	kind         TEXT NOT NULL,
	record_time  TEXT,
	received_at  TEXT,
	via          TEXT NOT NULL,
	bytes        BLOB NOT NULL,
	receipt      BLOB,
	UNIQUE (station, seq)
);
-- Accepted envelopes are evidence: never changed, never removed.
CREATE TRIGGER envelopes_no_update BEFORE UPDATE ON envelopes
BEGIN SELECT RAISE(ABORT, 'envelopes are append-only'); END;
CREATE TRIGGER envelopes_no_delete BEFORE DELETE ON envelopes
BEGIN SELECT RAISE(ABORT, 'envelopes are append-only'); END;

CREATE TABLE rejections (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	hash        TEXT NOT NULL,
	district    TEXT NOT NULL,
	station     TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	code        TEXT NOT NULL,
	message     TEXT NOT NULL,
	received_at TEXT,
	via         TEXT NOT NULL,
	bytes       BLOB NOT NULL
);

CREATE TABLE equivocations (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	station     TEXT NOT NULL,
	district    TEXT NOT NULL,
	seq         INTEGER NOT NULL,
	first_hash  TEXT NOT NULL,
	second_hash TEXT NOT NULL,
	detected_at TEXT,
	UNIQUE (station, seq, first_hash, second_hash)
);

CREATE TABLE current_counts (
	district      TEXT NOT NULL,
	contest       TEXT NOT NULL,
	stage         TEXT NOT NULL,
	version       INTEGER NOT NULL,
	seq           INTEGER NOT NULL,
	envelope_hash TEXT NOT NULL REFERENCES envelopes (hash),
	numbers       TEXT NOT NULL, -- JSON object of field to number
	PRIMARY KEY (district, contest, stage)
);

CREATE TABLE aggregates (
	contest       TEXT NOT NULL,
	view_name     TEXT NOT NULL,
	district_kind TEXT NOT NULL,
	ward          TEXT NOT NULL,
	shard         INTEGER NOT NULL,
	field         TEXT NOT NULL,
	value         INTEGER NOT NULL,
	PRIMARY KEY (contest, view_name, district_kind, ward, shard, field)
);

CREATE TABLE attendance (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	district      TEXT NOT NULL,
	person_id     TEXT NOT NULL,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	at            TEXT,
	checked_in    INTEGER NOT NULL,
	replaces      TEXT NOT NULL,
	envelope_hash TEXT NOT NULL REFERENCES envelopes (hash)
);
CREATE INDEX attendance_district ON attendance (district);

CREATE TABLE district_events (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	district      TEXT NOT NULL,
	kind          TEXT NOT NULL,
	at            TEXT,
	slot          TEXT NOT NULL,
	voters        INTEGER NOT NULL,
	note          TEXT NOT NULL,
	envelope_hash TEXT NOT NULL REFERENCES envelopes (hash)
);
CREATE INDEX district_events_district ON district_events (district);

CREATE TABLE certifications (
	contest      TEXT PRIMARY KEY,
	certified_at TEXT,
	certified_by TEXT NOT NULL,
	revoked_at   TEXT,
	revoked_by   TEXT NOT NULL,
	reason       TEXT NOT NULL
);

CREATE TABLE tokens (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	role       TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE,
	created_at TEXT,
	revoked_at TEXT
);

CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	at      TEXT,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	subject TEXT NOT NULL,
	outcome TEXT NOT NULL,
	detail  TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
