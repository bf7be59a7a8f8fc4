-- Opening a plan writes its subjects by the hundred thousand in one COPY. The foreign key
-- subjects.plan_id → plans(id) checked each row with a query of its own — over half of the
-- server's time per subject (119 175 rows: 2.1 s with it, 0.86 s without). The same rule is now
-- checked once per statement, over every row the statement wrote (a transition table, one
-- anti-join), and plans, which are never deleted, cannot be: nothing can leave a subject
-- without its plan. SQLite keeps the foreign key, which costs it one index probe per row.
ALTER TABLE subjects DROP CONSTRAINT subjects_plan_id_fkey;

CREATE FUNCTION subjects_plan_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM written w WHERE NOT EXISTS (SELECT 1 FROM plans p WHERE p.id = w.plan_id)
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'foreign_key_violation',
            MESSAGE = 'subjects.plan_id must name an existing plan',
            CONSTRAINT = 'subjects_plan_id_fkey';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER subjects_plan_on_insert AFTER INSERT ON subjects
REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION subjects_plan_exists();
CREATE TRIGGER subjects_plan_on_update AFTER UPDATE ON subjects
REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION subjects_plan_exists();

CREATE FUNCTION plans_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'plans are never deleted';
END;
$$;
CREATE TRIGGER plans_no_delete BEFORE DELETE ON plans
FOR EACH ROW EXECUTE FUNCTION plans_never_deleted();
CREATE TRIGGER plans_no_truncate BEFORE TRUNCATE ON plans
FOR EACH STATEMENT EXECUTE FUNCTION plans_never_deleted();
