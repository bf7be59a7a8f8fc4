-- The summary reports' counts, one wide row instead of one per level and stage (issue 12). The
-- counts of 0032 took about twelve narrow rows per organisation (a row per stage, participation
-- and level), some 3.5 million nationally: too many for a national summary in 5 s. Here one row
-- per plan, unit, kind, participation, organisation rated, quota group, deciding organisation and
-- (for those excluded) reason carries the subjects and, in columns, how many are at each stored
-- stage and, of those decided (or published), how many at each level.
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
-- Kept by statement-level triggers with transition tables as 0032's were (one grouped upsert
-- per statement, keys in key order, only the net change of each key); `subjects` stays the
-- record: the report checks each unit's kept total against an index-only count of its
-- subjects, and `Tx::subject_counts_drift` compares every row and column. The key has no NULL
-- (nil UUID, empty text); `excluded_reason` is `subject_excluded_reason` (0032).
DROP TRIGGER subject_counts_insert ON subjects;
DROP TRIGGER subject_counts_update ON subjects;
DROP TRIGGER subject_counts_delete ON subjects;
DROP FUNCTION subject_counts_inserted();
DROP FUNCTION subject_counts_updated();
DROP FUNCTION subject_counts_deleted();
DROP TABLE subject_counts;

CREATE TABLE subject_counts (
    plan_id UUID NOT NULL,
    unit_id UUID NOT NULL,
    kind TEXT NOT NULL,
    participation TEXT NOT NULL,
    org_id UUID NOT NULL,
    quota_group TEXT NOT NULL,
    deciding_org_id UUID NOT NULL,
    excluded_reason TEXT NOT NULL,
    subjects BIGINT NOT NULL,
    pending BIGINT NOT NULL,
    self_reviewed BIGINT NOT NULL,
    reviewed BIGINT NOT NULL,
    proposed BIGINT NOT NULL,
    decided BIGINT NOT NULL,
    excluded_subjects BIGINT NOT NULL,
    htxsnv BIGINT NOT NULL,
    httnv BIGINT NOT NULL,
    htnv BIGINT NOT NULL,
    khtnv BIGINT NOT NULL,
    PRIMARY KEY (unit_id, plan_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason)
);

INSERT INTO subject_counts (plan_id, unit_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason, subjects, pending, self_reviewed, reviewed, proposed, decided, excluded_subjects, htxsnv, httnv, htnv, khtnv)
SELECT plan_id, unit_id, kind, participation,
           COALESCE(org_id, '00000000-0000-0000-0000-000000000000'), quota_group,
           COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000'),
           subject_excluded_reason(stage, eligibility),
       COUNT(*),
       COUNT(*) FILTER (WHERE stage = 'pending'),
       COUNT(*) FILTER (WHERE stage = 'self_reviewed'),
       COUNT(*) FILTER (WHERE stage = 'reviewed'),
       COUNT(*) FILTER (WHERE stage = 'proposed'),
       COUNT(*) FILTER (WHERE stage IN ('decided', 'published')),
       COUNT(*) FILTER (WHERE stage = 'excluded'),
       COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTXSNV'),
       COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTTNV'),
       COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTNV'),
       COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'KHTNV')
FROM subjects
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

