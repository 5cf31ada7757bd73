-- Direct messages between two players. A conversation is the unordered pair (player_lo <
-- player_hi); its seq counts 1, 2, 3, ... and direct_conversation.last_seq is its highest, so
-- numbering continues across restarts. withheld: sent while the recipient blocked the sender;
-- the sender sees it, the recipient never does. Plain SQL valid on H2 and PostgreSQL.
CREATE TABLE direct_message (
    player_lo      BIGINT         NOT NULL,
    player_hi      BIGINT         NOT NULL,
    seq            BIGINT         NOT NULL,
    sender_id      BIGINT         NOT NULL,
    body           VARCHAR(16384) NOT NULL,
    client_msg_id  BIGINT         NOT NULL,
    server_time_ms BIGINT         NOT NULL,
    withheld       BOOLEAN        NOT NULL,
    CONSTRAINT direct_message_pk PRIMARY KEY (player_lo, player_hi, seq)
);

-- One row per conversation: its last seq and each side's read mark (the highest seq it has read).
CREATE TABLE direct_conversation (
    player_lo    BIGINT NOT NULL,
    player_hi    BIGINT NOT NULL,
    last_seq     BIGINT NOT NULL,
    lo_read      BIGINT NOT NULL,
    hi_read      BIGINT NOT NULL,
    last_time_ms BIGINT NOT NULL,
    CONSTRAINT direct_conversation_pk PRIMARY KEY (player_lo, player_hi)
);
CREATE INDEX direct_conversation_hi_idx ON direct_conversation (player_hi);

-- Who blocks whom.
CREATE TABLE player_block (
    blocker_id BIGINT    NOT NULL,
    blocked_id BIGINT    NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT player_block_pk PRIMARY KEY (blocker_id, blocked_id)
);
