-- Intake's report counters leave the intake transaction (issue 18): a registration appends one
-- (ticket, seq) marker here instead of six rollup delta rows, and the fold (reports/rollup.ts)
-- files the event from its own timeline row, in batches. No index: the table is only appended to
-- and emptied whole by the fold's `delete … returning`.
CREATE TABLE "report_rollup_pending" (
	"ticket_id" uuid NOT NULL,
	"seq" integer NOT NULL
);
