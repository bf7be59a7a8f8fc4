-- Opening a plan writes hundreds of thousands of subjects at once, all undecided: index only the
-- decided ones where only decided ones are looked up (the quota group's levels, the other places
-- a person is rated), so the bulk write maintains two indexes fewer.
DROP INDEX subjects_plan_group;
DROP INDEX subjects_member;
CREATE INDEX subjects_plan_group ON subjects (plan_id, quota_group) WHERE level IS NOT NULL;
CREATE INDEX subjects_member ON subjects (member_id) WHERE level IS NOT NULL;
