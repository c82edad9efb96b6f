CREATE TABLE `tags` (
  `post_id` integer NOT NULL REFERENCES `posts` (`id`) ON DELETE CASCADE,
  `tag` text NOT NULL COLLATE NOCASE,
  PRIMARY KEY (`post_id`, `tag`)
) WITHOUT ROWID;
CREATE VIEW `post_tags` AS SELECT p.id, p.title, t.tag FROM posts p JOIN tags t ON t.post_id = p.id;
CREATE TRIGGER `posts_touch` AFTER UPDATE OF `title` ON `posts`
BEGIN
  UPDATE posts SET published_at = NULL WHERE id = NEW.id AND NEW.title = '';
END;
