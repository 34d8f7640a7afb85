-- Saved results (docs/results.md), for SQLite and PostgreSQL alike: one row per result; created_at in
-- milliseconds since 1970 (UTC).
-- probes: JSON {kind: {protocol, idle: {lost, count, min_ms, p50_ms, ..., histogram}, loaded: ...}}, the
-- histograms in HdrHistogram's compressed base64 form (µs). delete_hash: SHA-256 of the delete token, hex.
CREATE TABLE results (
    id             VARCHAR(22)  NOT NULL PRIMARY KEY,
    created_at     BIGINT       NOT NULL,
    instance       VARCHAR(64)  NOT NULL,
    site           VARCHAR(300) NOT NULL,
    browser        VARCHAR(16)  NOT NULL,
    source         VARCHAR(16)  NOT NULL,
    settings       TEXT         NOT NULL,
    probes         TEXT         NOT NULL,
    delete_hash    VARCHAR(64)  NOT NULL,
    client_address VARCHAR(64)
);
CREATE INDEX results_by_time ON results (created_at, id);
CREATE INDEX results_by_site ON results (site, created_at, id);
