-- The summary reports' counts, kept as the subjects are written (issue 12). A national summary
-- read 6.4 million subject rows; it now reads these counts, one row per plan, unit, kind, stage,
-- participation, level, organisation rated, quota group, deciding organisation and (for those
-- excluded) reason — a few hundred thousand rows nationally.
--
-- Kept by triggers on `subjects`, so every write — opening a plan, a decision, a correction, a
-- re-opening, an exclusion, the subjects moved or removed by a merge or split, and any direct
-- SQL — changes the counts in the same transaction. Statement-level with transition tables (as
-- 0018): opening a plan's COPY of a hundred thousand subjects adds one grouped upsert, and an
-- update statement writes only the net change of each key (none when no counted column moved).
-- Keys are upserted in key order, so two statements meet the same rows in the same order.
-- `subjects` stays the record: the report checks the counts per unit against the subjects
-- themselves (an index-only count) and names any unit where they differ, and
-- `Tx::subject_counts_drift` compares them in full.
--
-- The key has no NULL (a unique key holds NULLs apart): no organisation / deciding organisation
-- is the nil UUID, no level and no reason are ''. `excluded_reason` is the messages of the
-- stored eligibility's reasons joined by '; ' (what the report lists), for excluded subjects.
CREATE TABLE subject_counts (
    plan_id UUID NOT NULL,
    unit_id UUID NOT NULL,
    kind TEXT NOT NULL,
    stage TEXT NOT NULL,
    participation TEXT NOT NULL,
    level TEXT NOT NULL,
    org_id UUID NOT NULL,
    quota_group TEXT NOT NULL,
    deciding_org_id UUID NOT NULL,
    excluded_reason TEXT NOT NULL,
    subjects BIGINT NOT NULL,
    PRIMARY KEY (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason)
);

CREATE FUNCTION subject_excluded_reason(stage TEXT, eligibility TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN stage = 'excluded' AND eligibility IS NOT NULL THEN
        COALESCE((SELECT string_agg(r.value ->> 'message', '; ' ORDER BY r.n)
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(eligibility::jsonb -> 'reasons') = 'array'
                                                 THEN eligibility::jsonb -> 'reasons' ELSE '[]'::jsonb END)
                       WITH ORDINALITY r(value, n)), '')
    ELSE '' END
$$;

INSERT INTO subject_counts (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason, subjects)
SELECT plan_id, unit_id, kind, stage, participation, COALESCE(level, ''),
       COALESCE(org_id, '00000000-0000-0000-0000-000000000000'), quota_group,
       COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000'),
       subject_excluded_reason(stage, eligibility), COUNT(*)
FROM subjects
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;

CREATE FUNCTION subject_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO subject_counts AS c (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason, subjects)
    SELECT plan_id, unit_id, kind, stage, participation, COALESCE(level, ''),
           COALESCE(org_id, '00000000-0000-0000-0000-000000000000'), quota_group,
           COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000'),
           subject_excluded_reason(stage, eligibility), COUNT(*)
    FROM written
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ON CONFLICT (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = c.subjects + EXCLUDED.subjects;
    RETURN NULL;
END;
$$;

CREATE FUNCTION subject_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO subject_counts AS c (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason, subjects)
    SELECT plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, reason, SUM(delta)
    FROM (
        SELECT plan_id, unit_id, kind, stage, participation, COALESCE(level, '') AS level,
               COALESCE(org_id, '00000000-0000-0000-0000-000000000000') AS org_id, quota_group,
               COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000') AS deciding_org_id,
               subject_excluded_reason(stage, eligibility) AS reason, -1 AS delta
        FROM before_rows
        UNION ALL
        SELECT plan_id, unit_id, kind, stage, participation, COALESCE(level, ''),
               COALESCE(org_id, '00000000-0000-0000-0000-000000000000'), quota_group,
               COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000'),
               subject_excluded_reason(stage, eligibility), 1
        FROM written
    ) d
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING SUM(delta) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ON CONFLICT (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = c.subjects + EXCLUDED.subjects;
    RETURN NULL;
END;
$$;

CREATE FUNCTION subject_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO subject_counts AS c (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason, subjects)
    SELECT plan_id, unit_id, kind, stage, participation, COALESCE(level, ''),
           COALESCE(org_id, '00000000-0000-0000-0000-000000000000'), quota_group,
           COALESCE(deciding_org_id, '00000000-0000-0000-0000-000000000000'),
           subject_excluded_reason(stage, eligibility), -COUNT(*)
    FROM before_rows
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ON CONFLICT (plan_id, unit_id, kind, stage, participation, level, org_id, quota_group, deciding_org_id, excluded_reason)
    DO UPDATE SET subjects = c.subjects + EXCLUDED.subjects;
    RETURN NULL;
END;
$$;

CREATE TRIGGER subject_counts_insert AFTER INSERT ON subjects
REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION subject_counts_inserted();
CREATE TRIGGER subject_counts_update AFTER UPDATE ON subjects
REFERENCING OLD TABLE AS before_rows NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION subject_counts_updated();
CREATE TRIGGER subject_counts_delete AFTER DELETE ON subjects
REFERENCING OLD TABLE AS before_rows FOR EACH STATEMENT EXECUTE FUNCTION subject_counts_deleted();

-- The KHTNV list of the summary reads the names of those rated KHTNV: from this index alone, not
-- from the subject rows scattered through the table. Partial: only KHTNV subjects are in it.
CREATE INDEX subjects_khtnv ON subjects (plan_id, unit_id, sort_key, name, kind, id) WHERE level = 'KHTNV';
