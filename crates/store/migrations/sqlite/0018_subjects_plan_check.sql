-- PostgreSQL replaces its per-row foreign key subjects.plan_id → plans(id) by a check per
-- statement and forbids deleting plans (postgres/0018). SQLite keeps the foreign key — a single
-- index probe per row there — and forbids deleting plans the same way.
CREATE TRIGGER plans_no_delete BEFORE DELETE ON plans
BEGIN SELECT RAISE(ABORT, 'plans are never deleted'); END;
