-- An event's state snapshots are written by the roomserver just before the event, in the same transaction, and
-- snapshots are never deleted. Checking the two references cost PostgreSQL a locking read of state_snapshots for each
-- (SELECT ... FOR KEY SHARE, which also writes the snapshot row's lock) on every stored event, a message included:
-- two of the roomserver's twelve statements per event (issue #16). The columns keep their meaning.
ALTER TABLE roomserver.events
    DROP CONSTRAINT IF EXISTS events_state_before_nid_fkey,
    DROP CONSTRAINT IF EXISTS events_state_after_nid_fkey;
