-- The summary reports' counts, one wide row instead of one per level and stage (issue 12). The
-- counts of 0032 took about twelve narrow rows per organisation (a row per stage, participation
-- and level), some 3.5 million nationally: too many for a national summary in 5 s on SQLite. Here
-- one row per plan, unit, kind, participation, organisation rated, quota group, deciding
-- organisation and (for those excluded) reason carries the subjects and, in columns, how many
-- are at each stored stage and, of those decided (or published), how many at each level.
--
-- The key starts with the unit: a report reads the units of a subtree, each one range of the
-- key whatever the number of plans in the period (nationally 56 province plans; with the plan
-- first every unit was looked up once per plan).
--
-- The store still knows no rule: the columns are the stored codes counted (`stage`, and `level`
-- among subjects whose stage is `decided` or `published`), not outcomes; the app reads them as
-- it read the subjects. A stage the columns do not name is what `subjects` leaves over, a
-- decided subject without one of the four levels what `decided` leaves over, so nothing is lost
-- and the parts always add up to `subjects`.
--
-- Kept by triggers on `subjects` as 0032's were (same transaction, every write, any SQL);
-- `subjects` stays the record: the report checks each unit's kept total against an index-only
-- count of its subjects, and `Tx::subject_counts_drift` compares every row and column. The key
-- has no NULL (nil UUID, empty text), `excluded_reason` is the messages of an excluded subject's
-- eligibility reasons joined by '; ', '' for every other subject.
DROP TRIGGER subject_counts_insert;
DROP TRIGGER subject_counts_update;
DROP TRIGGER subject_counts_delete;
DROP TABLE subject_counts;

CREATE TABLE subject_counts (
    plan_id BLOB NOT NULL,
    unit_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    participation TEXT NOT NULL,
    org_id BLOB NOT NULL,
    quota_group TEXT NOT NULL,
    deciding_org_id BLOB NOT NULL,
    excluded_reason TEXT NOT NULL,
    subjects INTEGER NOT NULL,
    pending INTEGER NOT NULL,
    self_reviewed INTEGER NOT NULL,
    reviewed INTEGER NOT NULL,
    proposed INTEGER NOT NULL,
    decided INTEGER NOT NULL,
    excluded_subjects INTEGER NOT NULL,
    htxsnv INTEGER NOT NULL,
    httnv INTEGER NOT NULL,
    htnv INTEGER NOT NULL,
    khtnv INTEGER NOT NULL,
    PRIMARY KEY (unit_id, plan_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason)
) WITHOUT ROWID;

INSERT INTO subject_counts (plan_id, unit_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason, subjects, pending, self_reviewed, reviewed, proposed, decided, excluded_subjects, htxsnv, httnv, htnv, khtnv)
SELECT plan_id, unit_id, kind, participation, COALESCE(org_id, zeroblob(16)), quota_group,
            COALESCE(deciding_org_id, zeroblob(16)),
            CASE WHEN stage = 'excluded' AND json_valid(eligibility) THEN
                COALESCE((SELECT group_concat(json_extract(x.value, '$.message'), '; ') FROM json_each(eligibility, '$.reasons') x), '')
            ELSE '' END AS excluded_reason,
       COUNT(*),
       SUM(stage = 'pending'),
       SUM(stage = 'self_reviewed'),
       SUM(stage = 'reviewed'),
       SUM(stage = 'proposed'),
       SUM(stage IN ('decided', 'published')),
       SUM(stage = 'excluded'),
       SUM(stage IN ('decided', 'published') AND level IS 'HTXSNV'),
       SUM(stage IN ('decided', 'published') AND level IS 'HTTNV'),
       SUM(stage IN ('decided', 'published') AND level IS 'HTNV'),
       SUM(stage IN ('decided', 'published') AND level IS 'KHTNV')
FROM subjects
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

