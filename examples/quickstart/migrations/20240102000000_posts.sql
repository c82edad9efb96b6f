-- Create "posts" table
CREATE TABLE `posts` (
  `id` integer NOT NULL,
  `author_id` integer NOT NULL,
  `title` text NOT NULL,
  `body` text NULL,
  `published_at` datetime NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `posts_author` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE
);
-- Create index "posts_author_published" to table: "posts"
CREATE INDEX `posts_author_published` ON `posts` (`author_id`, `published_at` DESC);
