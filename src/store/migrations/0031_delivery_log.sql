-- 0031: the global delivery log (GET /api/v1/deliveries) filtered by state
-- (failed, retry, ...) reads this index in id order, newest first.
CREATE INDEX deliveries_status ON deliveries(status, id);
