-- Completing an item cancels the reminders about it that are still waiting in the outbox (held by quiet
-- hours or the weekly cap). A trigger, because completions arrive by card, text, H5 page and admin API alike.
-- A card about several items is cancelled only when all of them are done; one that also carries something
-- else (a meeting notice) stays.
CREATE FUNCTION cancel_reminders_on_completion() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE outbox o SET status = 'cancelled', last_error = '事项已完成，提醒取消'
  WHERE o.status = 'pending'
    AND o.idempotency_key IN (
      SELECT k.outbox_key FROM (SELECT DISTINCT l.outbox_key FROM push_log l WHERE NEW.assignment_id = ANY (l.assignment_ids)) k
      WHERE NOT EXISTS (
          SELECT 1 FROM push_log l2 WHERE l2.outbox_key = k.outbox_key AND cardinality(l2.assignment_ids) = 0)
        AND NOT EXISTS (
          SELECT 1 FROM push_log l3, unnest(l3.assignment_ids) AS a(id)
          WHERE l3.outbox_key = k.outbox_key
            AND coalesce((SELECT c.action::text FROM completion_records c WHERE c.assignment_id = a.id ORDER BY c.id DESC LIMIT 1), '') <> 'complete'));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER completion_records_cancel_reminders AFTER INSERT ON completion_records
  FOR EACH ROW WHEN (NEW.action = 'complete') EXECUTE FUNCTION cancel_reminders_on_completion();
