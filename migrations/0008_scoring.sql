CREATE TYPE "public"."scoring_round_status" AS ENUM('open', 'closed', 'published');--> statement-breakpoint
CREATE TYPE "public"."scoring_scorer_role" AS ENUM('peer', 'committee');--> statement-breakpoint
CREATE TYPE "public"."scoring_sheet_source" AS ENUM('h5', 'card', 'text', 'admin');--> statement-breakpoint
CREATE TYPE "public"."scoring_sheet_status" AS ENUM('draft', 'submitted');--> statement-breakpoint
CREATE TABLE "scoring_chat_branches" (
	"chat_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	CONSTRAINT "scoring_chat_branches_chat_id_unit_id_pk" PRIMARY KEY("chat_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "scoring_results" (
	"round_id" integer PRIMARY KEY NOT NULL,
	"policy_version" text NOT NULL,
	"result" jsonb NOT NULL,
	"flags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scoring_round_branches" (
	"round_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"name" text NOT NULL,
	"sort" integer NOT NULL,
	CONSTRAINT "scoring_round_branches_round_id_unit_id_pk" PRIMARY KEY("round_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "scoring_round_scorers" (
	"round_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"role" "scoring_scorer_role" NOT NULL,
	"branch_id" integer,
	"name" text NOT NULL,
	CONSTRAINT "scoring_round_scorers_round_id_person_id_pk" PRIMARY KEY("round_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "scoring_rounds" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "scoring_rounds_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"title" text NOT NULL,
	"scheme_id" integer NOT NULL,
	"policy" jsonb NOT NULL,
	"policy_version" text NOT NULL,
	"platform" "platform_name" NOT NULL,
	"chat_id" integer,
	"started_by" integer,
	"status" "scoring_round_status" DEFAULT 'open' NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	"published_at" timestamp with time zone,
	"published_by" text,
	"show_ranks" boolean DEFAULT false NOT NULL,
	"source_event_id" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "scoring_rounds_source_event_id_unique" UNIQUE("source_event_id"),
	CONSTRAINT "scoring_rounds_window" CHECK ("scoring_rounds"."closes_at" > "scoring_rounds"."opens_at")
);
--> statement-breakpoint
CREATE TABLE "scoring_schemes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "scoring_schemes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"definition" jsonb NOT NULL,
	"digest" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "scoring_schemes_digest_unique" UNIQUE("digest")
);
--> statement-breakpoint
CREATE TABLE "scoring_sheets" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "scoring_sheets_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"round_id" integer NOT NULL,
	"scorer_id" integer NOT NULL,
	"target_unit_id" integer NOT NULL,
	"status" "scoring_sheet_status" NOT NULL,
	"entries" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"comment" text,
	"total_cents" integer,
	"source" "scoring_sheet_source" NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"submitted_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "scoring_sheets_scorer_target_key" UNIQUE("round_id","scorer_id","target_unit_id")
);
--> statement-breakpoint
ALTER TABLE "scoring_chat_branches" ADD CONSTRAINT "scoring_chat_branches_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_chat_branches" ADD CONSTRAINT "scoring_chat_branches_unit_id_org_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_results" ADD CONSTRAINT "scoring_results_round_id_scoring_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."scoring_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_round_branches" ADD CONSTRAINT "scoring_round_branches_round_id_scoring_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."scoring_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_round_branches" ADD CONSTRAINT "scoring_round_branches_unit_id_org_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_round_scorers" ADD CONSTRAINT "scoring_round_scorers_round_id_scoring_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."scoring_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_round_scorers" ADD CONSTRAINT "scoring_round_scorers_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_round_scorers" ADD CONSTRAINT "scoring_round_scorers_branch_id_org_units_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_rounds" ADD CONSTRAINT "scoring_rounds_scheme_id_scoring_schemes_id_fk" FOREIGN KEY ("scheme_id") REFERENCES "public"."scoring_schemes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_rounds" ADD CONSTRAINT "scoring_rounds_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_rounds" ADD CONSTRAINT "scoring_rounds_started_by_people_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_sheets" ADD CONSTRAINT "scoring_sheets_round_id_scoring_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."scoring_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_sheets" ADD CONSTRAINT "scoring_sheets_scorer_id_people_id_fk" FOREIGN KEY ("scorer_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scoring_sheets" ADD CONSTRAINT "scoring_sheets_target_unit_id_org_units_id_fk" FOREIGN KEY ("target_unit_id") REFERENCES "public"."org_units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "scoring_rounds_one_open_per_chat" ON "scoring_rounds" USING btree ("chat_id") WHERE "scoring_rounds"."status" = 'open' and "scoring_rounds"."chat_id" is not null;--> statement-breakpoint
CREATE INDEX "scoring_rounds_open_closes_idx" ON "scoring_rounds" USING btree ("closes_at") WHERE "scoring_rounds"."status" = 'open';--> statement-breakpoint
CREATE INDEX "scoring_sheets_round_idx" ON "scoring_sheets" USING btree ("round_id","status");