CREATE TRIGGER subject_counts_insert AFTER INSERT ON subjects
BEGIN
    INSERT INTO subject_counts (plan_id, unit_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason, subjects, pending, self_reviewed, reviewed, proposed, decided, excluded_subjects, htxsnv, httnv, htnv, khtnv)
    VALUES (new.plan_id, new.unit_id, new.kind, new.participation, COALESCE(new.org_id, zeroblob(16)), new.quota_group,
            COALESCE(new.deciding_org_id, zeroblob(16)),
            CASE WHEN new.stage = 'excluded' AND json_valid(new.eligibility) THEN
                COALESCE((SELECT group_concat(json_extract(x.value, '$.message'), '; ') FROM json_each(new.eligibility, '$.reasons') x), '')
            ELSE '' END,
            1, new.stage = 'pending', new.stage = 'self_reviewed', new.stage = 'reviewed', new.stage = 'proposed', new.stage IN ('decided', 'published'), new.stage = 'excluded', new.stage IN ('decided', 'published') AND new.level IS 'HTXSNV', new.stage IN ('decided', 'published') AND new.level IS 'HTTNV', new.stage IN ('decided', 'published') AND new.level IS 'HTNV', new.stage IN ('decided', 'published') AND new.level IS 'KHTNV')
    ON CONFLICT (unit_id, plan_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = subjects + 1,
        pending = pending + excluded.pending,
        self_reviewed = self_reviewed + excluded.self_reviewed,
        reviewed = reviewed + excluded.reviewed,
        proposed = proposed + excluded.proposed,
        decided = decided + excluded.decided,
        excluded_subjects = excluded_subjects + excluded.excluded_subjects,
        htxsnv = htxsnv + excluded.htxsnv,
        httnv = httnv + excluded.httnv,
        htnv = htnv + excluded.htnv,
        khtnv = khtnv + excluded.khtnv;
END;

CREATE TRIGGER subject_counts_update AFTER UPDATE OF plan_id, unit_id, kind, participation, org_id, quota_group, deciding_org_id, eligibility, stage, level ON subjects
WHEN old.plan_id IS NOT new.plan_id OR old.unit_id IS NOT new.unit_id OR old.kind IS NOT new.kind
  OR old.stage IS NOT new.stage OR old.participation IS NOT new.participation OR old.level IS NOT new.level
  OR old.org_id IS NOT new.org_id OR old.quota_group IS NOT new.quota_group
  OR old.deciding_org_id IS NOT new.deciding_org_id OR old.eligibility IS NOT new.eligibility
BEGIN
    UPDATE subject_counts SET subjects = subjects - 1,
        pending = pending - (old.stage = 'pending'),
        self_reviewed = self_reviewed - (old.stage = 'self_reviewed'),
        reviewed = reviewed - (old.stage = 'reviewed'),
        proposed = proposed - (old.stage = 'proposed'),
        decided = decided - (old.stage IN ('decided', 'published')),
        excluded_subjects = excluded_subjects - (old.stage = 'excluded'),
        htxsnv = htxsnv - (old.stage IN ('decided', 'published') AND old.level IS 'HTXSNV'),
        httnv = httnv - (old.stage IN ('decided', 'published') AND old.level IS 'HTTNV'),
        htnv = htnv - (old.stage IN ('decided', 'published') AND old.level IS 'HTNV'),
        khtnv = khtnv - (old.stage IN ('decided', 'published') AND old.level IS 'KHTNV')
    WHERE plan_id = old.plan_id AND unit_id = old.unit_id AND kind = old.kind AND participation = old.participation
      AND org_id = COALESCE(old.org_id, zeroblob(16)) AND quota_group = old.quota_group
      AND deciding_org_id = COALESCE(old.deciding_org_id, zeroblob(16))
      AND excluded_reason = CASE WHEN old.stage = 'excluded' AND json_valid(old.eligibility) THEN
                COALESCE((SELECT group_concat(json_extract(x.value, '$.message'), '; ') FROM json_each(old.eligibility, '$.reasons') x), '')
            ELSE '' END;
    INSERT INTO subject_counts (plan_id, unit_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason, subjects, pending, self_reviewed, reviewed, proposed, decided, excluded_subjects, htxsnv, httnv, htnv, khtnv)
    VALUES (new.plan_id, new.unit_id, new.kind, new.participation, COALESCE(new.org_id, zeroblob(16)), new.quota_group,
            COALESCE(new.deciding_org_id, zeroblob(16)),
            CASE WHEN new.stage = 'excluded' AND json_valid(new.eligibility) THEN
                COALESCE((SELECT group_concat(json_extract(x.value, '$.message'), '; ') FROM json_each(new.eligibility, '$.reasons') x), '')
            ELSE '' END,
            1, new.stage = 'pending', new.stage = 'self_reviewed', new.stage = 'reviewed', new.stage = 'proposed', new.stage IN ('decided', 'published'), new.stage = 'excluded', new.stage IN ('decided', 'published') AND new.level IS 'HTXSNV', new.stage IN ('decided', 'published') AND new.level IS 'HTTNV', new.stage IN ('decided', 'published') AND new.level IS 'HTNV', new.stage IN ('decided', 'published') AND new.level IS 'KHTNV')
    ON CONFLICT (unit_id, plan_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = subjects + 1,
        pending = pending + excluded.pending,
        self_reviewed = self_reviewed + excluded.self_reviewed,
        reviewed = reviewed + excluded.reviewed,
        proposed = proposed + excluded.proposed,
        decided = decided + excluded.decided,
        excluded_subjects = excluded_subjects + excluded.excluded_subjects,
        htxsnv = htxsnv + excluded.htxsnv,
        httnv = httnv + excluded.httnv,
        htnv = htnv + excluded.htnv,
        khtnv = khtnv + excluded.khtnv;
END;

CREATE TRIGGER subject_counts_delete AFTER DELETE ON subjects
BEGIN
    UPDATE subject_counts SET subjects = subjects - 1,
        pending = pending - (old.stage = 'pending'),
        self_reviewed = self_reviewed - (old.stage = 'self_reviewed'),
        reviewed = reviewed - (old.stage = 'reviewed'),
        proposed = proposed - (old.stage = 'proposed'),
        decided = decided - (old.stage IN ('decided', 'published')),
        excluded_subjects = excluded_subjects - (old.stage = 'excluded'),
        htxsnv = htxsnv - (old.stage IN ('decided', 'published') AND old.level IS 'HTXSNV'),
        httnv = httnv - (old.stage IN ('decided', 'published') AND old.level IS 'HTTNV'),
        htnv = htnv - (old.stage IN ('decided', 'published') AND old.level IS 'HTNV'),
        khtnv = khtnv - (old.stage IN ('decided', 'published') AND old.level IS 'KHTNV')
    WHERE plan_id = old.plan_id AND unit_id = old.unit_id AND kind = old.kind AND participation = old.participation
      AND org_id = COALESCE(old.org_id, zeroblob(16)) AND quota_group = old.quota_group
      AND deciding_org_id = COALESCE(old.deciding_org_id, zeroblob(16))
      AND excluded_reason = CASE WHEN old.stage = 'excluded' AND json_valid(old.eligibility) THEN
                COALESCE((SELECT group_concat(json_extract(x.value, '$.message'), '; ') FROM json_each(old.eligibility, '$.reasons') x), '')
            ELSE '' END;
END;
