-- Ballots unlinkable on disk (issue 15). While a ballot is open on PostgreSQL, its casting
-- transactions write only to two tables of its own, created when it opens:
-- `ballot_voted_<id>` (who has voted) and `ballot_urn_<id>` (the papers), `<id>` being the
-- ballot's UUID in 32 hex digits. The closing transaction copies the roll's flags into
-- `ballot_roll` and the papers, shuffled, into `ballot_papers`, and drops both tables: their
-- files — every row version and dead tuple a casting transaction wrote, with its xmin and ctid —
-- leave the database with the commit. No casting transaction writes a shared table (see
-- docs/ballot-secrecy.md). SQLite keeps its shared urn (0038 there changes nothing).
--
-- `ballot_voted(ballot)`: the members who have voted in an open ballot's own table, none when
-- it has none (closed — the roll then says it — or opened before this migration). A reader
-- racing the close's DROP gets none rather than an error.
CREATE FUNCTION ballot_voted(ballot UUID) RETURNS SETOF UUID LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY EXECUTE format('SELECT member_id FROM %I', 'ballot_voted_' || replace(ballot::text, '-', ''));
EXCEPTION WHEN undefined_table THEN
    RETURN;
END;
$$;
