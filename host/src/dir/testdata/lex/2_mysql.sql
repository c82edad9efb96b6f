CREATE DATABASE IF NOT EXISTS `shop`;
USE `shop`;
CREATE TABLE `users` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `price$` decimal(10,2) DEFAULT NULL,
  `ñame` varchar(255) COLLATE utf8mb4_bin NOT NULL COMMENT 'user name; unique',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE `tbl$1` (`id` int, `a$b` int, c$ int);
ALTER TABLE `users` ADD COLUMN `größe` int;
ALTER TABLE `users` ADD INDEX `idx_name` (`ñame`);
INSERT INTO `users` (`id`, `ñame`) VALUES (1, 'O\'Reilly');
INSERT INTO `users` (`id`, `ñame`) VALUES (2, "say \"hi\"");
UPDATE `users` SET `ñame` = 'x' WHERE `id` = 1;
DELETE FROM `users` WHERE `id` = 2;
select
  `id`,
  `ñame`
from
  `users`
where `id` > 0;
SET @a$ = 1;
SELECT @a$ AS `v`, größe FROM `users`;
CREATE VIEW `v1` AS SELECT `id` FROM `users`;
DROP VIEW `v1`;
DROP TABLE `tbl$1`;
