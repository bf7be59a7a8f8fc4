-- A subject absent from the meeting that was to review it (vắng mặt) is marked as such, not
-- recognised by the wording of the comment: the pending list tells who must be reviewed and rated
-- at the earliest later meeting (seed 003; list of members not yet reviewed, "lý do").
ALTER TABLE meeting_items ADD COLUMN absent BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE meeting_items SET absent = TRUE WHERE NOT reviewed AND comments LIKE 'Vắng mặt%';
