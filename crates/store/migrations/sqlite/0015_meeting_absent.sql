-- A subject absent from the meeting that was to review it (vắng mặt) is marked as such, not
-- recognised by the wording of the comment: the pending list tells who must be reviewed and rated
-- at the earliest later meeting (seed 003; list of members not yet reviewed, "lý do").
ALTER TABLE meeting_items ADD COLUMN absent INTEGER NOT NULL DEFAULT 0;
UPDATE meeting_items SET absent = 1 WHERE reviewed = 0 AND comments LIKE 'Vắng mặt%';
