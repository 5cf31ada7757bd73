-- Moderation that outlives a restart (docs/protocol.md, Moderation). A player has at most one
-- ban; until_ms NULL = permanent. A mute is per player and room, room_id 0 = every room. Rows
-- past their until_ms are dead and ignored; an unban or unmute deletes the row. by_name is the
-- moderator's name, or the API key's fingerprint.
CREATE TABLE ban (
    player_id BIGINT        NOT NULL PRIMARY KEY,
    until_ms  BIGINT,
    reason    VARCHAR(256)  NOT NULL,
    by_name   VARCHAR(64)   NOT NULL,
    at_ms     BIGINT        NOT NULL
);

CREATE TABLE mute (
    player_id BIGINT        NOT NULL,
    room_id   BIGINT        NOT NULL,
    until_ms  BIGINT        NOT NULL,
    reason    VARCHAR(256)  NOT NULL,
    by_name   VARCHAR(64)   NOT NULL,
    at_ms     BIGINT        NOT NULL,
    PRIMARY KEY (player_id, room_id)
);
