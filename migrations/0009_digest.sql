CREATE TABLE "assignment_progress" (
	"assignment_id" bigint PRIMARY KEY NOT NULL,
	"item_id" integer NOT NULL,
	"person_id" integer,
	"unit_id" integer,
	"due_date" date,
	"done" boolean DEFAULT false NOT NULL,
	"record_id" bigint,
	"changed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "digest_preferences" (
	"person_id" integer PRIMARY KEY NOT NULL,
	"skip_quiet_days" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "digest_snapshots" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "digest_snapshots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"person_id" integer NOT NULL,
	"day" date NOT NULL,
	"figures" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "digest_snapshots_person_day_key" UNIQUE("person_id","day")
);
--> statement-breakpoint
ALTER TABLE "assignment_progress" ADD CONSTRAINT "assignment_progress_assignment_id_assignments_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_preferences" ADD CONSTRAINT "digest_preferences_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_snapshots" ADD CONSTRAINT "digest_snapshots_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assignment_progress_item_idx" ON "assignment_progress" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "assignment_progress_due_idx" ON "assignment_progress" USING btree ("due_date") WHERE "assignment_progress"."due_date" is not null;--> statement-breakpoint
CREATE INDEX "assignment_progress_open_idx" ON "assignment_progress" USING btree ("due_date") WHERE not "assignment_progress"."done";--> statement-breakpoint
-- assignment_progress is derived, never written by the application: these triggers keep it equal to
-- "every assignment, with done = its latest completion record (highest id) is a completion". Statement-level
-- with transition tables, so a fan-out of 10 000 assignments or a bulk load costs one statement each.
CREATE FUNCTION assignment_progress_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assignment_progress (assignment_id, item_id, person_id, unit_id, due_date)
  SELECT n.id, n.item_id, n.person_id, n.unit_id, n.due_date FROM new_assignments n
  ON CONFLICT (assignment_id) DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER assignments_progress_insert AFTER INSERT ON assignments
  REFERENCING NEW TABLE AS new_assignments FOR EACH STATEMENT EXECUTE FUNCTION assignment_progress_on_insert();
--> statement-breakpoint
-- A plan re-import moves an assignment's own due date; the mirrored columns follow.
CREATE FUNCTION assignment_progress_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE assignment_progress SET item_id = NEW.item_id, person_id = NEW.person_id, unit_id = NEW.unit_id, due_date = NEW.due_date
  WHERE assignment_id = NEW.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER assignments_progress_update AFTER UPDATE OF item_id, person_id, unit_id, due_date ON assignments
  FOR EACH ROW WHEN (OLD.item_id IS DISTINCT FROM NEW.item_id OR OLD.person_id IS DISTINCT FROM NEW.person_id
    OR OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.due_date IS DISTINCT FROM NEW.due_date)
  EXECUTE FUNCTION assignment_progress_on_update();
--> statement-breakpoint
-- The latest record decides. Concurrent records for one assignment serialise on its progress row, and a record
-- with a lower id than the one stored never overwrites it, whatever order the transactions commit in.
CREATE FUNCTION assignment_progress_on_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assignment_progress AS p (assignment_id, item_id, person_id, unit_id, due_date, done, record_id, changed_at)
  SELECT a.id, a.item_id, a.person_id, a.unit_id, a.due_date, n.action = 'complete', n.id, n.at
  FROM (SELECT DISTINCT ON (r.assignment_id) r.assignment_id, r.id, r.action, r.at FROM new_records r ORDER BY r.assignment_id, r.id DESC) n
  JOIN assignments a ON a.id = n.assignment_id
  ON CONFLICT (assignment_id) DO UPDATE SET done = excluded.done, record_id = excluded.record_id, changed_at = excluded.changed_at
    WHERE p.record_id IS NULL OR p.record_id < excluded.record_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER completion_records_progress AFTER INSERT ON completion_records
  REFERENCING NEW TABLE AS new_records FOR EACH STATEMENT EXECUTE FUNCTION assignment_progress_on_record();
--> statement-breakpoint
INSERT INTO assignment_progress (assignment_id, item_id, person_id, unit_id, due_date, done, record_id, changed_at)
SELECT a.id, a.item_id, a.person_id, a.unit_id, a.due_date, coalesce(r.action = 'complete', false), r.id, r.at
FROM assignments a
LEFT JOIN (SELECT DISTINCT ON (c.assignment_id) c.assignment_id, c.id, c.action, c.at FROM completion_records c ORDER BY c.assignment_id, c.id DESC) r
  ON r.assignment_id = a.id;
