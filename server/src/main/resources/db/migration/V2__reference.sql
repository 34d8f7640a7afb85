-- Each method against the kernel's RTT of its own connection (docs/results.md, "reference"): JSON
-- {source, http_head, ws, verdict} or {source, unavailable}; null for results saved without one (and before
-- this column). The clock of each kind and condition lives in the probes column's JSON, so it needs no column.
ALTER TABLE results ADD COLUMN reference TEXT;
