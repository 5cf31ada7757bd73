-- The chat log: every accepted chat message, keyed by (room_id, seq) so that replaying a batch
-- after a partial failure cannot store a message twice. Plain SQL valid on H2 and PostgreSQL.
CREATE TABLE chat_message (
    room_id        BIGINT         NOT NULL,
    seq            BIGINT         NOT NULL,
    sender_id      BIGINT         NOT NULL,
    sender_name    VARCHAR(64)    NOT NULL,
    body           VARCHAR(16384) NOT NULL,
    client_msg_id  BIGINT         NOT NULL,
    server_time_ms BIGINT         NOT NULL,
    CONSTRAINT chat_message_pk PRIMARY KEY (room_id, seq)
);

-- Rooms named by --permanent-rooms: the same name keeps its id (and so its log) across restarts.
-- seq_base is the seq a run started the room at; after a crash that is above the highest stored
-- seq (messages lost in the crash keep their numbers), and a second crash must not reuse them.
CREATE TABLE permanent_room (
    id         BIGINT      NOT NULL,
    name       VARCHAR(64) NOT NULL,
    seq_base   BIGINT      NOT NULL,
    created_at TIMESTAMP   NOT NULL,
    CONSTRAINT permanent_room_pk PRIMARY KEY (id),
    CONSTRAINT permanent_room_name_uq UNIQUE (name)
);

-- Hi/lo id reservation: a server reserves a block [next_id, next_id + n) by advancing next_id in
-- one transaction, so ids are never handed out twice, across restarts and crashes alike.
CREATE TABLE id_block (
    name    VARCHAR(32) NOT NULL,
    next_id BIGINT      NOT NULL,
    CONSTRAINT id_block_pk PRIMARY KEY (name)
);

INSERT INTO id_block (name, next_id) VALUES ('room', 1);
