-- Complete records from office files (issue 13): a non-member leader's code, as offices key
-- their cadre lists, and the civil-service ratings of the year (xếp loại công chức, viên chức),
-- which a party member who is a civil servant is rated after.
ALTER TABLE non_member_leaders ADD COLUMN code TEXT;
CREATE UNIQUE INDEX non_member_leaders_code ON non_member_leaders (code);

CREATE TABLE civil_service_ratings (
    member_id UUID NOT NULL REFERENCES members (id),
    year BIGINT NOT NULL,
    level TEXT NOT NULL,
    rated_by TEXT NOT NULL,
    note TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member_id, year),
    CONSTRAINT civil_service_ratings_level_check CHECK (level IN ('HTXSNV', 'HTTNV', 'HTNV', 'KHTNV'))
);
