-- The summary reports' counts, kept as the subjects are written (issue 12). A national summary
-- read 6.4 million subject rows (108 s on SQLite); it now reads these counts, one row per plan,
-- unit, kind, stage, participation, level, organisation rated, quota group, deciding
-- organisation and (for those excluded) reason — a few hundred thousand rows nationally.
--
-- Kept by triggers on `subjects`, so every write — opening a plan, a decision, a correction, a
-- re-opening, an exclusion, the subjects moved or removed by a merge or split, and any direct
-- SQL — changes the counts in the same transaction. `subjects` stays the record: the report
-- checks the counts per unit against the subjects themselves (an index-only count) and names
-- any unit where they differ, and `Tx::subject_counts_drift` compares them in full.
--
-- The key has no NULL (a unique key holds NULLs apart): no organisation / deciding organisation
-- is the nil UUID, no level and no reason are ''. `excluded_reason` is the messages of the
-- stored eligibility's reasons joined by '; ' (what the report lists), for excluded subjects.
CREATE TABLE subject_counts (
    plan_id BLOB NOT NULL,
    unit_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    stage TEXT NOT NULL,
    participation TEXT NOT NULL,
    level TEXT NOT NULL,
    org_id BLOB NOT NULL,
    quota_group TEXT NOT NULL,
    deciding_org_id BLOB NOT NULL,
    excluded_reason TEXT NOT NULL,
    subjects INTEGER NOT NULL,
    PRIMARY KEY (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason)
) WITHOUT ROWID;

INSERT INTO subject_counts (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason, subjects)
SELECT plan_id, unit_id, kind, stage, participation, COALESCE(level, ''), COALESCE(org_id, zeroblob(16)),
       quota_group, COALESCE(deciding_org_id, zeroblob(16)),
       CASE WHEN stage = 'excluded' AND json_valid(eligibility) THEN
           COALESCE((SELECT group_concat(json_extract(r.value, '$.message'), '; ') FROM json_each(eligibility, '$.reasons') r), '')
       ELSE '' END AS reason,
       COUNT(*)
FROM subjects
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;

CREATE TRIGGER subject_counts_insert AFTER INSERT ON subjects
BEGIN
    INSERT INTO subject_counts (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason, subjects)
    VALUES (new.plan_id, new.unit_id, new.kind, new.stage, new.participation, COALESCE(new.level, ''),
            COALESCE(new.org_id, zeroblob(16)), new.quota_group, COALESCE(new.deciding_org_id, zeroblob(16)),
            CASE WHEN new.stage = 'excluded' AND json_valid(new.eligibility) THEN
                COALESCE((SELECT group_concat(json_extract(r.value, '$.message'), '; ') FROM json_each(new.eligibility, '$.reasons') r), '')
            ELSE '' END,
            1)
    ON CONFLICT (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = subjects + 1;
END;

CREATE TRIGGER subject_counts_update AFTER UPDATE OF plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, eligibility ON subjects
WHEN old.plan_id IS NOT new.plan_id OR old.unit_id IS NOT new.unit_id OR old.kind IS NOT new.kind
  OR old.stage IS NOT new.stage OR old.participation IS NOT new.participation OR old.level IS NOT new.level
  OR old.org_id IS NOT new.org_id OR old.quota_group IS NOT new.quota_group
  OR old.deciding_org_id IS NOT new.deciding_org_id OR old.eligibility IS NOT new.eligibility
BEGIN
    UPDATE subject_counts SET subjects = subjects - 1
    WHERE plan_id = old.plan_id AND unit_id = old.unit_id AND kind = old.kind AND stage = old.stage
      AND participation = old.participation AND level = COALESCE(old.level, '')
      AND org_id = COALESCE(old.org_id, zeroblob(16)) AND quota_group = old.quota_group
      AND deciding_org_id = COALESCE(old.deciding_org_id, zeroblob(16))
      AND excluded_reason = CASE WHEN old.stage = 'excluded' AND json_valid(old.eligibility) THEN
                COALESCE((SELECT group_concat(json_extract(r.value, '$.message'), '; ') FROM json_each(old.eligibility, '$.reasons') r), '')
            ELSE '' END;
    INSERT INTO subject_counts (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason, subjects)
    VALUES (new.plan_id, new.unit_id, new.kind, new.stage, new.participation, COALESCE(new.level, ''),
            COALESCE(new.org_id, zeroblob(16)), new.quota_group, COALESCE(new.deciding_org_id, zeroblob(16)),
            CASE WHEN new.stage = 'excluded' AND json_valid(new.eligibility) THEN
                COALESCE((SELECT group_concat(json_extract(r.value, '$.message'), '; ') FROM json_each(new.eligibility, '$.reasons') r), '')
            ELSE '' END,
            1)
    ON CONFLICT (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = subjects + 1;
END;

CREATE TRIGGER subject_counts_delete AFTER DELETE ON subjects
BEGIN
    UPDATE subject_counts SET subjects = subjects - 1
    WHERE plan_id = old.plan_id AND unit_id = old.unit_id AND kind = old.kind AND stage = old.stage
      AND participation = old.participation AND level = COALESCE(old.level, '')
      AND org_id = COALESCE(old.org_id, zeroblob(16)) AND quota_group = old.quota_group
      AND deciding_org_id = COALESCE(old.deciding_org_id, zeroblob(16))
      AND excluded_reason = CASE WHEN old.stage = 'excluded' AND json_valid(old.eligibility) THEN
                COALESCE((SELECT group_concat(json_extract(r.value, '$.message'), '; ') FROM json_each(old.eligibility, '$.reasons') r), '')
            ELSE '' END;
END;

-- The KHTNV list of the summary reads the names of those rated KHTNV: from this index alone, not
-- from the subject rows scattered through the table (a national summary names ~300 000 in the
-- benchmark's spread). Partial: only KHTNV subjects are in it, so no other write maintains it.
CREATE INDEX subjects_khtnv ON subjects (plan_id, unit_id, sort_key, name, kind, id) WHERE level = 'KHTNV';