CREATE FUNCTION subject_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO subject_counts AS c (plan_id, unit_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason, subjects, pending, self_reviewed, reviewed, proposed, decided, excluded_subjects, htxsnv, httnv, htnv, khtnv)
    SELECT plan_id, unit_id, kind, participation,
           COALESCE(org_id, '00000000-0000-0000-0000-000000000000'), quota_group,
           COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000'),
           subject_excluded_reason(stage, eligibility),
           COUNT(*),
           COUNT(*) FILTER (WHERE stage = 'pending'),
           COUNT(*) FILTER (WHERE stage = 'self_reviewed'),
           COUNT(*) FILTER (WHERE stage = 'reviewed'),
           COUNT(*) FILTER (WHERE stage = 'proposed'),
           COUNT(*) FILTER (WHERE stage IN ('decided', 'published')),
           COUNT(*) FILTER (WHERE stage = 'excluded'),
           COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTXSNV'),
           COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTTNV'),
           COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTNV'),
           COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'KHTNV')
    FROM written
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 2, 1, 3, 4, 5, 6, 7, 8
    ON CONFLICT (unit_id, plan_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = c.subjects + EXCLUDED.subjects,
        pending = c.pending + EXCLUDED.pending,
        self_reviewed = c.self_reviewed + EXCLUDED.self_reviewed,
        reviewed = c.reviewed + EXCLUDED.reviewed,
        proposed = c.proposed + EXCLUDED.proposed,
        decided = c.decided + EXCLUDED.decided,
        excluded_subjects = c.excluded_subjects + EXCLUDED.excluded_subjects,
        htxsnv = c.htxsnv + EXCLUDED.htxsnv,
        httnv = c.httnv + EXCLUDED.httnv,
        htnv = c.htnv + EXCLUDED.htnv,
        khtnv = c.khtnv + EXCLUDED.khtnv;
    RETURN NULL;
END;
$$;

CREATE FUNCTION subject_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO subject_counts AS c (plan_id, unit_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason, subjects, pending, self_reviewed, reviewed, proposed, decided, excluded_subjects, htxsnv, httnv, htnv, khtnv)
    SELECT plan_id, unit_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason, SUM(subjects), SUM(pending), SUM(self_reviewed), SUM(reviewed), SUM(proposed), SUM(decided), SUM(excluded_subjects), SUM(htxsnv), SUM(httnv), SUM(htnv), SUM(khtnv)
    FROM (
        SELECT plan_id, unit_id, kind, participation,
               COALESCE(org_id, '00000000-0000-0000-0000-000000000000') AS org_id, quota_group,
               COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000') AS deciding_org_id,
               subject_excluded_reason(stage, eligibility) AS excluded_reason,
               -1 AS subjects,
               -(stage = 'pending')::int AS pending,
               -(stage = 'self_reviewed')::int AS self_reviewed,
               -(stage = 'reviewed')::int AS reviewed,
               -(stage = 'proposed')::int AS proposed,
               -(stage IN ('decided', 'published'))::int AS decided,
               -(stage = 'excluded')::int AS excluded_subjects,
               -(stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTXSNV')::int AS htxsnv,
               -(stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTTNV')::int AS httnv,
               -(stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTNV')::int AS htnv,
               -(stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'KHTNV')::int AS khtnv
        FROM before_rows
        UNION ALL
        SELECT plan_id, unit_id, kind, participation,
               COALESCE(org_id, '00000000-0000-0000-0000-000000000000'), quota_group,
               COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000'),
               subject_excluded_reason(stage, eligibility),
               1,
               (stage = 'pending')::int,
               (stage = 'self_reviewed')::int,
               (stage = 'reviewed')::int,
               (stage = 'proposed')::int,
               (stage IN ('decided', 'published'))::int,
               (stage = 'excluded')::int,
               (stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTXSNV')::int,
               (stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTTNV')::int,
               (stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTNV')::int,
               (stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'KHTNV')::int
        FROM written
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    HAVING SUM(subjects) <> 0 OR SUM(pending) <> 0 OR SUM(self_reviewed) <> 0 OR SUM(reviewed) <> 0 OR SUM(proposed) <> 0 OR SUM(decided) <> 0 OR SUM(excluded_subjects) <> 0 OR SUM(htxsnv) <> 0 OR SUM(httnv) <> 0 OR SUM(htnv) <> 0 OR SUM(khtnv) <> 0
    ORDER BY 2, 1, 3, 4, 5, 6, 7, 8
    ON CONFLICT (unit_id, plan_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = c.subjects + EXCLUDED.subjects,
        pending = c.pending + EXCLUDED.pending,
        self_reviewed = c.self_reviewed + EXCLUDED.self_reviewed,
        reviewed = c.reviewed + EXCLUDED.reviewed,
        proposed = c.proposed + EXCLUDED.proposed,
        decided = c.decided + EXCLUDED.decided,
        excluded_subjects = c.excluded_subjects + EXCLUDED.excluded_subjects,
        htxsnv = c.htxsnv + EXCLUDED.htxsnv,
        httnv = c.httnv + EXCLUDED.httnv,
        htnv = c.htnv + EXCLUDED.htnv,
        khtnv = c.khtnv + EXCLUDED.khtnv;
    RETURN NULL;
END;
$$;

CREATE FUNCTION subject_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO subject_counts AS c (plan_id, unit_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason, subjects, pending, self_reviewed, reviewed, proposed, decided, excluded_subjects, htxsnv, httnv, htnv, khtnv)
    SELECT plan_id, unit_id, kind, participation,
           COALESCE(org_id, '00000000-0000-0000-0000-000000000000'), quota_group,
           COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000'),
           subject_excluded_reason(stage, eligibility),
           -COUNT(*),
           -COUNT(*) FILTER (WHERE stage = 'pending'),
           -COUNT(*) FILTER (WHERE stage = 'self_reviewed'),
           -COUNT(*) FILTER (WHERE stage = 'reviewed'),
           -COUNT(*) FILTER (WHERE stage = 'proposed'),
           -COUNT(*) FILTER (WHERE stage IN ('decided', 'published')),
           -COUNT(*) FILTER (WHERE stage = 'excluded'),
           -COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTXSNV'),
           -COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTTNV'),
           -COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'HTNV'),
           -COUNT(*) FILTER (WHERE stage IN ('decided', 'published') AND level IS NOT DISTINCT FROM 'KHTNV')
    FROM before_rows
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ORDER BY 2, 1, 3, 4, 5, 6, 7, 8
    ON CONFLICT (unit_id, plan_id, kind, participation, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = c.subjects + EXCLUDED.subjects,
        pending = c.pending + EXCLUDED.pending,
        self_reviewed = c.self_reviewed + EXCLUDED.self_reviewed,
        reviewed = c.reviewed + EXCLUDED.reviewed,
        proposed = c.proposed + EXCLUDED.proposed,
        decided = c.decided + EXCLUDED.decided,
        excluded_subjects = c.excluded_subjects + EXCLUDED.excluded_subjects,
        htxsnv = c.htxsnv + EXCLUDED.htxsnv,
        httnv = c.httnv + EXCLUDED.httnv,
        htnv = c.htnv + EXCLUDED.htnv,
        khtnv = c.khtnv + EXCLUDED.khtnv;
    RETURN NULL;
END;
$$;

CREATE TRIGGER subject_counts_insert AFTER INSERT ON subjects
REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION subject_counts_inserted();
CREATE TRIGGER subject_counts_update AFTER UPDATE ON subjects
REFERENCING OLD TABLE AS before_rows NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION subject_counts_updated();
CREATE TRIGGER subject_counts_delete AFTER DELETE ON subjects
REFERENCING OLD TABLE AS before_rows FOR EACH STATEMENT EXECUTE FUNCTION subject_counts_deleted();
