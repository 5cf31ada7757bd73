-- A player name's look-alike skeleton (UTS #39, computed by dev.parley.content.Names.skeleton):
-- unique, so "Аlice" (Cyrillic А) cannot be registered beside "Alice". Null only for accounts
-- that existed before this column and collided with an older account (V4 fills the rest);
-- several nulls do not violate a unique constraint in H2 or PostgreSQL. Skeletons can be
-- longer than the name (one character may map to several).
ALTER TABLE account ADD COLUMN skeleton VARCHAR(1024);
ALTER TABLE account ADD CONSTRAINT account_skeleton_uq UNIQUE (skeleton);
