-- Roles given to players through the server API (PUT /api/v1/players/{name}/roles, docs/api.md):
-- one row per player and role (moderator or admin), merged with token roles and --admins by
-- moderation.Permissions. Setting a player's roles replaces all its rows.
CREATE TABLE player_role (
    player_id BIGINT       NOT NULL,
    role      VARCHAR(16)  NOT NULL,
    PRIMARY KEY (player_id, role)
);
