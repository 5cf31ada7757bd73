-- Edits and deletes of direct messages, as for chat_message (V9, V11): kind is the protocol's
-- ChatKind (0 a player's message, 2 an edit, 3 a delete); existing rows are plain messages. On an
-- event row target_seq is the seq of the message it changes (below its own seq); on a message an
-- event rewrote into its final state, the seq of the event that did (above its own seq); NULL
-- otherwise. Plain SQL valid on H2 and PostgreSQL.
ALTER TABLE direct_message ADD COLUMN kind SMALLINT DEFAULT 0 NOT NULL;
ALTER TABLE direct_message ADD COLUMN target_seq BIGINT;
