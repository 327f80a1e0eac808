-- The station's own store: who it is, the signed records it made (the
-- outbox), the people entered on the day and the count entries not yet
-- sent. Records are never changed except for their delivery state.

CREATE TABLE station (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    election_id  TEXT NOT NULL,
    district     TEXT NOT NULL,
    station      TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    package      BLOB NOT NULL,
    package_hash TEXT NOT NULL,
    office_key   BLOB NOT NULL,
    tally_urls   TEXT NOT NULL,
    sealed_kit   BLOB NOT NULL,
    set_up_at    TEXT NOT NULL
);

CREATE TABLE records (
    seq             INTEGER PRIMARY KEY CHECK (seq > 0),
    kind            TEXT NOT NULL,
    time            TEXT NOT NULL,
    body            BLOB NOT NULL,
    envelope        BLOB NOT NULL,
    envelope_hash   TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sent', 'acknowledged', 'rejected')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_attempt_at TEXT,
    receipt         BLOB,
    received_at     TEXT,
    acknowledged_at TEXT,
    reject_code     TEXT,
    reject_message  TEXT,
    reject_status   INTEGER,
    rejected_at     TEXT
);

-- What a record says can never change; only its delivery may.
CREATE TRIGGER records_content_fixed BEFORE UPDATE OF seq, kind, time, body, envelope, envelope_hash ON records
BEGIN
    SELECT RAISE(ABORT, 'records are append-only');
END;
CREATE TRIGGER records_not_deleted BEFORE DELETE ON records
BEGIN
    SELECT RAISE(ABORT, 'records are append-only');
END;

CREATE TABLE members (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    role     TEXT NOT NULL,
    added_at TEXT NOT NULL
);

CREATE TABLE count_entries (
    contest    TEXT NOT NULL,
    slot       INTEGER NOT NULL CHECK (slot IN (1, 2)),
    entered_by TEXT NOT NULL,
    figures    BLOB NOT NULL,
    entered_at TEXT NOT NULL,
    PRIMARY KEY (contest, slot)
);
