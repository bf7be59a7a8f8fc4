-- Escalations (seed 003 §B.6) name the organisation whose board settles them — the nearest
-- organisation above every place the person is rated — and cover leaders who are not party
-- members: `member_id` holds the person's id, a member or a non-member leader (`person_kind`).
ALTER TABLE escalations ADD COLUMN person_kind TEXT NOT NULL DEFAULT 'member';
ALTER TABLE escalations ADD COLUMN competent_org_id UUID REFERENCES orgs (id);
CREATE INDEX subjects_leader ON subjects (leader_id) WHERE level IS NOT NULL;
