-- Edits and deletes (ChatKind 2 and 3). On an event row: the seq of the message it changes
-- (below its own seq). On a message an event rewrote: the seq of the latest event that did
-- (above its own seq), so a replayed older event cannot undo a newer one. NULL otherwise.
ALTER TABLE chat_message ADD COLUMN target_seq BIGINT;
