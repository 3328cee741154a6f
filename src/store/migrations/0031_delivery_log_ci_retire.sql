-- 0031: the global delivery log (GET /api/v1/deliveries) filtered by state
-- (failed, retry, ...) reads this index in id order, newest first.
CREATE INDEX deliveries_status ON deliveries(status, id);

-- A CI retired from service (POST /api/v1/cis/{id}/retire): kept, with its
-- relations and history, but no longer offered for new incidents, relations
-- or windows, and no longer a dependency that suppresses alerts.
ALTER TABLE cis ADD COLUMN retired_at BIGINT;
ALTER TABLE cis ADD COLUMN retired_reason TEXT NOT NULL DEFAULT '';
