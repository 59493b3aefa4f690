-- Completion records are evidence for 考核验收: an undo is a new revoking record, never an edit. The database
-- refuses UPDATE, DELETE and TRUNCATE (same function as the audit log's trigger).
CREATE TRIGGER completion_records_no_update_delete BEFORE UPDATE OR DELETE ON completion_records
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER completion_records_no_truncate BEFORE TRUNCATE ON completion_records
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
