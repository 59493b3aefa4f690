CREATE TABLE "meeting_records" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "meeting_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"unit_id" integer NOT NULL,
	"kind" text NOT NULL,
	"held_on" date NOT NULL,
	"minutes_url" text,
	"recorded_by" integer,
	"recorded_via" text NOT NULL,
	"source_event_id" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "meeting_records_event_key" UNIQUE("source_event_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "push_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "push_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"person_id" integer NOT NULL,
	"kind" text NOT NULL,
	"card_kind" text NOT NULL,
	"urgent" boolean DEFAULT false NOT NULL,
	"day" date NOT NULL,
	"week" date NOT NULL,
	"item_key" text NOT NULL,
	"outbox_key" text NOT NULL,
	"line" text DEFAULT '' NOT NULL,
	"assignment_ids" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "push_log_person_day_item_key" UNIQUE("person_id","day","item_key")
);
--> statement-breakpoint
CREATE TABLE "reminder_preferences" (
	"person_id" integer PRIMARY KEY NOT NULL,
	"muted_until" date,
	"weekly_cap" integer,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminder_settings" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "reminder_settings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"unit_id" integer,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "reminder_settings_unit_key" UNIQUE NULLS NOT DISTINCT("unit_id")
);
--> statement-breakpoint
ALTER TABLE "meeting_records" ADD CONSTRAINT "meeting_records_unit_id_org_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_records" ADD CONSTRAINT "meeting_records_recorded_by_people_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "push_log" ADD CONSTRAINT "push_log_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_preferences" ADD CONSTRAINT "reminder_preferences_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminder_settings" ADD CONSTRAINT "reminder_settings_unit_id_org_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "meeting_records_unit_idx" ON "meeting_records" USING btree ("unit_id","kind","held_on");--> statement-breakpoint
CREATE INDEX "push_log_week_idx" ON "push_log" USING btree ("week","person_id");--> statement-breakpoint
CREATE INDEX "push_log_outbox_key_idx" ON "push_log" USING btree ("outbox_key");