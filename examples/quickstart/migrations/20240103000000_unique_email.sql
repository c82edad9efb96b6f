-- atlas:txtar

-- checks.sql --
-- No two users may share an email before the unique index is built.
SELECT NOT EXISTS (SELECT email FROM users WHERE email IS NOT NULL GROUP BY email HAVING count(*) > 1);

-- migration.sql --
CREATE UNIQUE INDEX `users_email` ON `users` (`email`) WHERE `email` IS NOT NULL;

-- down.sql --
DROP INDEX `users_email`;
