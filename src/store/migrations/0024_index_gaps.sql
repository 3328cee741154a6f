-- Indexes the lists added beside the indexed ones need (lint/query-plans):
-- "awaiting my acknowledgement" finds a person's unacknowledged alarms by
-- recipient, and a person's approval delegations are found as delegator
-- too (as delegate: approval_delegations_delegate, migration 0013).
CREATE INDEX incident_recipients_user ON incident_recipients(user_id, acked_at);
CREATE INDEX approval_delegations_user ON approval_delegations(user_id);
