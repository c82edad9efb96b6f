//! Real-world MySQL schema changes, `(name, from, to)`: statements end with
//! `;` at a line end. Shared by the plugin's convergence tests
//! (dialects/mysql/tests/server.rs) and the CLI's (tests/mysql_cases.rs).

/// Real-world changes, each converged both ways (see `converge`). Failures are
/// collected so one run reports them all.
pub const CASES: &[(&str, &str, &str)] = &[
    (
        "widen_ids_under_fks",
        "CREATE TABLE users (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(100) NOT NULL);\n\
         CREATE TABLE posts (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int NOT NULL, \
           CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
        "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(191) NOT NULL, UNIQUE KEY users_email (email));\n\
         CREATE TABLE posts (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id bigint unsigned NOT NULL, \
           CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
    ),
    (
        "generated_flips",
        "CREATE TABLE t (a int, b int AS (a + 1) VIRTUAL, c int, d int AS (a * 2) STORED)",
        "CREATE TABLE t (a int, b int AS (a + 1) STORED, c int AS (a - 1) VIRTUAL, d int AS (a * 3) STORED)",
    ),
    (
        "table_options",
        "CREATE TABLE t (id int PRIMARY KEY) ROW_FORMAT=DYNAMIC STATS_PERSISTENT=1;\n\
         CREATE TABLE u (id int PRIMARY KEY)",
        // Not KEY_BLOCK_SIZE: MariaDB copies it onto every index, and
        // resetting the table's leaves the indexes' in SHOW CREATE TABLE.
        "CREATE TABLE t (id int PRIMARY KEY) ROW_FORMAT=COMPRESSED;\n\
         CREATE TABLE u (id int PRIMARY KEY) COMMENT='it''s' CHECKSUM=1",
    ),
    (
        "view_attributes",
        "CREATE TABLE t (id int PRIMARY KEY, a int);\n\
         CREATE VIEW v AS SELECT id FROM t",
        "CREATE TABLE t (id int PRIMARY KEY, a int);\n\
         CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v AS SELECT id, a FROM t WHERE a > 0 WITH LOCAL CHECK OPTION",
    ),
    (
        "auto_increment_moves",
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT, code varchar(10) NOT NULL, PRIMARY KEY (id));\n\
         CREATE TABLE started (id int NOT NULL AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT=1000",
        "CREATE TABLE t (id int NOT NULL, code varchar(10) NOT NULL, seq bigint NOT NULL AUTO_INCREMENT, PRIMARY KEY (seq), UNIQUE KEY (id));\n\
         CREATE TABLE fresh (id int NOT NULL AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT=500",
    ),
    (
        "timestamps_and_defaults",
        "CREATE TABLE t (id int PRIMARY KEY, created datetime, updated timestamp NULL, n decimal(8,2) DEFAULT '0.00', s varchar(5) DEFAULT 'x', b tinyint(1) DEFAULT 0)",
        "CREATE TABLE t (id int PRIMARY KEY, created datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), \
           updated timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, n decimal(10,3) DEFAULT 1.5, \
           s varchar(5) DEFAULT NULL, b tinyint(1) NOT NULL DEFAULT 1, u char(36) DEFAULT (uuid()), j json DEFAULT NULL)",
    ),
    (
        "charset_conversion",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(20), b text, c char(3) CHARACTER SET ascii, e enum('x','y')) DEFAULT CHARSET=latin1",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(20), b text, c char(3) CHARACTER SET ascii, e enum('x','y')) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
    ),
    (
        "column_collations",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(20) COLLATE utf8mb4_bin, b varchar(20))",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(20), b varchar(20) CHARACTER SET latin1 COLLATE latin1_bin)",
    ),
    (
        "enum_values",
        "CREATE TABLE t (id int PRIMARY KEY, s enum('draft','live') NOT NULL DEFAULT 'draft', f set('a','b'))",
        "CREATE TABLE t (id int PRIMARY KEY, s enum('draft','review','live','gone') NOT NULL DEFAULT 'review', f set('a','b','c') NOT NULL DEFAULT 'a')",
    ),
    (
        "composite_keys_and_prefixes",
        "CREATE TABLE t (a int NOT NULL, b varchar(200) NOT NULL, c text, PRIMARY KEY (a), KEY k1 (b), KEY k2 (c(10)))",
        "CREATE TABLE t (a int NOT NULL, b varchar(200) NOT NULL, c text, PRIMARY KEY (a, b(50)), UNIQUE KEY k1 (b, a), KEY k2 (c(30), a DESC), KEY k3 (a) COMMENT 'c')",
    ),
    (
        "unique_added_before_plain_keys",
        "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, b int, KEY ka (a), KEY kb (b))",
        "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, b int, UNIQUE KEY ua (a), KEY ka (a), KEY kb (b), UNIQUE KEY ub (b))",
    ),
    (
        "checks_reordered",
        "CREATE TABLE t (a int, b int, CONSTRAINT c1 CHECK (a > 0), CONSTRAINT c2 CHECK (b > 0), CONSTRAINT c3 CHECK (a <> b))",
        "CREATE TABLE t (a int, b int, CONSTRAINT c1 CHECK (a > 0), CONSTRAINT c2 CHECK (b > 1), CONSTRAINT c3 CHECK (a <> b), CHECK (a + b < 10))",
    ),
    (
        "column_checks_and_json",
        "CREATE TABLE t (id int PRIMARY KEY, a int CHECK (a > 0), doc longtext)",
        "CREATE TABLE t (id int PRIMARY KEY, a int CHECK (a > 1), doc json, meta json NOT NULL)",
    ),
    (
        "fk_actions_and_composite",
        "CREATE TABLE p (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b));\n\
         CREATE TABLE c (id int PRIMARY KEY, a int, b int, CONSTRAINT c_p FOREIGN KEY (a, b) REFERENCES p (a, b))",
        "CREATE TABLE p (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b));\n\
         CREATE TABLE c (id int PRIMARY KEY, a int, b int, CONSTRAINT c_p FOREIGN KEY (a, b) REFERENCES p (a, b) ON DELETE SET NULL ON UPDATE CASCADE)",
    ),
    (
        "fk_to_new_column_and_table",
        "CREATE TABLE a (id int PRIMARY KEY)",
        "CREATE TABLE b (id int PRIMARY KEY, a_id int, KEY b_a (a_id));\n\
         CREATE TABLE a (id int PRIMARY KEY, b_id int, KEY a_b (b_id), CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id));\n\
         ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id)",
    ),
    (
        "drop_referenced_column",
        "CREATE TABLE p (id int PRIMARY KEY, code int, UNIQUE KEY code (code));\n\
         CREATE TABLE c (id int PRIMARY KEY, pc int, CONSTRAINT c_p FOREIGN KEY (pc) REFERENCES p (code))",
        "CREATE TABLE p (id int PRIMARY KEY);\n\
         CREATE TABLE c (id int PRIMARY KEY, pc int, KEY c_p (pc))",
    ),
    (
        "fulltext_and_spatial",
        "CREATE TABLE t (id int PRIMARY KEY, body text, g point NOT NULL)",
        "CREATE TABLE t (id int PRIMARY KEY, body text, title varchar(100), g point NOT NULL, FULLTEXT KEY ft (title, body), SPATIAL KEY sp (g))",
    ),
    (
        "engine_and_comments",
        "CREATE TABLE t (id int PRIMARY KEY COMMENT 'old', a int) ENGINE=MyISAM COMMENT='x'",
        "CREATE TABLE t (id int PRIMARY KEY COMMENT 'new ''one''', a int COMMENT 'a\\\\b') ENGINE=InnoDB",
    ),
    (
        "numeric_types",
        "CREATE TABLE t (a tinyint, b smallint unsigned, c mediumint, d float, e double, f decimal(5,2), g bit(1), h year)",
        "CREATE TABLE t (a smallint, b int unsigned zerofill, c bigint, d float(7,3), e double(12,4), f decimal(9,4) unsigned, g bit(8) DEFAULT b'1', h int)",
    ),
    (
        "text_and_binary_types",
        "CREATE TABLE t (a char(10), b varchar(10), c tinytext, d blob, e binary(4), f varbinary(4))",
        "CREATE TABLE t (a char(20) NOT NULL DEFAULT '', b text, c mediumtext, d longblob, e binary(8), f varbinary(255) DEFAULT 0x0102, g uuid, h inet6)",
    ),
    (
        "triggers_with_blocks",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int)",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int);\n\
         CREATE TRIGGER t_bu BEFORE UPDATE ON t FOR EACH ROW BEGIN IF NEW.a < 0 THEN SET NEW.a = 0; END IF; SET NEW.b = NEW.a * 2; END;\n\
         CREATE TRIGGER a_second BEFORE UPDATE ON t FOR EACH ROW SET NEW.b = NEW.b + 1",
    ),
    (
        "hostile_names",
        "CREATE TABLE `select` (`from` int PRIMARY KEY, `a``b` int)",
        "CREATE TABLE `select` (`from` int PRIMARY KEY, `a``b` bigint, `naïve ü` varchar(3) COMMENT 'ü', `x'y` int, KEY `k``1` (`a``b`));\n\
         CREATE TABLE `日本` (`列` int PRIMARY KEY, CONSTRAINT `fk``x` FOREIGN KEY (`列`) REFERENCES `select` (`from`))",
    ),
    (
        "columns_reordered",
        "CREATE TABLE t (a int, b int, c int, d int, e int)",
        "CREATE TABLE t (e int, c int, a int, x int, b int, d int)",
    ),
];

/// More real-world changes: defaults, keys under foreign keys, invisible
/// columns, long unique keys, dependent objects.
pub const MORE_CASES: &[(&str, &str, &str)] = &[
    (
        "default_forms",
        "CREATE TABLE t (id int PRIMARY KEY, a int DEFAULT 1, b varchar(10) DEFAULT 'NULL', c float DEFAULT 0.1, d boolean DEFAULT false)",
        "CREATE TABLE t (id int PRIMARY KEY, a int DEFAULT -1, b varchar(10) DEFAULT '', c float DEFAULT 1e3, d boolean DEFAULT TRUE, \
           e int DEFAULT (1 + 1), f varchar(20) DEFAULT (concat('a', 'b')), g date DEFAULT (curdate()), h text DEFAULT 'x')",
    ),
    (
        "index_renamed_under_fk",
        "CREATE TABLE p (id int PRIMARY KEY);\n\
         CREATE TABLE c (id int PRIMARY KEY, p int, KEY idx_p (p), CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p (id))",
        "CREATE TABLE p (id int PRIMARY KEY);\n\
         CREATE TABLE c (id int PRIMARY KEY, p int, KEY idx_p2 (p, id), CONSTRAINT c_p FOREIGN KEY (p) REFERENCES p (id))",
    ),
    (
        "fk_columns_change",
        "CREATE TABLE p (id int PRIMARY KEY, code int UNIQUE);\n\
         CREATE TABLE c (id int PRIMARY KEY, a int, b int, CONSTRAINT c_p FOREIGN KEY (a) REFERENCES p (id))",
        "CREATE TABLE p (id int PRIMARY KEY, code int UNIQUE);\n\
         CREATE TABLE c (id int PRIMARY KEY, a int, b int, KEY c_a (a), CONSTRAINT c_p FOREIGN KEY (b) REFERENCES p (code))",
    ),
    (
        "self_reference_added",
        "CREATE TABLE node (id int PRIMARY KEY, parent int)",
        "CREATE TABLE node (id int PRIMARY KEY, parent int, KEY node_parent (parent), CONSTRAINT node_parent FOREIGN KEY (parent) REFERENCES node (id) ON DELETE SET NULL)",
    ),
    (
        "invisible_and_long_unique",
        "CREATE TABLE t (id int PRIMARY KEY, a int, body text)",
        "CREATE TABLE t (id int PRIMARY KEY, a int INVISIBLE, body text, UNIQUE KEY body_u (body))",
    ),
    (
        "primary_key_changes",
        "CREATE TABLE t (a int NOT NULL, b int NOT NULL, c varchar(100) NOT NULL, PRIMARY KEY (a, b));\n\
         CREATE TABLE u (a int NOT NULL);\n\
         CREATE TABLE w (a varchar(200) NOT NULL, PRIMARY KEY (a))",
        "CREATE TABLE t (a int NOT NULL, b int NOT NULL, c varchar(100) NOT NULL, PRIMARY KEY (b, a));\n\
         CREATE TABLE u (a int NOT NULL, PRIMARY KEY (a));\n\
         CREATE TABLE w (a varchar(200) NOT NULL, PRIMARY KEY (a(20)))",
    ),
    (
        "table_dropped_with_trigger_and_view",
        "CREATE TABLE t (id int PRIMARY KEY, a int);\n\
         CREATE TABLE keep (id int PRIMARY KEY);\n\
         CREATE VIEW v AS SELECT t.id FROM t JOIN keep ON keep.id = t.id;\n\
         CREATE TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW SET @n = NEW.id",
        "CREATE TABLE keep (id int PRIMARY KEY, note varchar(10));\n\
         CREATE VIEW v AS SELECT keep.id FROM keep",
    ),
    (
        "many_changes_one_table",
        "CREATE TABLE orders (id bigint NOT NULL AUTO_INCREMENT, customer varchar(50) NOT NULL, total decimal(10,2), status varchar(20) DEFAULT 'new', \
           notes text, created_at datetime, PRIMARY KEY (id), KEY idx_customer (customer), KEY idx_status (status))",
        "CREATE TABLE orders (id bigint unsigned NOT NULL AUTO_INCREMENT, customer_id int NOT NULL, status enum('new','paid','shipped') NOT NULL DEFAULT 'new', \
           total decimal(12,2) NOT NULL DEFAULT 0.00, created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP, \
           updated_at datetime DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP, PRIMARY KEY (id), KEY idx_customer (customer_id, created_at), \
           KEY idx_status (status)) COMMENT='orders'",
    ),
    (
        "schema_from_scratch_and_back",
        "",
        "CREATE TABLE a (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(20) NOT NULL UNIQUE);\n\
         CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL, CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));\n\
         CREATE VIEW ab AS SELECT a.name, b.id FROM a JOIN b ON b.a_id = a.id",
    ),
    (
        "longtext_with_json_check",
        "CREATE TABLE t (id int PRIMARY KEY, doc longtext, j json)",
        "CREATE TABLE t (id int PRIMARY KEY, doc longtext CHECK (json_valid(doc)), j longtext COLLATE utf8mb4_bin)",
    ),
    (
        "unique_nullability_class",
        "CREATE TABLE t (a int, b int NOT NULL, UNIQUE KEY ua (a), UNIQUE KEY ub (b))",
        "CREATE TABLE t (a int NOT NULL, b int, UNIQUE KEY ua (a), UNIQUE KEY ub (b))",
    ),
];

/// Changes that interact: keys, columns and dependent objects changed together.
pub const INTERACTING_CASES: &[(&str, &str, &str)] = &[
    (
        "column_index_and_fk_added_together",
        "CREATE TABLE orders (id int PRIMARY KEY, total int)",
        "CREATE TABLE customers (id int PRIMARY KEY, name varchar(20));\n\
         CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, total int, KEY orders_customer (customer_id, total), \
           CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id))",
    ),
    (
        "drop_column_in_composite_index",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, KEY abc (a, b, c), UNIQUE KEY ub (b, c))",
        "CREATE TABLE t (id int PRIMARY KEY, a int, c int, KEY abc (a, c))",
    ),
    (
        "drop_unique_key_used_by_fk",
        "CREATE TABLE p (id int PRIMARY KEY, code varchar(10) NOT NULL, UNIQUE KEY p_code (code));\n\
         CREATE TABLE c (id int PRIMARY KEY, code varchar(10), CONSTRAINT c_code FOREIGN KEY (code) REFERENCES p (code))",
        "CREATE TABLE p (id int PRIMARY KEY, code varchar(10) NOT NULL);\n\
         CREATE TABLE c (id int PRIMARY KEY, code varchar(10), KEY c_code (code))",
    ),
    (
        "primary_key_widened_under_fk",
        "CREATE TABLE p (id int NOT NULL, tenant int NOT NULL DEFAULT 0, PRIMARY KEY (id));\n\
         CREATE TABLE c (id int PRIMARY KEY, p_id int, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id))",
        "CREATE TABLE p (id int NOT NULL, tenant int NOT NULL DEFAULT 0, PRIMARY KEY (id, tenant));\n\
         CREATE TABLE c (id int PRIMARY KEY, p_id int, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id))",
    ),
    (
        "charset_change_under_fk",
        "CREATE TABLE p (code varchar(10) NOT NULL PRIMARY KEY) DEFAULT CHARSET=latin1;\n\
         CREATE TABLE c (id int PRIMARY KEY, code varchar(10), CONSTRAINT c_p FOREIGN KEY (code) REFERENCES p (code)) DEFAULT CHARSET=latin1",
        "CREATE TABLE p (code varchar(10) NOT NULL PRIMARY KEY) DEFAULT CHARSET=utf8mb4;\n\
         CREATE TABLE c (id int PRIMARY KEY, code varchar(10), CONSTRAINT c_p FOREIGN KEY (code) REFERENCES p (code)) DEFAULT CHARSET=utf8mb4",
    ),
    (
        "two_keys_to_one_parent",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE msgs (id int PRIMARY KEY, sender int, CONSTRAINT msgs_sender FOREIGN KEY (sender) REFERENCES users (id))",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE msgs (id int PRIMARY KEY, sender int, receiver int, \
           CONSTRAINT msgs_sender FOREIGN KEY (sender) REFERENCES users (id) ON DELETE CASCADE, \
           CONSTRAINT msgs_receiver FOREIGN KEY (receiver) REFERENCES users (id) ON DELETE CASCADE)",
    ),
    (
        "view_over_dropped_column",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int);\n\
         CREATE VIEW v AS SELECT id, a, b FROM t",
        "CREATE TABLE t (id int PRIMARY KEY, a int, c int);\n\
         CREATE VIEW v AS SELECT id, a, c FROM t",
    ),
    (
        "trigger_over_changed_column",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int);\n\
         CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.b = NEW.a",
        "CREATE TABLE t (id int PRIMARY KEY, a bigint, c int);\n\
         CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.c = NEW.a + 1",
    ),
    (
        "index_on_generated_column",
        "CREATE TABLE t (id int PRIMARY KEY, doc json)",
        "CREATE TABLE t (id int PRIMARY KEY, doc json, kind varchar(20) AS (json_value(doc, '$.kind')) VIRTUAL, KEY t_kind (kind))",
    ),
    (
        "auto_increment_added_and_unique_to_plain",
        "CREATE TABLE t (id int NOT NULL, a int, PRIMARY KEY (id), UNIQUE KEY ka (a))",
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT, a int, PRIMARY KEY (id), KEY ka (a))",
    ),
    (
        "defaults_removed_and_nullability",
        "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL DEFAULT 3, b varchar(5) DEFAULT 'x', c datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b varchar(5) NOT NULL, c datetime)",
    ),
    (
        "myisam_fulltext_to_innodb",
        "CREATE TABLE t (id int PRIMARY KEY, title varchar(100), body text, FULLTEXT KEY ft (title, body)) ENGINE=MyISAM",
        "CREATE TABLE t (id int PRIMARY KEY, title varchar(100), body text, FULLTEXT KEY ft (title, body), FULLTEXT KEY ft_title (title)) ENGINE=InnoDB",
    ),
    (
        "table_replaced_by_another",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE old_profiles (id int PRIMARY KEY, user_id int, CONSTRAINT op_user FOREIGN KEY (user_id) REFERENCES users (id))",
        "CREATE TABLE users (id int PRIMARY KEY, email varchar(50));\n\
         CREATE TABLE profiles (user_id int PRIMARY KEY, bio text, CONSTRAINT profiles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
    ),
    (
        "middle_key_changed_among_many",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, d int, KEY ka (a), KEY kb (b), KEY kc (c), KEY kd (d))",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, d int, KEY ka (a), KEY kb (b, a), KEY kc (c), KEY kd (d), KEY ke (a, d))",
    ),
    (
        "unique_classes",
        "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, b int, c varchar(50) NOT NULL, UNIQUE KEY ub (b), KEY k (a))",
        "CREATE TABLE t (id int PRIMARY KEY, a int NOT NULL, b int, c varchar(50) NOT NULL, UNIQUE KEY ub (b), UNIQUE KEY uc (c(10)), \
           UNIQUE KEY ua (a), KEY k (a))",
    ),
    (
        "charset_and_type_in_one_table",
        "CREATE TABLE t (id int PRIMARY KEY, name varchar(20), note text, n int) DEFAULT CHARSET=latin1",
        "CREATE TABLE t (id bigint PRIMARY KEY, name varchar(40) NOT NULL DEFAULT '', note text, n bigint) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    ),
    (
        "generated_over_retyped_column",
        "CREATE TABLE t (id int PRIMARY KEY, price int, qty int, total int AS (price * qty) STORED)",
        "CREATE TABLE t (id int PRIMARY KEY, price decimal(10,2), qty int, total decimal(12,2) AS (price * qty) STORED, KEY t_total (total))",
    ),
];

/// An application schema as framework migrations write it (Laravel style).
pub const APP_V1: &str = "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT, name varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL, \
  email varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL, email_verified_at timestamp NULL DEFAULT NULL, \
  password varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL, remember_token varchar(100) COLLATE utf8mb4_unicode_ci DEFAULT NULL, \
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, PRIMARY KEY (id), UNIQUE KEY users_email_unique (email)) \
  ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n\
CREATE TABLE posts (id bigint unsigned NOT NULL AUTO_INCREMENT, user_id bigint unsigned NOT NULL, title varchar(255) NOT NULL, \
  slug varchar(255) NOT NULL, body longtext NOT NULL, published tinyint(1) NOT NULL DEFAULT 0, created_at timestamp NULL DEFAULT NULL, \
  updated_at timestamp NULL DEFAULT NULL, PRIMARY KEY (id), UNIQUE KEY posts_slug_unique (slug), KEY posts_user_id_foreign (user_id), \
  CONSTRAINT posts_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n\
CREATE TABLE tags (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n\
CREATE TABLE post_tag (post_id bigint unsigned NOT NULL, tag_id int unsigned NOT NULL, PRIMARY KEY (post_id, tag_id), KEY post_tag_tag_id_foreign (tag_id), \
  CONSTRAINT post_tag_post_id_foreign FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE, \
  CONSTRAINT post_tag_tag_id_foreign FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n\
CREATE TABLE password_resets (email varchar(255) NOT NULL, token varchar(255) NOT NULL, created_at timestamp NULL DEFAULT NULL, \
  KEY password_resets_email_index (email)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

/// The next release: soft deletes, a comments table, renamed and retyped
/// columns, a dropped table, new keys.
pub const APP_V2: &str = "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT, name varchar(191) COLLATE utf8mb4_unicode_ci NOT NULL, \
  email varchar(191) COLLATE utf8mb4_unicode_ci NOT NULL, email_verified_at timestamp NULL DEFAULT NULL, \
  password varchar(255) COLLATE utf8mb4_unicode_ci NOT NULL, role enum('user','admin') NOT NULL DEFAULT 'user', \
  remember_token varchar(100) COLLATE utf8mb4_unicode_ci DEFAULT NULL, \
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL, PRIMARY KEY (id), \
  UNIQUE KEY users_email_unique (email), KEY users_deleted_at_index (deleted_at)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n\
CREATE TABLE posts (id bigint unsigned NOT NULL AUTO_INCREMENT, user_id bigint unsigned DEFAULT NULL, title varchar(200) NOT NULL, \
  slug varchar(191) NOT NULL, excerpt text, body longtext NOT NULL, published_at datetime DEFAULT NULL, views int unsigned NOT NULL DEFAULT 0, \
  created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, PRIMARY KEY (id), UNIQUE KEY posts_slug_unique (slug), \
  KEY posts_user_id_foreign (user_id), KEY posts_published_at_index (published_at), FULLTEXT KEY posts_title_body_fulltext (title, body), \
  CONSTRAINT posts_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n\
CREATE TABLE tags (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL, UNIQUE KEY tags_name_unique (name)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n\
CREATE TABLE post_tag (post_id bigint unsigned NOT NULL, tag_id int unsigned NOT NULL, PRIMARY KEY (post_id, tag_id), KEY post_tag_tag_id_foreign (tag_id), \
  CONSTRAINT post_tag_post_id_foreign FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE, \
  CONSTRAINT post_tag_tag_id_foreign FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n\
CREATE TABLE comments (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, post_id bigint unsigned NOT NULL, user_id bigint unsigned DEFAULT NULL, \
  parent_id bigint unsigned DEFAULT NULL, body text NOT NULL, created_at timestamp NULL DEFAULT NULL, \
  CONSTRAINT comments_post_id_foreign FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE, \
  CONSTRAINT comments_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL, \
  CONSTRAINT comments_parent_id_foreign FOREIGN KEY (parent_id) REFERENCES comments (id) ON DELETE CASCADE) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n\
CREATE VIEW published_posts AS SELECT p.id, p.title, u.name AS author FROM posts p LEFT JOIN users u ON u.id = p.user_id WHERE p.published_at IS NOT NULL";

/// Changes as real projects' migration histories and schema dumps write them
/// (Laravel, Rails, Django, mysqldump, phpMyAdmin, Navicat): explicit index
/// algorithms, partitioning, charset conversions, framework defaults, keys
/// under foreign keys, dependent views and triggers, table options.
pub const WILD_CASES: &[(&str, &str, &str)] = &[
    (
        "dump_keys_using_btree_kept",
        "CREATE TABLE `users` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `email` varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,\n  \
           `name` varchar(100) DEFAULT NULL,\n  PRIMARY KEY (`id`) USING BTREE,\n  UNIQUE KEY `email` (`email`) USING BTREE,\n  KEY `name` (`name`) USING BTREE\n) \
           ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci ROW_FORMAT=DYNAMIC",
        "CREATE TABLE `users` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `email` varchar(191) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,\n  \
           `name` varchar(150) DEFAULT NULL,\n  `phone` varchar(20) DEFAULT NULL,\n  PRIMARY KEY (`id`) USING BTREE,\n  UNIQUE KEY `email` (`email`) USING BTREE,\n  \
           KEY `name` (`name`) USING BTREE\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci ROW_FORMAT=DYNAMIC",
    ),
    (
        "index_comments",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b varchar(20), KEY ka (a) COMMENT 'old', KEY kb (b))",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b varchar(20), KEY ka (a) COMMENT 'it''s \"new\"', KEY kb (b) COMMENT 'lookup by b', \
           UNIQUE KEY ub (b, a) COMMENT 'uniq')",
    ),
    (
        "partition_by_range_added",
        "CREATE TABLE logs (id bigint NOT NULL, created date NOT NULL, msg text, PRIMARY KEY (id, created))",
        "CREATE TABLE logs (id bigint NOT NULL, created date NOT NULL, msg text, PRIMARY KEY (id, created)) \
           PARTITION BY RANGE (year(created)) (PARTITION p2022 VALUES LESS THAN (2023), PARTITION p2023 VALUES LESS THAN (2024), \
           PARTITION pmax VALUES LESS THAN MAXVALUE)",
    ),
    (
        "partition_range_split",
        "CREATE TABLE logs (id bigint NOT NULL, created date NOT NULL, PRIMARY KEY (id, created)) \
           PARTITION BY RANGE (year(created)) (PARTITION p2022 VALUES LESS THAN (2023), PARTITION pmax VALUES LESS THAN MAXVALUE)",
        "CREATE TABLE logs (id bigint NOT NULL, created date NOT NULL, PRIMARY KEY (id, created)) \
           PARTITION BY RANGE (year(created)) (PARTITION p2022 VALUES LESS THAN (2023), PARTITION p2023 VALUES LESS THAN (2024), \
           PARTITION p2024 VALUES LESS THAN (2025), PARTITION pmax VALUES LESS THAN MAXVALUE)",
    ),
    (
        "partition_removed",
        "CREATE TABLE m (id int NOT NULL, k int NOT NULL, PRIMARY KEY (id, k)) PARTITION BY HASH (k) PARTITIONS 4",
        "CREATE TABLE m (id int NOT NULL, k int NOT NULL, v int, PRIMARY KEY (id, k))",
    ),
    (
        "partition_hash_to_key",
        "CREATE TABLE m (id int NOT NULL PRIMARY KEY, a int) PARTITION BY HASH (id) PARTITIONS 4",
        "CREATE TABLE m (id int NOT NULL PRIMARY KEY, a int) PARTITION BY KEY (id) PARTITIONS 8",
    ),
    (
        "partition_list_columns",
        "CREATE TABLE sales (id int NOT NULL, region varchar(5) NOT NULL, amount decimal(10,2), PRIMARY KEY (id, region)) \
           PARTITION BY LIST COLUMNS (region) (PARTITION peu VALUES IN ('eu', 'uk'), PARTITION pus VALUES IN ('us'))",
        "CREATE TABLE sales (id int NOT NULL, region varchar(5) NOT NULL, amount decimal(12,2), PRIMARY KEY (id, region)) \
           PARTITION BY LIST COLUMNS (region) (PARTITION peu VALUES IN ('eu', 'uk', 'de') COMMENT 'europe', PARTITION pus VALUES IN ('us', 'ca'), \
           PARTITION pasia VALUES IN ('jp'))",
    ),
    (
        "partitioned_tables_created_and_dropped",
        "CREATE TABLE old_events (id int NOT NULL, d datetime NOT NULL, PRIMARY KEY (id, d)) \
           PARTITION BY RANGE COLUMNS (d) (PARTITION a VALUES LESS THAN ('2020-01-01'), PARTITION b VALUES LESS THAN (MAXVALUE))",
        "CREATE TABLE events (id int NOT NULL, d datetime NOT NULL, kind tinyint NOT NULL, PRIMARY KEY (id, d, kind)) \
           PARTITION BY RANGE COLUMNS (d) SUBPARTITION BY HASH (kind) SUBPARTITIONS 2 \
           (PARTITION a VALUES LESS THAN ('2020-01-01'), PARTITION b VALUES LESS THAN (MAXVALUE));\n\
         CREATE TABLE buckets (id int NOT NULL PRIMARY KEY) PARTITION BY LINEAR HASH (id) PARTITIONS 3;\n\
         CREATE TABLE named (id int NOT NULL PRIMARY KEY) PARTITION BY KEY () (PARTITION first, PARTITION second)",
    ),
    (
        "table_charset_utf8_to_utf8mb4",
        "CREATE TABLE posts (id int PRIMARY KEY, title varchar(191) NOT NULL, body text, state enum('a','b') DEFAULT 'a', \
           tags set('x','y'), code char(4) CHARACTER SET ascii, KEY title (title)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3",
        "CREATE TABLE posts (id int PRIMARY KEY, title varchar(191) NOT NULL, body text, state enum('a','b') DEFAULT 'a', \
           tags set('x','y'), code char(4) CHARACTER SET ascii, KEY title (title)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    ),
    (
        "table_collation_only",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(50), b mediumtext, UNIQUE KEY ua (a)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(50), b mediumtext, UNIQUE KEY ua (a)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci",
    ),
    (
        "column_charset_changes",
        "CREATE TABLE t (id int PRIMARY KEY, legacy varchar(40) CHARACTER SET latin1, token char(32) CHARACTER SET ascii COLLATE ascii_bin, \
           name varchar(20) COLLATE utf8mb4_bin) DEFAULT CHARSET=utf8mb4",
        "CREATE TABLE t (id int PRIMARY KEY, legacy varchar(40), token char(32) CHARACTER SET latin1 COLLATE latin1_bin, \
           name varchar(20) COLLATE utf8mb4_unicode_ci) DEFAULT CHARSET=utf8mb4",
    ),
    (
        "enum_appended_and_reordered",
        "CREATE TABLE orders (id int PRIMARY KEY, status enum('pending','paid','shipped') NOT NULL DEFAULT 'pending', \
           channel enum('web','app') DEFAULT NULL, perms set('read','write'))",
        "CREATE TABLE orders (id int PRIMARY KEY, status enum('pending','paid','shipped','refunded','cancelled') NOT NULL DEFAULT 'pending', \
           channel enum('app','web','pos') DEFAULT 'web', perms set('write','read','admin') NOT NULL DEFAULT 'read')",
    ),
    (
        "text_sizes",
        "CREATE TABLE t (id int PRIMARY KEY, a text, b mediumtext NOT NULL, c longtext, d tinytext, e blob)",
        "CREATE TABLE t (id int PRIMARY KEY, a mediumtext, b longtext NOT NULL, c text, d text, e longblob)",
    ),
    (
        "varchar_lengths_under_indexes",
        "CREATE TABLE t (id int PRIMARY KEY, email varchar(255) NOT NULL, slug varchar(100) NOT NULL, title varchar(255), \
           KEY email (email(191)), UNIQUE KEY slug (slug), KEY title (title(50)))",
        "CREATE TABLE t (id int PRIMARY KEY, email varchar(500) NOT NULL, slug varchar(191) NOT NULL, title varchar(100), \
           KEY email (email(191)), UNIQUE KEY slug (slug), KEY title (title))",
    ),
    (
        "null_to_not_null_with_default",
        "CREATE TABLE t (id int PRIMARY KEY, qty int, name varchar(20), active tinyint(1), price decimal(8,2))",
        "CREATE TABLE t (id int PRIMARY KEY, qty int NOT NULL DEFAULT 0, name varchar(20) NOT NULL DEFAULT '', \
           active tinyint(1) NOT NULL DEFAULT 1, price decimal(8,2) NOT NULL DEFAULT 0.00)",
    ),
    (
        "laravel_timestamps_to_current",
        "CREATE TABLE t (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, created_at timestamp NULL DEFAULT NULL, \
           updated_at timestamp NULL DEFAULT NULL, seen datetime DEFAULT NULL)",
        "CREATE TABLE t (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, created_at timestamp NOT NULL DEFAULT current_timestamp(), \
           updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(), seen datetime(6) DEFAULT now(6) ON UPDATE now(6), \
           born date DEFAULT NULL)",
    ),
    (
        "default_expressions",
        "CREATE TABLE t (id int PRIMARY KEY, uid char(36), at datetime, doc longtext)",
        "CREATE TABLE t (id int PRIMARY KEY, uid char(36) DEFAULT (uuid()), at datetime DEFAULT (now()), doc longtext DEFAULT (json_object()), \
           due date DEFAULT (curdate() + interval 7 day), code varchar(10) DEFAULT (lower(hex(rand()))))",
    ),
    (
        "json_columns",
        "CREATE TABLE t (id int PRIMARY KEY, meta text, extra json)",
        "CREATE TABLE t (id int PRIMARY KEY, meta json, extra json NOT NULL DEFAULT (json_array()), settings json DEFAULT NULL, \
           CONSTRAINT settings_obj CHECK (json_type(settings) = 'OBJECT'))",
    ),
    (
        "json_back_to_text",
        "CREATE TABLE t (id int PRIMARY KEY, meta json, data json NOT NULL)",
        "CREATE TABLE t (id int PRIMARY KEY, meta text, data longtext NOT NULL)",
    ),
    (
        "composite_primary_key_changes",
        "CREATE TABLE memberships (user_id int NOT NULL, team_id int NOT NULL, role varchar(10) NOT NULL DEFAULT 'm', PRIMARY KEY (user_id));\n\
         CREATE TABLE pivot (a int NOT NULL, b int NOT NULL, c int NOT NULL, PRIMARY KEY (a, b, c))",
        "CREATE TABLE memberships (user_id int NOT NULL, team_id int NOT NULL, role varchar(10) NOT NULL DEFAULT 'm', PRIMARY KEY (user_id, team_id), KEY team (team_id));\n\
         CREATE TABLE pivot (a int NOT NULL, b int NOT NULL, c int NOT NULL, PRIMARY KEY (c, a))",
    ),
    (
        "auto_increment_to_surrogate_key",
        "CREATE TABLE t (code varchar(10) NOT NULL, n int NOT NULL, PRIMARY KEY (code))",
        "CREATE TABLE t (id bigint unsigned NOT NULL AUTO_INCREMENT, code varchar(10) NOT NULL, n int NOT NULL, PRIMARY KEY (id), UNIQUE KEY code (code))",
    ),
    (
        "auto_increment_moved",
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT, seq int NOT NULL, PRIMARY KEY (id), UNIQUE KEY seq (seq))",
        "CREATE TABLE t (id int NOT NULL, seq int NOT NULL AUTO_INCREMENT, PRIMARY KEY (id), UNIQUE KEY seq (seq))",
    ),
    (
        "unsigned_and_zerofill_flips",
        "CREATE TABLE t (id int unsigned NOT NULL PRIMARY KEY, a int, b smallint(5) unsigned zerofill, c bigint unsigned, d tinyint(3) unsigned)",
        "CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int unsigned, b smallint unsigned, c bigint(20) unsigned zerofill, d tinyint(4))",
    ),
    (
        "decimal_precision",
        "CREATE TABLE t (id int PRIMARY KEY, price decimal(8,2) NOT NULL DEFAULT 0.00, rate decimal(5,4), amount decimal(10,0))",
        "CREATE TABLE t (id int PRIMARY KEY, price decimal(12,4) NOT NULL DEFAULT 0.0000, rate decimal(7,6) DEFAULT 0.5, amount decimal(20,2) unsigned)",
    ),
    (
        "bit_defaults",
        "CREATE TABLE t (id int PRIMARY KEY, flag bit(1) NOT NULL DEFAULT b'0', mask bit(8) DEFAULT NULL)",
        "CREATE TABLE t (id int PRIMARY KEY, flag bit(1) NOT NULL DEFAULT b'1', mask bit(16) DEFAULT b'1010', other bit(2) DEFAULT b'11')",
    ),
    (
        "fk_actions_changed",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE posts (id int PRIMARY KEY, user_id int, editor_id int, \
           CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id), \
           CONSTRAINT posts_editor FOREIGN KEY (editor_id) REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE)",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE posts (id int PRIMARY KEY, user_id int, editor_id int, \
           CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE, \
           CONSTRAINT posts_editor FOREIGN KEY (editor_id) REFERENCES users (id) ON DELETE NO ACTION)",
    ),
    (
        "laravel_foreign_with_index",
        "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT, PRIMARY KEY (id));\n\
         CREATE TABLE posts (id bigint unsigned NOT NULL AUTO_INCREMENT, title varchar(255) NOT NULL, PRIMARY KEY (id))",
        "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT, PRIMARY KEY (id));\n\
         CREATE TABLE posts (id bigint unsigned NOT NULL AUTO_INCREMENT, title varchar(255) NOT NULL, user_id bigint unsigned NOT NULL, \
           PRIMARY KEY (id), KEY posts_user_id_foreign (user_id), \
           CONSTRAINT posts_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
    ),
    (
        "fk_added_without_index",
        "CREATE TABLE a (id int PRIMARY KEY);\n\
         CREATE TABLE b (id int PRIMARY KEY, a_id int, x int)",
        "CREATE TABLE a (id int PRIMARY KEY);\n\
         CREATE TABLE b (id int PRIMARY KEY, a_id int, x int, CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id))",
    ),
    (
        "django_fk_names",
        "CREATE TABLE auth_user (id integer AUTO_INCREMENT NOT NULL PRIMARY KEY, username varchar(150) NOT NULL UNIQUE);\n\
         CREATE TABLE blog_entry (id bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, headline varchar(255) NOT NULL)",
        "CREATE TABLE auth_user (id integer AUTO_INCREMENT NOT NULL PRIMARY KEY, username varchar(150) NOT NULL UNIQUE);\n\
         CREATE TABLE blog_entry (id bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, headline varchar(255) NOT NULL, author_id integer NOT NULL, \
           pub_date datetime(6) NOT NULL);\n\
         ALTER TABLE blog_entry ADD CONSTRAINT blog_entry_author_id_5ff7d5f6_fk_auth_user_id FOREIGN KEY (author_id) REFERENCES auth_user (id);\n\
         CREATE INDEX blog_entry_pub_date_7f2b0f4e ON blog_entry (pub_date)",
    ),
    (
        "self_reference_action_changed",
        "CREATE TABLE categories (id int PRIMARY KEY, parent_id int, KEY parent (parent_id), \
           CONSTRAINT categories_parent FOREIGN KEY (parent_id) REFERENCES categories (id))",
        "CREATE TABLE categories (id int PRIMARY KEY, parent_id int, lft int NOT NULL DEFAULT 0, KEY parent (parent_id), \
           CONSTRAINT categories_parent FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE CASCADE)",
    ),
    (
        "drop_column_with_its_fk_and_index",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE posts (id int PRIMARY KEY, user_id int, title varchar(10), KEY posts_user_title (user_id, title), \
           CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id))",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE posts (id int PRIMARY KEY, title varchar(10), KEY posts_title (title))",
    ),
    (
        "columns_moved_first_and_after",
        "CREATE TABLE t (name varchar(20), id int NOT NULL, email varchar(50), created_at datetime, PRIMARY KEY (id))",
        "CREATE TABLE t (id int NOT NULL, email varchar(50), name varchar(20), updated_at datetime, created_at datetime, PRIMARY KEY (id))",
    ),
    (
        "invisible_flips",
        "CREATE TABLE t (id int PRIMARY KEY, a int INVISIBLE, b int, c int DEFAULT 5 INVISIBLE)",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int INVISIBLE, c int DEFAULT 6 INVISIBLE)",
    ),
    (
        "ignored_index_flips",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY ka (a) IGNORED, KEY kb (b))",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY ka (a), KEY kb (b) IGNORED)",
    ),
    (
        "spatial_added_and_dropped",
        "CREATE TABLE places (id int PRIMARY KEY, loc point NOT NULL, area polygon NOT NULL, SPATIAL KEY area (area))",
        "CREATE TABLE places (id int PRIMARY KEY, loc point NOT NULL, area polygon NOT NULL, SPATIAL KEY loc (loc))",
    ),
    (
        "fulltext_changed",
        "CREATE TABLE articles (id int PRIMARY KEY, title varchar(200), body text, FULLTEXT KEY ft (title, body), FULLTEXT KEY ft_body (body))",
        "CREATE TABLE articles (id int PRIMARY KEY, title varchar(200), body text, summary text, FULLTEXT KEY ft (title, body, summary))",
    ),
    (
        "generated_columns_with_indexes",
        "CREATE TABLE t (id int PRIMARY KEY, first varchar(20), last varchar(20), full varchar(41) AS (concat(first, ' ', last)) VIRTUAL, KEY full (full))",
        "CREATE TABLE t (id int PRIMARY KEY, first varchar(20), last varchar(20), full varchar(41) AS (concat(last, ', ', first)) VIRTUAL, \
           initials char(2) AS (concat(left(first, 1), left(last, 1))) STORED, KEY full (full), KEY initials (initials))",
    ),
    (
        "checks_named_and_unnamed",
        "CREATE TABLE t (id int PRIMARY KEY, age int, score int CHECK (score >= 0), CONSTRAINT age_ok CHECK (age >= 0), CHECK (id > 0))",
        "CREATE TABLE t (id int PRIMARY KEY, age int, score int CHECK (score between 0 and 100), CONSTRAINT age_ok CHECK (age >= 18), \
           CONSTRAINT score_age CHECK (score < age + 100))",
    ),
    (
        "checks_dropped",
        "CREATE TABLE t (id int PRIMARY KEY, a int CHECK (a > 0), b int, CONSTRAINT b_pos CHECK (b > 0), CHECK (a <> b))",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int)",
    ),
    (
        "view_algorithm_security_check_option",
        "CREATE TABLE t (id int PRIMARY KEY, a int, secret varchar(10));\n\
         CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW v_pub AS SELECT id, a FROM t WHERE a > 0 WITH CASCADED CHECK OPTION;\n\
         CREATE VIEW v_sum AS SELECT count(*) AS n FROM t",
        "CREATE TABLE t (id int PRIMARY KEY, a int, secret varchar(10));\n\
         CREATE ALGORITHM=TEMPTABLE SQL SECURITY DEFINER VIEW v_pub AS SELECT id, a FROM t WHERE a > 0;\n\
         CREATE ALGORITHM=UNDEFINED SQL SECURITY INVOKER VIEW v_sum AS SELECT count(*) AS n, max(a) AS top FROM t",
    ),
    (
        "views_over_views",
        "CREATE TABLE orders (id int PRIMARY KEY, total int, status varchar(10));\n\
         CREATE VIEW paid AS SELECT id, total FROM orders WHERE status = 'paid';\n\
         CREATE VIEW big_paid AS SELECT id FROM paid WHERE total > 100;\n\
         CREATE VIEW big_paid_count AS SELECT count(*) AS n FROM big_paid",
        "CREATE TABLE orders (id int PRIMARY KEY, total decimal(10,2), status varchar(10), customer int);\n\
         CREATE VIEW paid AS SELECT id, total, customer FROM orders WHERE status IN ('paid', 'shipped');\n\
         CREATE VIEW big_paid AS SELECT id, customer FROM paid WHERE total > 100;\n\
         CREATE VIEW big_paid_count AS SELECT customer, count(*) AS n FROM big_paid GROUP BY customer",
    ),
    (
        "view_with_column_list",
        "CREATE TABLE t (id int PRIMARY KEY, a int)",
        "CREATE TABLE t (id int PRIMARY KEY, a int);\n\
         CREATE VIEW v (ident, value) AS SELECT id, a FROM t",
    ),
    (
        "triggers_follows_precedes",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int);\n\
         CREATE TRIGGER t_bi1 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int);\n\
         CREATE TRIGGER t_bi1 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;\n\
         CREATE TRIGGER t_bi0 BEFORE INSERT ON t FOR EACH ROW PRECEDES t_bi1 SET NEW.b = 2;\n\
         CREATE TRIGGER t_bi2 BEFORE INSERT ON t FOR EACH ROW FOLLOWS t_bi1 SET NEW.c = 3;\n\
         CREATE TRIGGER t_au AFTER UPDATE ON t FOR EACH ROW SET @last = NEW.id;\n\
         CREATE TRIGGER t_bd BEFORE DELETE ON t FOR EACH ROW SET @gone = OLD.id",
    ),
    (
        "trigger_audit_tables",
        "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL DEFAULT 0)",
        "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL DEFAULT 0);\n\
         CREATE TABLE accounts_audit (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, account_id int NOT NULL, delta int NOT NULL, \
           at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP);\n\
         CREATE TRIGGER accounts_au AFTER UPDATE ON accounts FOR EACH ROW BEGIN \
           IF NEW.balance <> OLD.balance THEN INSERT INTO accounts_audit (account_id, delta) VALUES (NEW.id, NEW.balance - OLD.balance); END IF; END",
    ),
    (
        "system_versioning_added",
        "CREATE TABLE prices (id int PRIMARY KEY, amount int);\n\
         CREATE TABLE history (id int PRIMARY KEY, v int) WITH SYSTEM VERSIONING",
        "CREATE TABLE prices (id int PRIMARY KEY, amount int) WITH SYSTEM VERSIONING;\n\
         CREATE TABLE history (id int PRIMARY KEY, v int, w int) WITH SYSTEM VERSIONING;\n\
         CREATE TABLE fresh (id int PRIMARY KEY) WITH SYSTEM VERSIONING",
    ),
    (
        "engine_myisam_to_innodb_with_fk",
        "CREATE TABLE users (id int NOT NULL AUTO_INCREMENT PRIMARY KEY) ENGINE=MyISAM;\n\
         CREATE TABLE posts (id int PRIMARY KEY, user_id int, KEY user_id (user_id)) ENGINE=MyISAM",
        "CREATE TABLE users (id int NOT NULL AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;\n\
         CREATE TABLE posts (id int PRIMARY KEY, user_id int, KEY user_id (user_id), \
           CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE=InnoDB",
    ),
    (
        "row_format_and_stats_options",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=InnoDB ROW_FORMAT=COMPACT;\n\
         CREATE TABLE u (id int PRIMARY KEY) STATS_PERSISTENT=0 STATS_AUTO_RECALC=0 STATS_SAMPLE_PAGES=20",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=InnoDB ROW_FORMAT=DYNAMIC STATS_PERSISTENT=1;\n\
         CREATE TABLE u (id int PRIMARY KEY) STATS_AUTO_RECALC=1",
    ),
    (
        "myisam_options",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(20)) ENGINE=MyISAM PACK_KEYS=1",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(20)) ENGINE=MyISAM PACK_KEYS=0 DELAY_KEY_WRITE=1 CHECKSUM=1 ROW_FORMAT=FIXED",
    ),
    (
        "comments_with_quotes",
        "CREATE TABLE t (id int PRIMARY KEY COMMENT 'primary', a int COMMENT 'x') COMMENT='Users'' table'",
        "CREATE TABLE t (id int PRIMARY KEY COMMENT 'the \"primary\" key', a int COMMENT 'it''s a \\\\ path', b int COMMENT 'C:\\\\dir') \
           COMMENT='Users'' table \"v2\" \\\\ all'",
    ),
    (
        "auto_increment_counter_in_dump",
        "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `a` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) \
           ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci",
        "CREATE TABLE `t` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `a` int(11) DEFAULT NULL,\n  `b` int(11) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) \
           ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n\
         CREATE TABLE `n` (\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=latin1",
    ),
    (
        "tables_with_fks_created_and_dropped",
        "CREATE TABLE authors (id int PRIMARY KEY);\n\
         CREATE TABLE books (id int PRIMARY KEY, author_id int, CONSTRAINT books_author FOREIGN KEY (author_id) REFERENCES authors (id));\n\
         CREATE TABLE reviews (id int PRIMARY KEY, book_id int, CONSTRAINT reviews_book FOREIGN KEY (book_id) REFERENCES books (id) ON DELETE CASCADE)",
        "CREATE TABLE writers (id int PRIMARY KEY, name varchar(50));\n\
         CREATE TABLE works (id int PRIMARY KEY, writer_id int, sequel_of int, \
           CONSTRAINT works_writer FOREIGN KEY (writer_id) REFERENCES writers (id), \
           CONSTRAINT works_sequel FOREIGN KEY (sequel_of) REFERENCES works (id));\n\
         CREATE TABLE works_writers (work_id int NOT NULL, writer_id int NOT NULL, PRIMARY KEY (work_id, writer_id), \
           CONSTRAINT ww_work FOREIGN KEY (work_id) REFERENCES works (id) ON DELETE CASCADE, \
           CONSTRAINT ww_writer FOREIGN KEY (writer_id) REFERENCES writers (id) ON DELETE CASCADE)",
    ),
    (
        "column_renamed_as_drop_add",
        "CREATE TABLE t (id int PRIMARY KEY, fullname varchar(100) NOT NULL, KEY fullname (fullname))",
        "CREATE TABLE t (id int PRIMARY KEY, display_name varchar(100) NOT NULL DEFAULT '', KEY display_name (display_name))",
    ),
    (
        "table_renamed_as_drop_add",
        "CREATE TABLE user_profile (id int PRIMARY KEY, bio text);\n\
         CREATE VIEW v AS SELECT id FROM user_profile",
        "CREATE TABLE profiles (id int PRIMARY KEY, bio text);\n\
         CREATE VIEW v AS SELECT id FROM profiles",
    ),
    (
        "rails_schema_release",
        "CREATE TABLE users (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(255) DEFAULT '' NOT NULL, \
           created_at datetime(6) NOT NULL, updated_at datetime(6) NOT NULL, UNIQUE KEY index_users_on_email (email))",
        "CREATE TABLE users (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(255) DEFAULT '' NOT NULL, \
           encrypted_password varchar(255) DEFAULT '' NOT NULL, reset_password_token varchar(255), sign_in_count int DEFAULT 0 NOT NULL, \
           created_at datetime(6) NOT NULL, updated_at datetime(6) NOT NULL, UNIQUE KEY index_users_on_email (email), \
           UNIQUE KEY index_users_on_reset_password_token (reset_password_token));\n\
         CREATE TABLE active_storage_blobs (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `key` varchar(255) NOT NULL, \
           filename varchar(255) NOT NULL, metadata text, byte_size bigint NOT NULL, checksum varchar(255), created_at datetime(6) NOT NULL, \
           UNIQUE KEY index_active_storage_blobs_on_key (`key`));\n\
         CREATE TABLE active_storage_attachments (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(255) NOT NULL, \
           record_type varchar(255) NOT NULL, record_id bigint NOT NULL, blob_id bigint NOT NULL, created_at datetime(6) NOT NULL, \
           KEY index_active_storage_attachments_on_blob_id (blob_id), \
           UNIQUE KEY index_active_storage_attachments_uniqueness (record_type, record_id, name, blob_id), \
           CONSTRAINT fk_rails_c3b3935057 FOREIGN KEY (blob_id) REFERENCES active_storage_blobs (id))",
    ),
    (
        "phpmyadmin_export_style",
        "CREATE TABLE `wp_posts` (\n  `ID` bigint(20) UNSIGNED NOT NULL,\n  `post_author` bigint(20) UNSIGNED NOT NULL DEFAULT 0,\n  \
           `post_title` text NOT NULL,\n  `post_status` varchar(20) NOT NULL DEFAULT 'publish'\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n\
         ALTER TABLE `wp_posts`\n  ADD PRIMARY KEY (`ID`),\n  ADD KEY `post_author` (`post_author`);\n\
         ALTER TABLE `wp_posts`\n  MODIFY `ID` bigint(20) UNSIGNED NOT NULL AUTO_INCREMENT, AUTO_INCREMENT=12",
        "CREATE TABLE `wp_posts` (\n  `ID` bigint(20) UNSIGNED NOT NULL,\n  `post_author` bigint(20) UNSIGNED NOT NULL DEFAULT 0,\n  \
           `post_date` datetime NOT NULL DEFAULT '0000-00-00 00:00:00',\n  `post_title` text NOT NULL,\n  \
           `post_status` varchar(20) NOT NULL DEFAULT 'publish',\n  `post_name` varchar(200) NOT NULL DEFAULT ''\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_520_ci;\n\
         ALTER TABLE `wp_posts`\n  ADD PRIMARY KEY (`ID`),\n  ADD KEY `post_name` (`post_name`(191)),\n  ADD KEY `type_status_date` (`post_status`,`post_date`,`ID`),\n  \
           ADD KEY `post_author` (`post_author`);\n\
         ALTER TABLE `wp_posts`\n  MODIFY `ID` bigint(20) UNSIGNED NOT NULL AUTO_INCREMENT, AUTO_INCREMENT=12",
    ),
    (
        "navicat_dump_style",
        "CREATE TABLE `sys_user` (\n  `user_id` bigint(20) NOT NULL AUTO_INCREMENT COMMENT '用户ID',\n  \
           `user_name` varchar(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL COMMENT '用户账号',\n  \
           `del_flag` char(1) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT '0' COMMENT '删除标志',\n  \
           `create_time` datetime NULL DEFAULT NULL COMMENT '创建时间',\n  PRIMARY KEY (`user_id`) USING BTREE\n) \
           ENGINE = InnoDB AUTO_INCREMENT = 100 CHARACTER SET = utf8mb4 COLLATE = utf8mb4_general_ci COMMENT = '用户信息表' ROW_FORMAT = Dynamic",
        "CREATE TABLE `sys_user` (\n  `user_id` bigint(20) NOT NULL AUTO_INCREMENT COMMENT '用户ID',\n  \
           `user_name` varchar(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL COMMENT '用户账号',\n  \
           `nick_name` varchar(30) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL DEFAULT '' COMMENT '用户昵称',\n  \
           `del_flag` char(1) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NULL DEFAULT '0' COMMENT '删除标志（0代表存在 2代表删除）',\n  \
           `create_time` datetime NULL DEFAULT NULL COMMENT '创建时间',\n  PRIMARY KEY (`user_id`) USING BTREE\n) \
           ENGINE = InnoDB AUTO_INCREMENT = 100 CHARACTER SET = utf8mb4 COLLATE = utf8mb4_general_ci COMMENT = '用户信息表' ROW_FORMAT = Dynamic",
    ),
    (
        "display_widths_from_old_dump",
        "CREATE TABLE t (id int(11) NOT NULL, a tinyint(4) DEFAULT NULL, b smallint(6), c bigint(20) unsigned, d year(4), e tinyint(1) DEFAULT 0, PRIMARY KEY (id))",
        "CREATE TABLE t (id int NOT NULL, a tinyint DEFAULT NULL, b smallint, c bigint unsigned, d year, e tinyint(1) DEFAULT 1, PRIMARY KEY (id))",
    ),
    (
        "float_double_changes",
        "CREATE TABLE t (id int PRIMARY KEY, lat float, lng float, score double, ratio float(10,4))",
        "CREATE TABLE t (id int PRIMARY KEY, lat decimal(10,8), lng decimal(11,8), score double(16,4) NOT NULL DEFAULT 0, ratio double)",
    ),
    (
        "char_varchar_binary",
        "CREATE TABLE t (id int PRIMARY KEY, code char(8), hash char(64), raw binary(16), token varchar(40))",
        "CREATE TABLE t (id int PRIMARY KEY, code varchar(8), hash binary(32), raw varbinary(32), token char(40) NOT NULL DEFAULT '')",
    ),
    (
        "unique_widened_to_composite",
        "CREATE TABLE t (id int PRIMARY KEY, tenant int NOT NULL, email varchar(100) NOT NULL, UNIQUE KEY email (email))",
        "CREATE TABLE t (id int PRIMARY KEY, tenant int NOT NULL, email varchar(100) NOT NULL, UNIQUE KEY email (tenant, email), KEY tenant_desc (tenant DESC, id))",
    ),
    (
        "comments_changed_and_removed",
        "CREATE TABLE t (id int PRIMARY KEY COMMENT 'id', a int COMMENT 'alpha', b int) COMMENT='old table'",
        "CREATE TABLE t (id int PRIMARY KEY, a int COMMENT 'Alpha', b int COMMENT 'beta')",
    ),
    (
        "index_replaced_under_fk",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE posts (id int PRIMARY KEY, user_id int, created date, KEY posts_user (user_id), \
           CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id))",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE posts (id int PRIMARY KEY, user_id int, created date, KEY posts_user_created (user_id, created), \
           CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id))",
    ),
    (
        "fk_dropped_index_kept",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE posts (id int PRIMARY KEY, user_id int, KEY posts_user_id_foreign (user_id), \
           CONSTRAINT posts_user_id_foreign FOREIGN KEY (user_id) REFERENCES users (id))",
        "CREATE TABLE users (id int PRIMARY KEY);\n\
         CREATE TABLE posts (id int PRIMARY KEY, user_id int, KEY posts_user_id_foreign (user_id))",
    ),
    (
        "retyped_both_sides_of_fk",
        "CREATE TABLE teams (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);\n\
         CREATE TABLE players (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, team_id int unsigned NOT NULL, \
           CONSTRAINT players_team FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE)",
        "CREATE TABLE teams (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);\n\
         CREATE TABLE players (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, team_id bigint unsigned NOT NULL, \
           CONSTRAINT players_team FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE)",
    ),
    (
        "utf8mb3_column_in_utf8mb4_table",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(30) CHARACTER SET utf8mb3, b varchar(30)) DEFAULT CHARSET=utf8mb4",
        "CREATE TABLE t (id int PRIMARY KEY, a varchar(30), b varchar(30) CHARACTER SET utf8mb3 COLLATE utf8mb3_unicode_ci) DEFAULT CHARSET=utf8mb4",
    ),
    (
        "memory_engine_table",
        "CREATE TABLE cache (k varchar(64) NOT NULL PRIMARY KEY, v varchar(255)) ENGINE=InnoDB",
        "CREATE TABLE cache (k varchar(64) NOT NULL PRIMARY KEY, v varchar(255), exp int, KEY exp (exp)) ENGINE=MEMORY",
    ),
    (
        "text_defaults_and_blob",
        "CREATE TABLE t (id int PRIMARY KEY, note text, data blob)",
        "CREATE TABLE t (id int PRIMARY KEY, note text NOT NULL DEFAULT '', data blob DEFAULT NULL, extra mediumtext DEFAULT 'none')",
    ),
    (
        "enum_default_changed",
        "CREATE TABLE t (id int PRIMARY KEY, kind enum('a','b','c') NOT NULL DEFAULT 'a', size enum('S','M','L'))",
        "CREATE TABLE t (id int PRIMARY KEY, kind enum('a','b','c') NOT NULL DEFAULT 'c', size enum('S','M','L') NOT NULL DEFAULT 'M')",
    ),
    (
        "datetime_fsp_changes",
        "CREATE TABLE t (id int PRIMARY KEY, a datetime, b timestamp(3) NULL DEFAULT NULL, c time)",
        "CREATE TABLE t (id int PRIMARY KEY, a datetime(6), b timestamp(6) NULL DEFAULT CURRENT_TIMESTAMP(6), c time(3) NOT NULL DEFAULT '00:00:00.000')",
    ),
    (
        "primary_key_added_to_keyless_table",
        "CREATE TABLE t (a int NOT NULL, b varchar(10) NOT NULL, KEY a (a))",
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT, a int NOT NULL, b varchar(10) NOT NULL, PRIMARY KEY (id), KEY a (a))",
    ),
    (
        "primary_key_dropped",
        "CREATE TABLE t (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a, b))",
        "CREATE TABLE t (a int NOT NULL, b int NOT NULL, UNIQUE KEY ab (a, b))",
    ),
    (
        "polymorphic_morphs",
        "CREATE TABLE comments (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, body text NOT NULL)",
        "CREATE TABLE comments (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, body text NOT NULL, \
           commentable_type varchar(255) NOT NULL, commentable_id bigint unsigned NOT NULL, \
           KEY comments_commentable_type_commentable_id_index (commentable_type, commentable_id))",
    ),
    (
        "triggers_middle_modified_and_dropped",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int);\n\
         CREATE TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;\n\
         CREATE TRIGGER t2 BEFORE INSERT ON t FOR EACH ROW FOLLOWS t1 SET NEW.b = 2;\n\
         CREATE TRIGGER t3 BEFORE INSERT ON t FOR EACH ROW FOLLOWS t2 SET NEW.c = 3;\n\
         CREATE TRIGGER t4 BEFORE INSERT ON t FOR EACH ROW FOLLOWS t3 SET NEW.a = NEW.a + 1",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int);\n\
         CREATE TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;\n\
         CREATE TRIGGER t2 BEFORE INSERT ON t FOR EACH ROW FOLLOWS t1 SET NEW.b = 20;\n\
         CREATE TRIGGER t4 BEFORE INSERT ON t FOR EACH ROW FOLLOWS t2 SET NEW.a = NEW.a + 1;\n\
         CREATE TRIGGER t5 BEFORE INSERT ON t FOR EACH ROW FOLLOWS t4 SET NEW.c = 5",
    ),
    (
        "memory_keys_using_btree",
        "CREATE TABLE sessions (id char(32) NOT NULL, user_id int, PRIMARY KEY (id), KEY user_id (user_id)) ENGINE=MEMORY",
        "CREATE TABLE sessions (id char(32) NOT NULL, user_id int, seen int, PRIMARY KEY (id), KEY user_id (user_id) USING BTREE, \
           KEY seen (seen)) ENGINE=MEMORY",
    ),
    (
        "system_versioning_dropped",
        "CREATE TABLE t (id int PRIMARY KEY, a int) WITH SYSTEM VERSIONING;\n\
         CREATE TABLE gone (id int PRIMARY KEY) WITH SYSTEM VERSIONING",
        "CREATE TABLE t (id int PRIMARY KEY, a bigint)",
    ),
    (
        "partition_list_with_default",
        "CREATE TABLE s (id int NOT NULL, cc char(2) NOT NULL, PRIMARY KEY (id, cc))",
        "CREATE TABLE s (id int NOT NULL, cc char(2) NOT NULL, PRIMARY KEY (id, cc)) \
           PARTITION BY LIST COLUMNS (cc) (PARTITION p_eu VALUES IN ('de', 'fr'), PARTITION p_rest DEFAULT)",
    ),
    (
        "fk_action_changed_with_generated_key_between",
        "CREATE TABLE p (id int PRIMARY KEY);\n\
         CREATE TABLE c (id int PRIMARY KEY, a int, b int, d int, CONSTRAINT c_a FOREIGN KEY (a) REFERENCES p (id), KEY kb (b), KEY kd (d))",
        "CREATE TABLE p (id int PRIMARY KEY);\n\
         CREATE TABLE c (id int PRIMARY KEY, a int, b int, d int, CONSTRAINT c_a FOREIGN KEY (a) REFERENCES p (id) ON DELETE CASCADE, KEY kb (b), KEY kd (d))",
    ),
    (
        "ignored_index_and_new_key",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY ka (a), KEY kb (b))",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, KEY ka (a) IGNORED, KEY kb (b), KEY kc (c) IGNORED)",
    ),
];

/// Changes as framework migrations (Prisma, TypeORM, Hibernate, Django,
/// Rails, Laravel, MySQL Workbench) and dumps (mysqldump) write them, and
/// MariaDB-specific objects: type aliases, sequences, routines, compressed
/// columns, case-only renames, FK cycles, unnamed keys renumbered.
pub const FIELD_CASES: &[(&str, &str, &str)] = &[
    (
        "prisma_init_then_relation",
        r#"CREATE TABLE `User` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `email` VARCHAR(191) NOT NULL,
    `name` VARCHAR(191) NULL,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    UNIQUE INDEX `User_email_key`(`email`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"#,
        r#"CREATE TABLE `User` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `email` VARCHAR(191) NOT NULL,
    `name` VARCHAR(191) NULL,
    `role` ENUM('USER', 'ADMIN') NOT NULL DEFAULT 'USER',
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,
    UNIQUE INDEX `User_email_key`(`email`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Post` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `title` VARCHAR(191) NOT NULL,
    `content` TEXT NULL,
    `published` BOOLEAN NOT NULL DEFAULT false,
    `authorId` INTEGER NOT NULL,
    `price` DECIMAL(65, 30) NULL,
    `meta` JSON NULL,
    INDEX `Post_authorId_idx`(`authorId`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE `Post` ADD CONSTRAINT `Post_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES `User`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE"#,
    ),
    (
        "prisma_implicit_many_to_many_pkey",
        r#"CREATE TABLE `Post` (`id` INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Category` (`id` INTEGER NOT NULL AUTO_INCREMENT, `name` VARCHAR(191) NOT NULL, PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `_CategoryToPost` (
    `A` INTEGER NOT NULL,
    `B` INTEGER NOT NULL,
    UNIQUE INDEX `_CategoryToPost_AB_unique`(`A`, `B`),
    INDEX `_CategoryToPost_B_index`(`B`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE `_CategoryToPost` ADD CONSTRAINT `_CategoryToPost_A_fkey` FOREIGN KEY (`A`) REFERENCES `Category`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `_CategoryToPost` ADD CONSTRAINT `_CategoryToPost_B_fkey` FOREIGN KEY (`B`) REFERENCES `Post`(`id`) ON DELETE CASCADE ON UPDATE CASCADE"#,
        r#"CREATE TABLE `Post` (`id` INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `Category` (`id` INTEGER NOT NULL AUTO_INCREMENT, `name` VARCHAR(191) NOT NULL, PRIMARY KEY (`id`)) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE `_CategoryToPost` (
    `A` INTEGER NOT NULL,
    `B` INTEGER NOT NULL,
    UNIQUE INDEX `_CategoryToPost_AB_unique`(`A`, `B`),
    INDEX `_CategoryToPost_B_index`(`B`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER TABLE `_CategoryToPost` ADD CONSTRAINT `_CategoryToPost_A_fkey` FOREIGN KEY (`A`) REFERENCES `Category`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `_CategoryToPost` ADD CONSTRAINT `_CategoryToPost_B_fkey` FOREIGN KEY (`B`) REFERENCES `Post`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE `_CategoryToPost` ADD CONSTRAINT `_CategoryToPost_AB_pkey` PRIMARY KEY (`A`, `B`);
DROP INDEX `_CategoryToPost_AB_unique` ON `_CategoryToPost`"#,
    ),
    (
        "prisma_updated_at_and_native_types",
        r#"CREATE TABLE `Item` (
    `id` VARCHAR(191) NOT NULL,
    `price` DECIMAL(65, 30) NOT NULL,
    `views` INTEGER NOT NULL DEFAULT 0,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL,
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"#,
        r#"CREATE TABLE `Item` (
    `id` VARCHAR(191) NOT NULL,
    `price` DECIMAL(10, 2) NOT NULL,
    `views` BIGINT NOT NULL DEFAULT 0,
    `score` DOUBLE NOT NULL DEFAULT 0,
    `data` LONGBLOB NULL,
    `day` DATE NULL,
    `at` TIME(6) NULL,
    `small` SMALLINT UNSIGNED NOT NULL DEFAULT 1,
    `createdAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updatedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    INDEX `Item_createdAt_idx`(`createdAt` DESC),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"#,
    ),
    (
        "typeorm_entity_sync",
        r#"CREATE TABLE `user` (`id` int NOT NULL AUTO_INCREMENT, `firstName` varchar(255) NOT NULL, `lastName` varchar(255) NOT NULL, `isActive` tinyint NOT NULL DEFAULT 1, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), PRIMARY KEY (`id`)) ENGINE=InnoDB;
CREATE TABLE `photo` (`id` int NOT NULL AUTO_INCREMENT, `url` varchar(255) NOT NULL, `userId` int NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;
ALTER TABLE `photo` ADD CONSTRAINT `FK_4494006ff358f754d07df5ccc87` FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE NO ACTION ON UPDATE NO ACTION"#,
        r#"CREATE TABLE `profile` (`id` int NOT NULL AUTO_INCREMENT, `gender` varchar(255) NOT NULL, `photo` varchar(255) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;
CREATE TABLE `user` (`id` int NOT NULL AUTO_INCREMENT, `firstName` varchar(100) NOT NULL, `lastName` varchar(100) NOT NULL, `email` varchar(255) NOT NULL, `isActive` tinyint NOT NULL DEFAULT 1, `role` enum ('admin', 'editor', 'ghost') NOT NULL DEFAULT 'ghost', `version` int NOT NULL, `deletedAt` datetime(6) NULL, `createdAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), `updatedAt` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), `profileId` int NULL, UNIQUE INDEX `IDX_e12875dfb3b1d92d7d7c5377e2` (`email`), UNIQUE INDEX `REL_9466682df91534dd95e4dbaa61` (`profileId`), PRIMARY KEY (`id`)) ENGINE=InnoDB;
CREATE TABLE `photo` (`id` int NOT NULL AUTO_INCREMENT, `url` varchar(255) NOT NULL, `userId` int NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;
ALTER TABLE `photo` ADD CONSTRAINT `FK_4494006ff358f754d07df5ccc87` FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION;
ALTER TABLE `user` ADD CONSTRAINT `FK_9466682df91534dd95e4dbaa616` FOREIGN KEY (`profileId`) REFERENCES `profile`(`id`) ON DELETE NO ACTION ON UPDATE NO ACTION"#,
    ),
    (
        "uuid_char36_to_native_uuid_under_fk",
        r#"CREATE TABLE `account` (`id` varchar(36) NOT NULL, `name` varchar(255) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;
CREATE TABLE `invoice` (`id` varchar(36) NOT NULL, `accountId` varchar(36) NOT NULL, `total` decimal(10,2) NOT NULL, PRIMARY KEY (`id`), KEY `IDX_invoice_account` (`accountId`), CONSTRAINT `FK_invoice_account` FOREIGN KEY (`accountId`) REFERENCES `account` (`id`) ON DELETE CASCADE) ENGINE=InnoDB"#,
        r#"CREATE TABLE `account` (`id` uuid NOT NULL DEFAULT uuid(), `name` varchar(255) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;
CREATE TABLE `invoice` (`id` uuid NOT NULL DEFAULT uuid(), `accountId` uuid NOT NULL, `total` decimal(10,2) NOT NULL, PRIMARY KEY (`id`), KEY `IDX_invoice_account` (`accountId`), CONSTRAINT `FK_invoice_account` FOREIGN KEY (`accountId`) REFERENCES `account` (`id`) ON DELETE CASCADE) ENGINE=InnoDB"#,
    ),
    (
        "hibernate5_to_6_ddl",
        r#"create table hibernate_sequence (next_val bigint) engine=InnoDB;
create table customer (id bigint not null, active bit not null, balance double precision, created datetime(6), email varchar(255), status integer, primary key (id)) engine=InnoDB;
create table purchase_order (id bigint not null, total decimal(19,2), customer_id bigint, primary key (id)) engine=InnoDB;
alter table customer add constraint UK_dwk6cx0afu8bs9o4t536v1j5v unique (email);
alter table purchase_order add constraint FKo0g6gm3tgl6p2b6ow0eyqrhpm foreign key (customer_id) references customer (id)"#,
        r#"create table customer_seq (next_val bigint) engine=InnoDB;
create table purchase_order_seq (next_val bigint) engine=InnoDB;
create table customer (id bigint not null, active bit not null, balance float(53), created datetime(6), email varchar(255), status enum ('ACTIVE','BLOCKED','NEW'), version integer, primary key (id)) engine=InnoDB;
create table purchase_order (id bigint not null, total numeric(38,2), customer_id bigint, primary key (id)) engine=InnoDB;
alter table customer add constraint UKdwk6cx0afu8bs9o4t536v1j5v unique (email);
alter table purchase_order add constraint FKo0g6gm3tgl6p2b6ow0eyqrhpm foreign key (customer_id) references customer (id)"#,
    ),
    (
        "hibernate_mariadb_sequences_added",
        r#"create table customer (id bigint not null, email varchar(255), primary key (id)) engine=InnoDB"#,
        r#"create sequence customer_seq start with 1 increment by 50;
create sequence order_seq start with 1000 increment by 50 nocache;
create table customer (id bigint not null, email varchar(255), primary key (id)) engine=InnoDB"#,
    ),
    (
        "mariadb_sequence_dropped",
        r#"CREATE SEQUENCE invoice_numbers START WITH 10000 INCREMENT BY 1 MINVALUE 10000 MAXVALUE 99999999 CACHE 20 NOCYCLE;
CREATE TABLE invoices (id int NOT NULL PRIMARY KEY, number int NOT NULL)"#,
        r#"CREATE TABLE invoices (id int NOT NULL PRIMARY KEY, number int NOT NULL, UNIQUE KEY invoices_number (number))"#,
    ),
    (
        "django_polls_second_migration",
        r#"CREATE TABLE `polls_question` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `question_text` varchar(200) NOT NULL, `pub_date` datetime(6) NOT NULL);
CREATE TABLE `polls_choice` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `choice_text` varchar(200) NOT NULL, `votes` integer NOT NULL, `question_id` bigint NOT NULL);
ALTER TABLE `polls_choice` ADD CONSTRAINT `polls_choice_question_id_c5b4b260_fk_polls_question_id` FOREIGN KEY (`question_id`) REFERENCES `polls_question` (`id`)"#,
        r#"CREATE TABLE `polls_question` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `question_text` varchar(200) NOT NULL, `pub_date` datetime(6) NOT NULL, `uuid` uuid NOT NULL UNIQUE, `is_open` bool NOT NULL, `meta` json NOT NULL CHECK (JSON_VALID(`meta`)), `duration` bigint NULL, `slug` varchar(50) NOT NULL);
CREATE TABLE `polls_choice` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `choice_text` varchar(200) NOT NULL COMMENT 'The answer''s text', `votes` integer UNSIGNED NOT NULL CHECK (`votes` >= 0), `question_id` bigint NOT NULL);
ALTER TABLE `polls_choice` ADD CONSTRAINT `polls_choice_question_id_c5b4b260_fk_polls_question_id` FOREIGN KEY (`question_id`) REFERENCES `polls_question` (`id`);
CREATE INDEX `polls_question_slug_0d5c3f5b` ON `polls_question` (`slug`);
ALTER TABLE `polls_choice` ADD CONSTRAINT `polls_choice_question_id_choice_text_4ab1b2d1_uniq` UNIQUE (`question_id`, `choice_text`)"#,
    ),
    (
        "django_rename_index_and_desc_index",
        r#"CREATE TABLE `shop_order` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `created` datetime(6) NOT NULL, `state` varchar(16) NOT NULL, `customer_id` integer NOT NULL);
CREATE INDEX `shop_order_created_6ba2a3_idx` ON `shop_order` (`created`);
CREATE INDEX `shop_order_state_5e3c1d_idx` ON `shop_order` (`state`, `customer_id`)"#,
        r#"CREATE TABLE `shop_order` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `created` datetime(6) NOT NULL, `state` varchar(16) NOT NULL, `customer_id` integer NOT NULL);
CREATE INDEX `order_created_desc` ON `shop_order` (`created` DESC);
CREATE INDEX `order_state_customer` ON `shop_order` (`state`, `customer_id`)"#,
    ),
    (
        "rails_rename_table_keeps_fk_name",
        r#"CREATE TABLE `accounts` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `name` varchar(255), `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL);
CREATE TABLE `posts` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `account_id` bigint NOT NULL, `title` varchar(255), `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL, INDEX `index_posts_on_account_id` (`account_id`), CONSTRAINT `fk_rails_8e3c5b2a9d` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`));
CREATE TABLE `comments` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `post_id` bigint NOT NULL, `body` text, INDEX `index_comments_on_post_id` (`post_id`), CONSTRAINT `fk_rails_2fd19c0db7` FOREIGN KEY (`post_id`) REFERENCES `posts` (`id`))"#,
        r#"CREATE TABLE `accounts` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `name` varchar(255), `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL);
CREATE TABLE `articles` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `account_id` bigint NOT NULL, `title` varchar(255), `created_at` datetime(6) NOT NULL, `updated_at` datetime(6) NOT NULL, INDEX `index_articles_on_account_id` (`account_id`), CONSTRAINT `fk_rails_8e3c5b2a9d` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`));
CREATE TABLE `comments` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `article_id` bigint NOT NULL, `body` text, INDEX `index_comments_on_article_id` (`article_id`), CONSTRAINT `fk_rails_2fd19c0db7` FOREIGN KEY (`article_id`) REFERENCES `articles` (`id`))"#,
    ),
    (
        "rails_change_column_limits",
        r#"CREATE TABLE `documents` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `title` varchar(255), `body` text, `data` blob, `price` decimal(10,0), `published` tinyint(1), `created_at` datetime(6) NOT NULL, INDEX `index_documents_on_title` (`title`))"#,
        r#"CREATE TABLE `documents` (`id` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, `title` varchar(50) NOT NULL DEFAULT 'untitled', `body` mediumtext, `data` longblob, `price` decimal(10,2) DEFAULT 0.0, `published` tinyint(1) DEFAULT 0 NOT NULL, `created_at` datetime(6) NOT NULL, INDEX `index_documents_on_title` (`title`(10)), INDEX `index_documents_on_created_at` (`created_at` DESC))"#,
    ),
    (
        "laravel8_to_laravel11_default_tables",
        r#"create table `users` (`id` bigint unsigned not null auto_increment primary key, `name` varchar(255) not null, `email` varchar(255) not null, `email_verified_at` timestamp null, `password` varchar(255) not null, `remember_token` varchar(100) null, `created_at` timestamp null, `updated_at` timestamp null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
alter table `users` add unique `users_email_unique`(`email`);
create table `password_resets` (`email` varchar(255) not null, `token` varchar(255) not null, `created_at` timestamp null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
alter table `password_resets` add index `password_resets_email_index`(`email`);
create table `failed_jobs` (`id` bigint unsigned not null auto_increment primary key, `connection` text not null, `queue` text not null, `payload` longtext not null, `exception` longtext not null, `failed_at` timestamp default CURRENT_TIMESTAMP not null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
create table `personal_access_tokens` (`id` bigint unsigned not null auto_increment primary key, `tokenable_type` varchar(255) not null, `tokenable_id` bigint unsigned not null, `name` varchar(255) not null, `token` varchar(64) not null, `abilities` text null, `last_used_at` timestamp null, `created_at` timestamp null, `updated_at` timestamp null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
alter table `personal_access_tokens` add index `personal_access_tokens_tokenable_type_tokenable_id_index`(`tokenable_type`, `tokenable_id`);
alter table `personal_access_tokens` add unique `personal_access_tokens_token_unique`(`token`)"#,
        r#"create table `users` (`id` bigint unsigned not null auto_increment primary key, `name` varchar(255) not null, `email` varchar(255) not null, `email_verified_at` timestamp null, `password` varchar(255) not null, `remember_token` varchar(100) null, `created_at` timestamp null, `updated_at` timestamp null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
alter table `users` add unique `users_email_unique`(`email`);
create table `password_reset_tokens` (`email` varchar(255) not null, `token` varchar(255) not null, `created_at` timestamp null, primary key (`email`)) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
create table `sessions` (`id` varchar(255) not null, `user_id` bigint unsigned null, `ip_address` varchar(45) null, `user_agent` text null, `payload` longtext not null, `last_activity` int not null, primary key (`id`)) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
alter table `sessions` add index `sessions_user_id_index`(`user_id`);
alter table `sessions` add index `sessions_last_activity_index`(`last_activity`);
create table `cache` (`key` varchar(255) not null, `value` mediumtext not null, `expiration` int not null, primary key (`key`)) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
create table `cache_locks` (`key` varchar(255) not null, `owner` varchar(255) not null, `expiration` int not null, primary key (`key`)) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
create table `jobs` (`id` bigint unsigned not null auto_increment primary key, `queue` varchar(255) not null, `payload` longtext not null, `attempts` tinyint unsigned not null, `reserved_at` int unsigned null, `available_at` int unsigned not null, `created_at` int unsigned not null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
alter table `jobs` add index `jobs_queue_index`(`queue`);
create table `job_batches` (`id` varchar(255) not null, `name` varchar(255) not null, `total_jobs` int not null, `pending_jobs` int not null, `failed_jobs` int not null, `failed_job_ids` longtext not null, `options` mediumtext null, `cancelled_at` int null, `created_at` int not null, `finished_at` int null, primary key (`id`)) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
create table `failed_jobs` (`id` bigint unsigned not null auto_increment primary key, `uuid` varchar(255) not null, `connection` text not null, `queue` text not null, `payload` longtext not null, `exception` longtext not null, `failed_at` timestamp not null default CURRENT_TIMESTAMP) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
alter table `failed_jobs` add unique `failed_jobs_uuid_unique`(`uuid`);
create table `personal_access_tokens` (`id` bigint unsigned not null auto_increment primary key, `tokenable_type` varchar(255) not null, `tokenable_id` bigint unsigned not null, `name` text not null, `token` varchar(64) not null, `abilities` text null, `last_used_at` timestamp null, `expires_at` timestamp null, `created_at` timestamp null, `updated_at` timestamp null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
alter table `personal_access_tokens` add index `personal_access_tokens_tokenable_type_tokenable_id_index`(`tokenable_type`, `tokenable_id`);
alter table `personal_access_tokens` add unique `personal_access_tokens_token_unique`(`token`)"#,
    ),
    (
        "laravel_column_modifiers",
        r#"create table `orders` (`id` bigint unsigned not null auto_increment primary key, `user_id` bigint unsigned not null, `title` varchar(255) not null, `views` int unsigned not null, `status` varchar(20) not null default 'draft', `ip` varchar(255) null, `created_at` timestamp null, `updated_at` timestamp null) default character set utf8mb4 collate 'utf8mb4_unicode_ci'"#,
        r#"create table `orders` (`id` bigint unsigned not null auto_increment primary key, `ulid` char(26) not null, `user_id` bigint unsigned not null, `reference` char(36) null comment 'external uuid', `title` varchar(100) null, `views` bigint unsigned not null default '0' comment 'page views', `status` enum('draft', 'placed', 'paid', 'cancelled') not null default 'draft', `ip` varchar(45) null, `mac` varchar(17) null, `fiscal_year` year null, `notes` tinytext null, `total` double(8, 2) not null default '0', `created_at` timestamp null, `updated_at` timestamp null, `deleted_at` timestamp null) default character set utf8mb4 collate 'utf8mb4_unicode_ci';
alter table `orders` add unique `orders_ulid_unique`(`ulid`);
alter table `orders` add index `orders_deleted_at_index`(`deleted_at`);
alter table `orders` add index `orders_user_id_status_index`(`user_id`, `status`)"#,
    ),
    (
        "mysqldump_no_data_fk_checks_off",
        r#"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;
/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;
/*!40101 SET NAMES utf8mb4 */;
/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;
/*!40103 SET TIME_ZONE='+00:00' */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;
DROP TABLE IF EXISTS `comments`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8 */;
CREATE TABLE `comments` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `post_id` int(11) NOT NULL,
  `body` text NOT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_comments_post` (`post_id`),
  CONSTRAINT `fk_comments_post` FOREIGN KEY (`post_id`) REFERENCES `posts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
DROP TABLE IF EXISTS `posts`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8 */;
CREATE TABLE `posts` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `title` varchar(200) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;
/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;
/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */"#,
        r#"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;
DROP TABLE IF EXISTS `comments`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8 */;
CREATE TABLE `comments` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `post_id` int(11) NOT NULL,
  `author_id` int(11) DEFAULT NULL,
  `body` text NOT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_comments_post` (`post_id`),
  KEY `fk_comments_author` (`author_id`),
  CONSTRAINT `fk_comments_author` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE SET NULL,
  CONSTRAINT `fk_comments_post` FOREIGN KEY (`post_id`) REFERENCES `posts` (`id`) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
DROP TABLE IF EXISTS `posts`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8 */;
CREATE TABLE `posts` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `author_id` int(11) DEFAULT NULL,
  `title` varchar(200) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `fk_posts_author` (`author_id`),
  CONSTRAINT `fk_posts_author` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
DROP TABLE IF EXISTS `users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
/*!40101 SET character_set_client = utf8 */;
CREATE TABLE `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `login` varchar(50) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `login` (`login`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!40101 SET character_set_client = @saved_cs_client */;
/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */"#,
    ),
    (
        "mysqldump_view_placeholder_and_trigger",
        r#"CREATE TABLE `orders` (
  `id` int(11) NOT NULL,
  `total` decimal(10,2) NOT NULL,
  `status` varchar(10) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"#,
        r#"CREATE TABLE `orders` (
  `id` int(11) NOT NULL,
  `total` decimal(10,2) NOT NULL,
  `status` varchar(10) NOT NULL,
  `updated` datetime DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
/*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
/*!50003 SET sql_mode              = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION' */ ;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `orders_bu` BEFORE UPDATE ON `orders` FOR EACH ROW SET NEW.updated = NOW() */;
/*!50003 SET sql_mode              = @saved_sql_mode */ ;
SET @saved_cs_client     = @@character_set_client;
SET character_set_client = utf8;
/*!50001 CREATE VIEW `paid_orders` AS SELECT
 1 AS `id`,
  1 AS `total` */;
SET character_set_client = @saved_cs_client;
/*!50001 DROP VIEW IF EXISTS `paid_orders`*/;
/*!50001 SET @saved_cs_client          = @@character_set_client */;
/*!50001 SET character_set_client      = utf8mb4 */;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `paid_orders` AS select `orders`.`id` AS `id`,`orders`.`total` AS `total` from `orders` where `orders`.`status` = 'paid' */;
/*!50001 SET character_set_client      = @saved_cs_client */"#,
    ),
    (
        "enum_and_set_with_charset",
        r#"CREATE TABLE t (id int PRIMARY KEY, status enum('a','b') CHARACTER SET latin1 NOT NULL DEFAULT 'a', flags set('x','y','z') CHARACTER SET ascii COLLATE ascii_bin, kind enum('p','q'))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, status enum('a','b','c') CHARACTER SET latin1 COLLATE latin1_bin NOT NULL DEFAULT 'b', flags set('x','y','z') CHARACTER SET utf8mb4, kind enum('p','q') CHARACTER SET ascii)"#,
    ),
    (
        "set_values_changed",
        r#"CREATE TABLE perms (id int PRIMARY KEY, perms set('read','write','delete') NOT NULL DEFAULT 'read,write', days set('mon','tue','wed'), tags set('a','b','c'))"#,
        r#"CREATE TABLE perms (id int PRIMARY KEY, perms set('read','write','delete','admin') NOT NULL DEFAULT 'read', days set('mon','tue','wed','thu','fri') DEFAULT 'mon,fri', tags set('a','c'))"#,
    ),
    (
        "enum_values_with_special_chars",
        r#"CREATE TABLE t (id int PRIMARY KEY, answer enum('','N/A','it''s') NOT NULL DEFAULT '')"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, answer enum('','N/A','it''s','a,b','50%','x\\y','say "hi"') NOT NULL DEFAULT 'it''s', size enum('S','M','L','XL') DEFAULT NULL)"#,
    ),
    (
        "binary16_uuid_keys",
        r#"CREATE TABLE accounts (id binary(16) NOT NULL, name varchar(50), PRIMARY KEY (id));
CREATE TABLE sessions (id binary(16) NOT NULL PRIMARY KEY, account_id binary(16) NOT NULL, token varbinary(32) NOT NULL, KEY sessions_account (account_id), CONSTRAINT sessions_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE)"#,
        r#"CREATE TABLE accounts (id binary(16) NOT NULL DEFAULT (unhex(replace(uuid(),'-',''))), name varchar(50), external_id varbinary(64) DEFAULT NULL, PRIMARY KEY (id), UNIQUE KEY accounts_external (external_id));
CREATE TABLE sessions (id binary(16) NOT NULL PRIMARY KEY, account_id binary(16) NOT NULL, token varbinary(64) NOT NULL, UNIQUE KEY sessions_token (token), KEY sessions_account (account_id, id), CONSTRAINT sessions_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE)"#,
    ),
    (
        "year_time_date_types",
        r#"CREATE TABLE t (id int PRIMARY KEY, y year, t time, d date, dt datetime, ts timestamp NULL)"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, y year NOT NULL DEFAULT 2024, t time(6) DEFAULT '08:30:00.000000', d date NOT NULL DEFAULT '1970-01-01', dt datetime(6) DEFAULT '2000-01-01 00:00:00.000000', ts timestamp(6) NULL DEFAULT NULL, dur time DEFAULT '-838:59:59')"#,
    ),
    (
        "timestamp_null_forms",
        r#"CREATE TABLE t (id int PRIMARY KEY, a timestamp NULL, b timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, c timestamp NOT NULL DEFAULT '0000-00-00 00:00:00', d timestamp NULL DEFAULT NULL)"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a timestamp NOT NULL, b timestamp NULL DEFAULT CURRENT_TIMESTAMP, c timestamp NULL, d timestamp NOT NULL DEFAULT '2001-01-01 00:00:00' ON UPDATE current_timestamp(), e timestamp)"#,
    ),
    (
        "sql_standard_type_aliases",
        r#"CREATE TABLE t (id int PRIMARY KEY, a INTEGER, b DOUBLE PRECISION, c REAL, d NUMERIC(10,2), e BOOLEAN, f CHARACTER VARYING(30), g NATIONAL CHAR(5), h DEC(5,1), i INT8, j MIDDLEINT, k LONG VARCHAR, l FIXED(6,2), m INT1)"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a BIGINT, b DOUBLE PRECISION NOT NULL DEFAULT 0, c FLOAT, d NUMERIC(12,4), e BOOL NOT NULL DEFAULT TRUE, f NATIONAL VARCHAR(30), g CHAR(5), h DECIMAL(6,1), i INT4, j MEDIUMINT UNSIGNED, k LONG VARBINARY, l FIXED(8,2), m INT2)"#,
    ),
    (
        "serial_columns",
        r#"CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int);
CREATE TABLE u (id SERIAL PRIMARY KEY, x int)"#,
        r#"CREATE TABLE t (id SERIAL PRIMARY KEY, a int);
CREATE TABLE u (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, x int);
CREATE TABLE v (id SERIAL, name varchar(10))"#,
    ),
    (
        "zerofill_and_display_width_changes",
        r#"CREATE TABLE t (id int PRIMARY KEY, a INT(10) UNSIGNED ZEROFILL, b int(11), c tinyint(4), d smallint(5) unsigned, e bigint(20), f mediumint(9))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a INT(8) UNSIGNED ZEROFILL, b int(10), c tinyint(1), d smallint(6) unsigned, e bigint(11), f MEDIUMINT(8) UNSIGNED ZEROFILL NOT NULL DEFAULT 0)"#,
    ),
    (
        "tinyint_bool_to_enum_and_mediumint",
        r#"CREATE TABLE t (id mediumint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, is_admin tinyint(1) NOT NULL DEFAULT 0, level tinyint(3) unsigned, hits mediumint)"#,
        r#"CREATE TABLE t (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, is_admin enum('yes','no') NOT NULL DEFAULT 'no', level tinyint(1) unsigned NOT NULL DEFAULT 1, hits mediumint unsigned NOT NULL DEFAULT 0)"#,
    ),
    (
        "checks_across_columns",
        r#"CREATE TABLE bookings (id int PRIMARY KEY, starts_at datetime NOT NULL, ends_at datetime, price decimal(10,2) NOT NULL, discount decimal(10,2) NOT NULL DEFAULT 0, status varchar(10) NOT NULL DEFAULT 'new', email varchar(100),
  CONSTRAINT bookings_period CHECK (ends_at IS NULL OR ends_at > starts_at),
  CONSTRAINT bookings_discount CHECK (discount >= 0 AND discount <= price))"#,
        r#"CREATE TABLE bookings (id int PRIMARY KEY, starts_at datetime NOT NULL, ends_at datetime NOT NULL, price decimal(10,2) NOT NULL, discount decimal(10,2) NOT NULL DEFAULT 0, status varchar(10) NOT NULL DEFAULT 'new', email varchar(100),
  CONSTRAINT bookings_period CHECK (ends_at > starts_at),
  CONSTRAINT bookings_discount CHECK (discount BETWEEN 0 AND price),
  CONSTRAINT bookings_status CHECK (status IN ('new','confirmed','cancelled')),
  CONSTRAINT bookings_email CHECK (email LIKE '%_@_%.__%'),
  CONSTRAINT bookings_status_len CHECK (char_length(trim(status)) > 0))"#,
    ),
    (
        "checks_regexp_case_and_backslash",
        r#"CREATE TABLE codes (id int PRIMARY KEY, code varchar(10), kind char(1), a int, b int, CONSTRAINT code_fmt CHECK (code REGEXP '^[A-Z]{3}[0-9]+$'))"#,
        r#"CREATE TABLE codes (id int PRIMARY KEY, code varchar(10), kind char(1), a int, b int,
  CONSTRAINT code_fmt CHECK (code REGEXP '^[A-Z]{2,4}\\d+$'),
  CONSTRAINT kind_ab CHECK (CASE WHEN kind = 'a' THEN a IS NOT NULL WHEN kind = 'b' THEN b IS NOT NULL ELSE 1 END),
  CONSTRAINT a_or_b CHECK (coalesce(a, b) IS NOT NULL),
  CONSTRAINT ab_ord CHECK (a < b OR b IS NULL))"#,
    ),
    (
        "workbench_fk_index_renames",
        r#"CREATE TABLE customers (id INT NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) ENGINE = InnoDB;
CREATE TABLE products (id INT NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) ENGINE = InnoDB;
CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT, customers_id INT NOT NULL, PRIMARY KEY (id), INDEX fk_orders_customers1_idx (customers_id ASC), CONSTRAINT fk_orders_customers1 FOREIGN KEY (customers_id) REFERENCES customers (id) ON DELETE NO ACTION ON UPDATE NO ACTION) ENGINE = InnoDB;
CREATE TABLE order_items (orders_id INT NOT NULL, products_id INT NOT NULL, qty INT NOT NULL DEFAULT 1, PRIMARY KEY (orders_id, products_id), INDEX fk_order_items_orders1_idx (orders_id ASC), CONSTRAINT fk_order_items_orders1 FOREIGN KEY (orders_id) REFERENCES orders (id) ON DELETE NO ACTION ON UPDATE NO ACTION) ENGINE = InnoDB"#,
        r#"CREATE TABLE customers (id INT NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) ENGINE = InnoDB;
CREATE TABLE products (id INT NOT NULL AUTO_INCREMENT, PRIMARY KEY (id)) ENGINE = InnoDB;
CREATE TABLE orders (id INT NOT NULL AUTO_INCREMENT, customers_id INT NOT NULL, PRIMARY KEY (id), INDEX idx_orders_customer (customers_id ASC), CONSTRAINT orders_customer_fk FOREIGN KEY (customers_id) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE NO ACTION) ENGINE = InnoDB;
CREATE TABLE order_items (orders_id INT NOT NULL, products_id INT NOT NULL, qty INT NOT NULL DEFAULT 1, PRIMARY KEY (orders_id, products_id), INDEX fk_order_items_products1_idx (products_id ASC), CONSTRAINT fk_order_items_orders1 FOREIGN KEY (orders_id) REFERENCES orders (id) ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT fk_order_items_products1 FOREIGN KEY (products_id) REFERENCES products (id) ON DELETE NO ACTION ON UPDATE NO ACTION) ENGINE = InnoDB"#,
    ),
    (
        "fk_renamed_with_generated_index",
        r#"CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int, CONSTRAINT c_p_old FOREIGN KEY (p_id) REFERENCES p (id))"#,
        r#"CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int, CONSTRAINT c_p_new FOREIGN KEY (p_id) REFERENCES p (id))"#,
    ),
    (
        "fk_generated_index_superseded_by_unique",
        r#"CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int, code int, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id))"#,
        r#"CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int, code int, CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id));
ALTER TABLE c ADD UNIQUE KEY c_p_code (p_id, code)"#,
    ),
    (
        "fk_restrict_and_no_action_spellings",
        r#"CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, a int, b int, d int, CONSTRAINT c_a FOREIGN KEY (a) REFERENCES p (id) ON DELETE RESTRICT ON UPDATE RESTRICT, CONSTRAINT c_b FOREIGN KEY (b) REFERENCES p (id), CONSTRAINT c_d FOREIGN KEY (d) REFERENCES p (id) ON DELETE NO ACTION)"#,
        r#"CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, a int, b int, d int, CONSTRAINT c_a FOREIGN KEY (a) REFERENCES p (id) ON DELETE NO ACTION ON UPDATE CASCADE, CONSTRAINT c_b FOREIGN KEY (b) REFERENCES p (id) ON DELETE RESTRICT, CONSTRAINT c_d FOREIGN KEY (d) REFERENCES p (id) ON DELETE SET NULL ON UPDATE RESTRICT)"#,
    ),
    (
        "fk_to_non_unique_parent_index",
        r#"CREATE TABLE regions (id int PRIMARY KEY, code char(3) NOT NULL, KEY regions_code (code));
CREATE TABLE shops (id int PRIMARY KEY, region char(3), CONSTRAINT shops_region FOREIGN KEY (region) REFERENCES regions (code))"#,
        r#"CREATE TABLE regions (id int PRIMARY KEY, code char(3) NOT NULL, zone char(3) NOT NULL DEFAULT '', KEY regions_code (code), KEY regions_zone (zone));
CREATE TABLE shops (id int PRIMARY KEY, region char(3), zone char(3), CONSTRAINT shops_region FOREIGN KEY (region) REFERENCES regions (code) ON UPDATE CASCADE, CONSTRAINT shops_zone FOREIGN KEY (zone) REFERENCES regions (zone))"#,
    ),
    (
        "fk_cycle_added_between_existing_tables",
        r#"CREATE TABLE departments (id int PRIMARY KEY, name varchar(50));
CREATE TABLE employees (id int PRIMARY KEY, name varchar(50))"#,
        r#"CREATE TABLE departments (id int PRIMARY KEY, name varchar(50), manager_id int, KEY departments_manager (manager_id));
CREATE TABLE employees (id int PRIMARY KEY, name varchar(50), department_id int, KEY employees_department (department_id), CONSTRAINT employees_department FOREIGN KEY (department_id) REFERENCES departments (id) ON DELETE SET NULL);
ALTER TABLE departments ADD CONSTRAINT departments_manager FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL"#,
    ),
    (
        "fk_cycle_tables_dropped",
        r#"CREATE TABLE a (id int PRIMARY KEY, b_id int, KEY a_b (b_id));
CREATE TABLE b (id int PRIMARY KEY, a_id int, KEY b_a (a_id), CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));
ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id);
CREATE TABLE c (id int PRIMARY KEY, a_id int, CONSTRAINT c_a FOREIGN KEY (a_id) REFERENCES a (id));
CREATE TABLE keep (id int PRIMARY KEY)"#,
        r#"CREATE TABLE c (id int PRIMARY KEY, a_id int, KEY c_a (a_id));
CREATE TABLE keep (id int PRIMARY KEY)"#,
    ),
    (
        "fk_cycle_of_three_widened",
        r#"CREATE TABLE a (id int NOT NULL PRIMARY KEY, c_id int, KEY a_c (c_id));
CREATE TABLE b (id int NOT NULL PRIMARY KEY, a_id int, KEY b_a (a_id), CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));
CREATE TABLE c (id int NOT NULL PRIMARY KEY, b_id int, KEY c_b (b_id), CONSTRAINT c_b FOREIGN KEY (b_id) REFERENCES b (id));
ALTER TABLE a ADD CONSTRAINT a_c FOREIGN KEY (c_id) REFERENCES c (id)"#,
        r#"CREATE TABLE a (id bigint NOT NULL PRIMARY KEY, c_id bigint, KEY a_c (c_id));
CREATE TABLE b (id bigint NOT NULL PRIMARY KEY, a_id bigint, KEY b_a (a_id), CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id));
CREATE TABLE c (id bigint NOT NULL PRIMARY KEY, b_id bigint, KEY c_b (b_id), CONSTRAINT c_b FOREIGN KEY (b_id) REFERENCES b (id));
ALTER TABLE a ADD CONSTRAINT a_c FOREIGN KEY (c_id) REFERENCES c (id)"#,
    ),
    (
        "fk_name_moved_between_tables",
        r#"CREATE TABLE owners (id int PRIMARY KEY);
CREATE TABLE cats (id int PRIMARY KEY, owner_id int, KEY fk_owner (owner_id), CONSTRAINT fk_owner FOREIGN KEY (owner_id) REFERENCES owners (id));
CREATE TABLE dogs (id int PRIMARY KEY, owner_id int)"#,
        r#"CREATE TABLE owners (id int PRIMARY KEY);
CREATE TABLE cats (id int PRIMARY KEY, owner_id int, KEY fk_owner (owner_id));
CREATE TABLE dogs (id int PRIMARY KEY, owner_id int, KEY fk_owner (owner_id), CONSTRAINT fk_owner FOREIGN KEY (owner_id) REFERENCES owners (id))"#,
    ),
    (
        "unique_multi_column_prefixes",
        r#"CREATE TABLE t (id int PRIMARY KEY, tenant_id int NOT NULL, email varchar(255) NOT NULL, domain varchar(255) NOT NULL, title text, body text, UNIQUE KEY u (tenant_id, email(100), domain(50)), KEY k_text (title(10)))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, tenant_id int NOT NULL, email varchar(255) NOT NULL, domain varchar(60) NOT NULL, title text, body text, UNIQUE KEY u (tenant_id, email(150), domain), KEY k_text (title(20), body(100)))"#,
    ),
    (
        "key_prefix_desc",
        r#"CREATE TABLE t (id int PRIMARY KEY, name varchar(100), created_at datetime, KEY k1 (name(10)), KEY k2 (created_at, name(20)))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, name varchar(100), created_at datetime, KEY k1 (name(10) DESC), KEY k2 (created_at DESC, name(20)), KEY k3 (name(5) DESC, id DESC))"#,
    ),
    (
        "prefix_reaches_column_length",
        r#"CREATE TABLE t (id int PRIMARY KEY, name varchar(255), code varchar(40), KEY k (name(100)), UNIQUE KEY u (code(20)))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, name varchar(100), code varchar(20), KEY k (name(100)), UNIQUE KEY u (code(20)))"#,
    ),
    (
        "comments_with_escapes",
        r#"CREATE TABLE t (id int PRIMARY KEY COMMENT 'id', a int COMMENT 'a', b int, c varchar(10), d int, e int) COMMENT='plain'"#,
        r#"CREATE TABLE t (id int PRIMARY KEY COMMENT 'line1\nline2', a int COMMENT 'tab\there', b int COMMENT '100% sure; really', c varchar(10) DEFAULT 'a\\b\tc' COMMENT 'back`tick and "dq" and */ end', d int COMMENT 'Größe — dash ñ 日本', e int COMMENT 'trailing backslash \\') COMMENT='multi\nline table\r\ncomment'"#,
    ),
    (
        "auto_increment_start_changed",
        r#"CREATE TABLE invoices (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, n int) AUTO_INCREMENT=1000;
CREATE TABLE tickets (id int NOT NULL AUTO_INCREMENT PRIMARY KEY)"#,
        r#"CREATE TABLE invoices (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, n int) AUTO_INCREMENT=5000;
CREATE TABLE tickets (id int NOT NULL AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT=100"#,
    ),
    (
        "innodb_row_options_added_and_removed",
        r#"CREATE TABLE t (id int PRIMARY KEY, a varchar(20)) ENGINE=InnoDB MIN_ROWS=100 MAX_ROWS=1000000 AVG_ROW_LENGTH=256 PACK_KEYS=1 STATS_SAMPLE_PAGES=50;
CREATE TABLE u (id int PRIMARY KEY) ENGINE=InnoDB"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a varchar(20)) ENGINE=InnoDB MAX_ROWS=5000000 STATS_SAMPLE_PAGES=100;
CREATE TABLE u (id int PRIMARY KEY) ENGINE=InnoDB STATS_SAMPLE_PAGES=10 STATS_PERSISTENT=0 PACK_KEYS=0 MIN_ROWS=5"#,
    ),
    (
        "views_with_check_option_changed",
        r#"CREATE TABLE accounts (id int PRIMARY KEY, active tinyint(1) NOT NULL DEFAULT 1, region char(2), balance int);
CREATE VIEW active_accounts AS SELECT id, active, region, balance FROM accounts WHERE active = 1 WITH CHECK OPTION;
CREATE VIEW eu_accounts AS SELECT id, region, balance FROM active_accounts WHERE region = 'eu' WITH LOCAL CHECK OPTION"#,
        r#"CREATE TABLE accounts (id int PRIMARY KEY, active tinyint(1) NOT NULL DEFAULT 1, region char(2), balance int);
CREATE VIEW active_accounts AS SELECT id, active, region, balance FROM accounts WHERE active = 1 AND balance >= 0 WITH CHECK OPTION;
CREATE VIEW eu_accounts AS SELECT id, region, balance FROM active_accounts WHERE region IN ('eu', 'uk') WITH CASCADED CHECK OPTION;
CREATE VIEW big_accounts AS SELECT id FROM accounts WHERE balance > 1000 WITH LOCAL CHECK OPTION"#,
    ),
    (
        "views_over_views_with_table_retyped",
        r#"CREATE TABLE customers (id int PRIMARY KEY, name varchar(50));
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount int, state varchar(10));
CREATE VIEW paid_orders AS SELECT id, customer_id, amount FROM orders WHERE state = 'paid';
CREATE VIEW customer_paid AS SELECT c.name, p.amount FROM customers c JOIN paid_orders p ON p.customer_id = c.id;
CREATE VIEW customer_totals AS SELECT name, sum(amount) AS total FROM customer_paid GROUP BY name"#,
        r#"CREATE TABLE customers (id int PRIMARY KEY, name varchar(100), country char(2));
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total decimal(12,2), state enum('new','paid','void'));
CREATE VIEW paid_orders AS SELECT id, customer_id, total FROM orders WHERE state = 'paid';
CREATE VIEW customer_paid AS SELECT c.name, c.country, p.total FROM customers c JOIN paid_orders p ON p.customer_id = c.id;
CREATE VIEW customer_totals AS SELECT name, country, sum(total) AS total, count(*) AS n FROM customer_paid GROUP BY name, country"#,
    ),
    (
        "view_over_renamed_table_and_view_chain",
        r#"CREATE TABLE user_profile (id int PRIMARY KEY, bio text, city varchar(50));
CREATE VIEW v_profiles AS SELECT id, city FROM user_profile;
CREATE VIEW v_city_count AS SELECT city, count(*) AS n FROM v_profiles GROUP BY city"#,
        r#"CREATE TABLE profiles (id int PRIMARY KEY, bio text, city varchar(50));
CREATE VIEW v_profiles AS SELECT id, city FROM profiles;
CREATE VIEW v_city_count AS SELECT city, count(*) AS n FROM v_profiles GROUP BY city"#,
    ),
    (
        "view_cte_window_union",
        r#"CREATE TABLE sales (id int PRIMARY KEY, region varchar(10), rep varchar(20), amount int, sold date);
CREATE TABLE returns (id int PRIMARY KEY, region varchar(10), amount int);
CREATE VIEW region_net AS SELECT region, amount FROM sales UNION ALL SELECT region, -amount FROM returns"#,
        r#"CREATE TABLE sales (id int PRIMARY KEY, region varchar(10), rep varchar(20), amount int, sold date);
CREATE TABLE returns (id int PRIMARY KEY, region varchar(10), amount int);
CREATE VIEW region_net AS SELECT region, amount, 'sale' AS kind FROM sales UNION ALL SELECT region, -amount, 'return' FROM returns;
CREATE VIEW rep_rank AS WITH totals AS (SELECT region, rep, sum(amount) AS total FROM sales GROUP BY region, rep) SELECT region, rep, total, row_number() OVER (PARTITION BY region ORDER BY total DESC) AS rnk FROM totals;
CREATE VIEW region_reps AS SELECT region, group_concat(DISTINCT rep ORDER BY rep SEPARATOR '; ') AS reps, CASE WHEN sum(amount) > 1000 THEN 'big' ELSE 'small' END AS size FROM sales GROUP BY region"#,
    ),
    (
        "trigger_moved_between_tables",
        r#"CREATE TABLE a (id int PRIMARY KEY, n int);
CREATE TABLE b (id int PRIMARY KEY, n int);
CREATE TRIGGER stamp_bi BEFORE INSERT ON a FOR EACH ROW SET NEW.n = 1"#,
        r#"CREATE TABLE a (id int PRIMARY KEY, n int);
CREATE TABLE b (id int PRIMARY KEY, n int);
CREATE TRIGGER stamp_bi BEFORE INSERT ON b FOR EACH ROW SET NEW.n = 1"#,
    ),
    (
        "trigger_signal_validation",
        r#"CREATE TABLE stock (id int PRIMARY KEY, qty int NOT NULL);
CREATE TRIGGER stock_bu BEFORE UPDATE ON stock FOR EACH ROW BEGIN IF NEW.qty < 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'qty must be >= 0'; END IF; END"#,
        r#"CREATE TABLE stock (id int PRIMARY KEY, qty int NOT NULL, reserved int NOT NULL DEFAULT 0);
CREATE TRIGGER stock_bu BEFORE UPDATE ON stock FOR EACH ROW BEGIN IF NEW.qty < NEW.reserved THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'qty can''t drop below reserved', MYSQL_ERRNO = 1644; END IF; END;
CREATE TRIGGER stock_bi BEFORE INSERT ON stock FOR EACH ROW BEGIN IF NEW.qty < 0 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'qty must be >= 0'; END IF; END"#,
    ),
    (
        "trigger_with_declare_and_select_into",
        r#"CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, seq int);
CREATE TABLE counters (customer_id int PRIMARY KEY, n int NOT NULL DEFAULT 0)"#,
        r#"CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, seq int);
CREATE TABLE counters (customer_id int PRIMARY KEY, n int NOT NULL DEFAULT 0);
CREATE TRIGGER orders_seq BEFORE INSERT ON orders FOR EACH ROW BEGIN DECLARE next_n INT DEFAULT 0; INSERT INTO counters (customer_id, n) VALUES (NEW.customer_id, 1) ON DUPLICATE KEY UPDATE n = n + 1; SELECT n INTO next_n FROM counters WHERE customer_id = NEW.customer_id; SET NEW.seq = next_n; END"#,
    ),
    (
        "trigger_follows_table_rename",
        r#"CREATE TABLE orders_old (id int PRIMARY KEY, total int, touched int);
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders_old FOR EACH ROW SET NEW.touched = 1"#,
        r#"CREATE TABLE orders (id int PRIMARY KEY, total int, touched int);
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW SET NEW.touched = 1"#,
    ),
    (
        "column_name_case_only_change",
        r#"CREATE TABLE t (id int PRIMARY KEY, userId int, Email varchar(100), KEY email_idx (Email))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, userid int, email varchar(100), KEY email_idx (email))"#,
    ),
    (
        "index_and_fk_name_case_only_change",
        r#"CREATE TABLE users (id int PRIMARY KEY, email varchar(100), KEY Idx_Email (email));
CREATE TABLE posts (id int PRIMARY KEY, user_id int, KEY FK_Post_User (user_id), CONSTRAINT FK_Post_User FOREIGN KEY (user_id) REFERENCES users (id))"#,
        r#"CREATE TABLE users (id int PRIMARY KEY, email varchar(100), KEY idx_email (email));
CREATE TABLE posts (id int PRIMARY KEY, user_id int, KEY fk_post_user (user_id), CONSTRAINT fk_post_user FOREIGN KEY (user_id) REFERENCES users (id))"#,
    ),
    (
        "table_name_case_only_change",
        r#"CREATE TABLE Users (id int PRIMARY KEY, name varchar(20));
CREATE TABLE posts (id int PRIMARY KEY, user_id int, CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES Users (id))"#,
        r#"CREATE TABLE users (id int PRIMARY KEY, name varchar(20));
CREATE TABLE posts (id int PRIMARY KEY, user_id int, CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id))"#,
    ),
    (
        "enum_default_and_comment_case_changes",
        r#"CREATE TABLE t (id int PRIMARY KEY, state enum('Draft','Live') NOT NULL DEFAULT 'Draft', status varchar(10) DEFAULT 'Active' COMMENT 'User Status')"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, state enum('draft','live') NOT NULL DEFAULT 'draft', status varchar(10) DEFAULT 'active' COMMENT 'user status')"#,
    ),
    (
        "binary_attribute_and_charset_binary",
        r#"CREATE TABLE t (id int PRIMARY KEY, code varchar(20), raw char(10), body text, tag varchar(10) CHARACTER SET latin1)"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, code varchar(20) BINARY, raw char(10) CHARACTER SET binary, body text BINARY, tag varchar(10) CHARACTER SET latin1 BINARY)"#,
    ),
    (
        "table_collation_change_keeps_one_column",
        r#"CREATE TABLE t (id int PRIMARY KEY, a varchar(20), b varchar(20), c text) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a varchar(20) COLLATE utf8mb4_general_ci, b varchar(20), c text) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"#,
    ),
    (
        "geometry_types",
        r#"CREATE TABLE places (id int PRIMARY KEY, g geometry NOT NULL, route linestring, SPATIAL KEY g (g))"#,
        r#"CREATE TABLE places (id int PRIMARY KEY, g geometry NOT NULL, route multilinestring, area multipolygon, pts multipoint, mix geometrycollection, loc point REF_SYSTEM_ID=4326 NOT NULL, SPATIAL KEY g (g), SPATIAL KEY loc (loc))"#,
    ),
    (
        "generated_persistent_and_json",
        r#"CREATE TABLE users (id int PRIMARY KEY, doc longtext CHECK (json_valid(doc)))"#,
        r#"CREATE TABLE users (id int PRIMARY KEY, doc longtext CHECK (json_valid(doc)),
  email varchar(191) AS (json_unquote(json_extract(doc, '$.email'))) PERSISTENT,
  age int GENERATED ALWAYS AS (json_value(doc, '$.age')) VIRTUAL COMMENT 'from doc' INVISIBLE,
  UNIQUE KEY users_email (email), KEY users_age (age))"#,
    ),
    (
        "compressed_columns",
        r#"CREATE TABLE pages (id int PRIMARY KEY, html mediumtext, summary varchar(1000))"#,
        r#"CREATE TABLE pages (id int PRIMARY KEY, html mediumtext COMPRESSED, summary varchar(1000) COMPRESSED NOT NULL DEFAULT '', raw blob COMPRESSED)"#,
    ),
    (
        "numeric_default_spellings",
        r#"CREATE TABLE t (id int PRIMARY KEY, a double, b float, c decimal(10,2), d int, e bigint unsigned, f tinyint, g varchar(5), h bit(8), i decimal(5,0))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a double DEFAULT 1e-5, b float DEFAULT -0.5, c decimal(10,2) DEFAULT '12.5', d int DEFAULT '5', e bigint unsigned DEFAULT 18446744073709551615, f tinyint DEFAULT -128, g varchar(5) DEFAULT 0, h bit(8) DEFAULT 255, i decimal(5,0) DEFAULT -0)"#,
    ),
    (
        "partition_by_unix_timestamp_range",
        r#"CREATE TABLE events (id bigint NOT NULL, created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id, created_at))
  PARTITION BY RANGE (UNIX_TIMESTAMP(created_at)) (PARTITION p2023 VALUES LESS THAN (UNIX_TIMESTAMP('2024-01-01 00:00:00')), PARTITION pmax VALUES LESS THAN MAXVALUE)"#,
        r#"CREATE TABLE events (id bigint NOT NULL, created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, kind varchar(20), PRIMARY KEY (id, created_at))
  PARTITION BY RANGE (UNIX_TIMESTAMP(created_at)) (PARTITION p2023 VALUES LESS THAN (UNIX_TIMESTAMP('2024-01-01 00:00:00')), PARTITION p2024 VALUES LESS THAN (UNIX_TIMESTAMP('2025-01-01 00:00:00')), PARTITION pmax VALUES LESS THAN MAXVALUE)"#,
    ),
    (
        "auto_increment_pk_to_composite",
        r#"CREATE TABLE items (id int NOT NULL AUTO_INCREMENT, tenant_id int NOT NULL, name varchar(50), PRIMARY KEY (id))"#,
        r#"CREATE TABLE items (id int NOT NULL AUTO_INCREMENT, tenant_id int NOT NULL, name varchar(50), PRIMARY KEY (tenant_id, id), KEY id (id))"#,
    ),
    (
        "parent_unique_widened_under_fk",
        r#"CREATE TABLE products (id int PRIMARY KEY, code varchar(20) NOT NULL, region char(2) NOT NULL DEFAULT 'eu', UNIQUE KEY code (code));
CREATE TABLE order_lines (id int PRIMARY KEY, product_code varchar(20), CONSTRAINT order_lines_product FOREIGN KEY (product_code) REFERENCES products (code))"#,
        r#"CREATE TABLE products (id int PRIMARY KEY, code varchar(20) NOT NULL, region char(2) NOT NULL DEFAULT 'eu', UNIQUE KEY code (code, region));
CREATE TABLE order_lines (id int PRIMARY KEY, product_code varchar(20), CONSTRAINT order_lines_product FOREIGN KEY (product_code) REFERENCES products (code))"#,
    ),
    (
        "drop_table_referenced_by_view_and_fk",
        r#"CREATE TABLE legacy_customers (id int PRIMARY KEY, name varchar(50));
CREATE TABLE customers (id int PRIMARY KEY, name varchar(50));
CREATE TABLE orders (id int PRIMARY KEY, legacy_customer_id int, customer_id int, CONSTRAINT orders_legacy FOREIGN KEY (legacy_customer_id) REFERENCES legacy_customers (id));
CREATE VIEW order_names AS SELECT o.id, l.name FROM orders o JOIN legacy_customers l ON l.id = o.legacy_customer_id"#,
        r#"CREATE TABLE customers (id int PRIMARY KEY, name varchar(50));
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id));
CREATE VIEW order_names AS SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id"#,
    ),
    (
        "reserved_word_identifiers",
        r#"CREATE TABLE `order` (`id` int PRIMARY KEY, `key` varchar(20), `group` int, `desc` text)"#,
        r#"CREATE TABLE `group` (`id` int PRIMARY KEY, `select` varchar(10));
CREATE TABLE `order` (`id` int PRIMARY KEY, `key` varchar(40) NOT NULL, `group` int, `desc` text, `range` int AS (`group` * 2) VIRTUAL, `condition` tinyint(1) DEFAULT 0,
  UNIQUE KEY `key` (`key`), KEY `index` (`group`, `range`), CONSTRAINT `check` CHECK (`group` > 0), CONSTRAINT `references` FOREIGN KEY (`group`) REFERENCES `group` (`id`));
CREATE VIEW `from` AS SELECT `key`, `group` AS `where` FROM `order`;
CREATE TRIGGER `trigger` BEFORE INSERT ON `order` FOR EACH ROW SET NEW.`condition` = 1"#,
    ),
    (
        "from_empty_cycle_view_trigger",
        "",
        r#"CREATE TABLE authors (id int PRIMARY KEY, name varchar(50), best_book_id int, KEY authors_best (best_book_id));
CREATE TABLE books (id int PRIMARY KEY, author_id int NOT NULL, title varchar(100), sales int NOT NULL DEFAULT 0, KEY books_author (author_id), CONSTRAINT books_author FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE);
ALTER TABLE authors ADD CONSTRAINT authors_best FOREIGN KEY (best_book_id) REFERENCES books (id) ON DELETE SET NULL;
CREATE TABLE book_log (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, book_id int, at datetime DEFAULT current_timestamp());
CREATE VIEW author_books AS SELECT a.name, b.title FROM authors a JOIN books b ON b.author_id = a.id;
CREATE VIEW author_book_count AS SELECT name, count(*) AS n FROM author_books GROUP BY name;
CREATE TRIGGER books_ai AFTER INSERT ON books FOR EACH ROW INSERT INTO book_log (book_id) VALUES (NEW.id)"#,
    ),
    (
        "mysqldump_set_names_header",
        r#"/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"#,
        r#"/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `name` varchar(50) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"#,
    ),
    (
        "mysqldump_conditional_trigger_and_view",
        r#"CREATE TABLE `orders` (`id` int(11) NOT NULL, `status` varchar(10) NOT NULL, `updated` datetime DEFAULT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB"#,
        r#"CREATE TABLE `orders` (`id` int(11) NOT NULL, `status` varchar(10) NOT NULL, `updated` datetime DEFAULT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `orders_bu` BEFORE UPDATE ON `orders` FOR EACH ROW SET NEW.updated = NOW() */;
/*!50001 CREATE ALGORITHM=UNDEFINED */
/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `paid_orders` AS select `orders`.`id` AS `id` from `orders` where `orders`.`status` = 'paid' */"#,
    ),
    (
        "foreign_key_checks_off_child_first",
        r#"SET FOREIGN_KEY_CHECKS=0;
CREATE TABLE invoice_lines (id int PRIMARY KEY, invoice_id int NOT NULL, CONSTRAINT invoice_lines_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id));
CREATE TABLE invoices (id int PRIMARY KEY);
SET FOREIGN_KEY_CHECKS=1"#,
        r#"SET FOREIGN_KEY_CHECKS=0;
CREATE TABLE invoice_lines (id int PRIMARY KEY, invoice_id int NOT NULL, product_id int, CONSTRAINT invoice_lines_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE, CONSTRAINT invoice_lines_product FOREIGN KEY (product_id) REFERENCES products (id));
CREATE TABLE invoices (id int PRIMARY KEY, number varchar(20));
CREATE TABLE products (id int PRIMARY KEY);
SET FOREIGN_KEY_CHECKS=1"#,
    ),
    (
        "unnamed_checks_renumbered",
        r#"CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, CHECK (a > 0), CHECK (b > 0), CHECK (c > 0))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a int, b int, c int, CHECK (b > 0), CHECK (c > 0))"#,
    ),
    (
        "unnamed_fks_renumbered",
        r#"CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, author_id int, editor_id int, FOREIGN KEY (author_id) REFERENCES users (id), FOREIGN KEY (editor_id) REFERENCES users (id))"#,
        r#"CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, author_id int, editor_id int, KEY author_id (author_id), FOREIGN KEY (editor_id) REFERENCES users (id))"#,
    ),
    (
        "unnamed_unique_keys_renumbered",
        r#"CREATE TABLE t (id int PRIMARY KEY, email varchar(100), tenant int, UNIQUE (email), UNIQUE (email, tenant))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, email varchar(100), tenant int, UNIQUE (email, tenant))"#,
    ),
    (
        "column_references_clause",
        r#"CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int)"#,
        r#"CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id) ON DELETE CASCADE, reviewer_id int, FOREIGN KEY posts_reviewer (reviewer_id) REFERENCES users (id))"#,
    ),
    (
        "column_check_to_table_check_same_name",
        r#"CREATE TABLE t (id int PRIMARY KEY, price int CHECK (price > 0), qty int)"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, price int, qty int CHECK (qty >= 0), CONSTRAINT price CHECK (price > 0))"#,
    ),
    (
        "dump_header_line_comments",
        r#"-- MySQL dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
--
-- Host: localhost    Database: app
-- ------------------------------------------------------
-- Server version	10.11.6-MariaDB-0+deb12u1

--
-- Table structure for table `t`
--

CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"#,
        r#"-- MySQL dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
--
-- Table structure for table `t`
--

# a hash comment
CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `note` varchar(20) DEFAULT NULL COMMENT '-- not a comment',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"#,
    ),
    (
        "create_if_not_exists_and_or_replace",
        r#"CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, qty int);
CREATE OR REPLACE VIEW item_qty AS SELECT id, qty FROM items"#,
        r#"CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, qty int, price int);
CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY);
CREATE OR REPLACE VIEW item_qty AS SELECT id, qty FROM items;
CREATE OR REPLACE VIEW item_qty AS SELECT id, qty, price FROM items;
DROP TRIGGER IF EXISTS items_bi;
CREATE DEFINER=CURRENT_USER TRIGGER items_bi BEFORE INSERT ON items FOR EACH ROW SET NEW.qty = coalesce(NEW.qty, 0)"#,
    ),
    (
        "desired_file_with_alter_history",
        r#"CREATE TABLE accounts (id int PRIMARY KEY, fullname varchar(100), KEY idx_fullname (fullname))"#,
        r#"CREATE TABLE accounts (id int PRIMARY KEY, fullname varchar(100), KEY idx_fullname (fullname));
ALTER TABLE accounts RENAME COLUMN fullname TO display_name;
ALTER TABLE accounts RENAME INDEX idx_fullname TO idx_display_name;
ALTER TABLE accounts ADD COLUMN email varchar(100) AFTER id, ADD UNIQUE KEY uq_email (email);
ALTER TABLE accounts RENAME TO users"#,
    ),
    (
        "dashes_and_dots_in_names",
        r#"CREATE TABLE `user-accounts` (`id` int PRIMARY KEY, `e.mail` varchar(100))"#,
        r#"CREATE TABLE `user-accounts` (`id` int PRIMARY KEY, `e.mail` varchar(150), `2fa_enabled` tinyint(1) NOT NULL DEFAULT 0, KEY `idx.e-mail` (`e.mail`));
CREATE TABLE `log.entries` (`id` int PRIMARY KEY, `account-id` int, CONSTRAINT `fk.log-account` FOREIGN KEY (`account-id`) REFERENCES `user-accounts` (`id`));
CREATE VIEW `active-users` AS SELECT `id`, `e.mail` FROM `user-accounts` WHERE `2fa_enabled` = 1;
CREATE TRIGGER `log.entries-bi` BEFORE INSERT ON `log.entries` FOR EACH ROW SET NEW.`account-id` = coalesce(NEW.`account-id`, 0)"#,
    ),
    (
        "column_charset_default_collation",
        r#"CREATE TABLE t (id int PRIMARY KEY, a varchar(20), b varchar(20)) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a varchar(20) CHARACTER SET utf8mb4, b varchar(20) CHARACTER SET latin1, c text CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"#,
    ),
    (
        "view_select_star_table_grows",
        r#"CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE VIEW v AS SELECT * FROM t"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a int, b varchar(10));
CREATE VIEW v AS SELECT * FROM t"#,
    ),
    (
        "create_table_like",
        r#"CREATE TABLE orders (id int PRIMARY KEY, total int, KEY total (total))"#,
        r#"CREATE TABLE orders (id int PRIMARY KEY, total int, placed date, KEY total (total));
CREATE TABLE orders_archive LIKE orders"#,
    ),
    (
        "routines_in_schema_file",
        r#"CREATE TABLE t (id int PRIMARY KEY, n int)"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, n int, m int);
CREATE PROCEDURE bump(IN k int) BEGIN UPDATE t SET n = n + 1 WHERE id = k; END;
CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x * 2;
CREATE EVENT purge_t ON SCHEDULE EVERY 1 DAY DO DELETE FROM t WHERE n < 0"#,
    ),
    (
        "view_calls_stored_function",
        r#"CREATE TABLE prices (id int PRIMARY KEY, net decimal(10,2))"#,
        r#"CREATE TABLE prices (id int PRIMARY KEY, net decimal(10,2));
CREATE FUNCTION gross(x decimal(10,2)) RETURNS decimal(10,2) DETERMINISTIC RETURN x * 1.2;
CREATE VIEW gross_prices AS SELECT id, gross(net) AS gross FROM prices"#,
    ),
    ("min_sequence_added", "", "CREATE SEQUENCE s"),
    ("min_sequence_dropped", "CREATE SEQUENCE s", ""),
    ("min_auto_increment_start", "CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT=1000", "CREATE TABLE t (id int AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT=5000"),
    ("min_compressed", "CREATE TABLE t (id int PRIMARY KEY, c text)", "CREATE TABLE t (id int PRIMARY KEY, c text COMPRESSED)"),
    ("min_dump_set_comment", "", "/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE t (id int PRIMARY KEY)"),
    ("min_dump_set_comment_from", "/*!40101 SET NAMES utf8mb4 */;\nCREATE TABLE t (id int PRIMARY KEY)", "CREATE TABLE t (id int PRIMARY KEY)"),
    ("min_unnamed_fk_renumbered", "CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, a int, b int, FOREIGN KEY (a) REFERENCES p (id), FOREIGN KEY (b) REFERENCES p (id))", "CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, a int, b int, KEY a (a), FOREIGN KEY (b) REFERENCES p (id))"),
    ("min_function_in_file", "", "CREATE TABLE t (id int PRIMARY KEY);
CREATE FUNCTION f() RETURNS int DETERMINISTIC RETURN 1"),
    (
        "trigger_body_with_comments",
        r#"CREATE TABLE t (id int PRIMARY KEY, name varchar(50), slug varchar(50))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, name varchar(50), slug varchar(50));
CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW BEGIN /* keep the slug in sync */ SET NEW.slug = lower(replace(NEW.name, ' ', '-')); -- trailing note
END"#,
    ),
    (
        "min_trigger_comment",
        "CREATE TABLE t (id int PRIMARY KEY, a int)",
        "CREATE TABLE t (id int PRIMARY KEY, a int);
CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1 /* note */",
    ),
    // Key order (found by tests/pairs.rs): SHOW CREATE TABLE lists keys by class, then by creation.
    (
        "unnamed_fk_actions_changed_before_named",
        "CREATE TABLE p (id int NOT NULL, PRIMARY KEY (id));\nCREATE TABLE c (x int, y int, \
           FOREIGN KEY (x) REFERENCES p (id) ON DELETE SET NULL, CONSTRAINT fk_1 FOREIGN KEY (y) REFERENCES p (id))",
        "CREATE TABLE p (id int NOT NULL, PRIMARY KEY (id));\nCREATE TABLE c (x int, y int, \
           FOREIGN KEY (x) REFERENCES p (id) ON DELETE CASCADE, CONSTRAINT fk_1 FOREIGN KEY (y) REFERENCES p (id))",
    ),
    (
        "unique_key_column_made_nullable",
        "CREATE TABLE t (a float, b int NOT NULL, CONSTRAINT uq_1 UNIQUE (a), UNIQUE (b))",
        "CREATE TABLE t (a float, b int, CONSTRAINT uq_1 UNIQUE (a), UNIQUE (b))",
    ),
    (
        "unique_key_column_made_not_null",
        "CREATE TABLE t (a float, b int, CONSTRAINT uq_1 UNIQUE (a), UNIQUE (b))",
        "CREATE TABLE t (a float, b int NOT NULL, CONSTRAINT uq_1 UNIQUE (a), UNIQUE (b))",
    ),
    (
        "cycle_with_named_and_unnamed_fks_created",
        "CREATE TABLE other (id int PRIMARY KEY)",
        "CREATE TABLE other (id int PRIMARY KEY);\nCREATE TABLE items (id int PRIMARY KEY, a bigint unsigned, b bigint unsigned NOT NULL);\n\
         CREATE TABLE tags (id bigint unsigned PRIMARY KEY, item_id int, CONSTRAINT fk_t FOREIGN KEY (item_id) REFERENCES items (id));\n\
         ALTER TABLE items ADD CONSTRAINT fk_19 FOREIGN KEY (a) REFERENCES tags (id);\n\
         ALTER TABLE items ADD FOREIGN KEY (b) REFERENCES tags (id)",
    ),
    (
        "system_versioning_explicit_columns",
        r#"CREATE TABLE prices (id int PRIMARY KEY, amount int)"#,
        r#"CREATE TABLE prices (id int PRIMARY KEY, amount int, row_start TIMESTAMP(6) GENERATED ALWAYS AS ROW START INVISIBLE, row_end TIMESTAMP(6) GENERATED ALWAYS AS ROW END INVISIBLE, PERIOD FOR SYSTEM_TIME(row_start, row_end)) WITH SYSTEM VERSIONING"#,
    ),
    (
        "sysver_explicit_columns_added",
        "CREATE TABLE t (id int PRIMARY KEY)",
        "CREATE TABLE t (id int PRIMARY KEY, rs TIMESTAMP(6) GENERATED ALWAYS AS ROW START, re TIMESTAMP(6) GENERATED ALWAYS AS ROW END, PERIOD FOR SYSTEM_TIME(rs, re)) WITH SYSTEM VERSIONING",
    ),
    (
        "sysver_explicit_columns_created",
        "",
        "CREATE TABLE t (id int PRIMARY KEY, rs TIMESTAMP(6) GENERATED ALWAYS AS ROW START, re TIMESTAMP(6) GENERATED ALWAYS AS ROW END, PERIOD FOR SYSTEM_TIME(rs, re)) WITH SYSTEM VERSIONING",
    ),
    (
        "compression_added_with_comment",
        "CREATE TABLE t (id int PRIMARY KEY)",
        "CREATE TABLE t (id int PRIMARY KEY) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8 COMMENT='archived'",
    ),
    (
        "compression_removed_keys_rebuilt",
        "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int PRIMARY KEY, a int, p_id int, UNIQUE KEY ua (a), \
           CONSTRAINT t_p FOREIGN KEY (p_id) REFERENCES p (id)) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8",
        "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE t (id int PRIMARY KEY, a int, p_id int, UNIQUE KEY ua (a), \
           CONSTRAINT t_p FOREIGN KEY (p_id) REFERENCES p (id))",
    ),
    (
        "key_block_size_halved",
        "CREATE TABLE t (id int PRIMARY KEY, a int, KEY ka (a)) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY ka (a)) ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=4",
    ),
    (
        "pk_type_with_referencing_fks",
        "CREATE TABLE users (id int NOT NULL AUTO_INCREMENT PRIMARY KEY);\nCREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL, CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id));\nCREATE TABLE likes (user_id int NOT NULL, post_id int NOT NULL, PRIMARY KEY (user_id, post_id), CONSTRAINT likes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE, CONSTRAINT likes_post FOREIGN KEY (post_id) REFERENCES posts (id))",
        "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY);\nCREATE TABLE posts (id int PRIMARY KEY, user_id bigint unsigned NOT NULL, CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id));\nCREATE TABLE likes (user_id bigint unsigned NOT NULL, post_id int NOT NULL, PRIMARY KEY (user_id, post_id), CONSTRAINT likes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE, CONSTRAINT likes_post FOREIGN KEY (post_id) REFERENCES posts (id))",
    ),
    (
        "unique_referenced_dropped_with_fk",
        "CREATE TABLE p (id int PRIMARY KEY, code varchar(10) NOT NULL, UNIQUE KEY code (code));\nCREATE TABLE c (id int PRIMARY KEY, p_code varchar(10), CONSTRAINT c_code FOREIGN KEY (p_code) REFERENCES p (code))",
        "CREATE TABLE p (id int PRIMARY KEY, code varchar(10) NOT NULL);\nCREATE TABLE c (id int PRIMARY KEY, p_code varchar(10))",
    ),
    (
        "fk_both_sides_type_change_composite",
        "CREATE TABLE p (a int NOT NULL, b smallint NOT NULL, PRIMARY KEY (a, b));\nCREATE TABLE c (id int PRIMARY KEY, pa int, pb smallint, CONSTRAINT c_ab FOREIGN KEY (pa, pb) REFERENCES p (a, b))",
        "CREATE TABLE p (a bigint NOT NULL, b int NOT NULL, PRIMARY KEY (a, b));\nCREATE TABLE c (id int PRIMARY KEY, pa bigint, pb int, CONSTRAINT c_ab FOREIGN KEY (pa, pb) REFERENCES p (a, b))",
    ),
    (
        "self_fk_type_change",
        "CREATE TABLE n (id int PRIMARY KEY, parent int, CONSTRAINT n_p FOREIGN KEY (parent) REFERENCES n (id))",
        "CREATE TABLE n (id bigint PRIMARY KEY, parent bigint, CONSTRAINT n_p FOREIGN KEY (parent) REFERENCES n (id))",
    ),
    (
        "collation_of_fk_columns",
        "CREATE TABLE p (code varchar(10) CHARACTER SET latin1 NOT NULL PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, code varchar(10) CHARACTER SET latin1, CONSTRAINT c_code FOREIGN KEY (code) REFERENCES p (code))",
        "CREATE TABLE p (code varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, code varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin, CONSTRAINT c_code FOREIGN KEY (code) REFERENCES p (code))",
    ),
    (
        "wordpress_postmeta",
        "",
        "CREATE TABLE wp_postmeta (meta_id bigint(20) unsigned NOT NULL auto_increment, post_id bigint(20) unsigned NOT NULL default '0', meta_key varchar(255) default NULL, meta_value longtext, PRIMARY KEY (meta_id), KEY post_id (post_id), KEY meta_key (meta_key(191))) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_520_ci",
    ),
    (
        "laravel_soft_deletes",
        "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(255) NOT NULL, created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, UNIQUE KEY users_email_unique (email)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
        "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(255) NOT NULL, email_verified_at timestamp NULL DEFAULT NULL, remember_token varchar(100) DEFAULT NULL, created_at timestamp NULL DEFAULT NULL, updated_at timestamp NULL DEFAULT NULL, deleted_at timestamp NULL DEFAULT NULL, UNIQUE KEY users_email_unique (email), KEY users_deleted_at_index (deleted_at)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci",
    ),
    (
        "partition_list",
        "CREATE TABLE t (id int NOT NULL, region char(2) NOT NULL, PRIMARY KEY (id, region))",
        "CREATE TABLE t (id int NOT NULL, region char(2) NOT NULL, PRIMARY KEY (id, region)) PARTITION BY LIST COLUMNS (region) (PARTITION eu VALUES IN ('de','fr'), PARTITION us VALUES IN ('us'))",
    ),
    (
        "two_triggers_same_event",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int)",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int);\nCREATE TRIGGER t1 BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1;\nCREATE TRIGGER t2 BEFORE INSERT ON t FOR EACH ROW FOLLOWS t1 SET NEW.b = NEW.a + 1",
    ),
    (
        "pk_extended_with_autoinc",
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT, tenant int NOT NULL, PRIMARY KEY (id))",
        "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT, tenant int NOT NULL, PRIMARY KEY (tenant, id), KEY (id))",
    ),
    (
        "unique_nullable_to_pk",
        "CREATE TABLE t (code char(4), name varchar(10), UNIQUE KEY code (code))",
        "CREATE TABLE t (code char(4) NOT NULL, name varchar(10), PRIMARY KEY (code))",
    ),
    (
        // MariaDB's InnoDB page compression; the reverse removes it.
        "page_compression_added",
        "CREATE TABLE t (id int PRIMARY KEY, body text)",
        "CREATE TABLE t (id int PRIMARY KEY, body text) ENGINE=InnoDB PAGE_COMPRESSED=1 PAGE_COMPRESSION_LEVEL=6",
    ),
    (
        // Four-byte UTF-8 in comments and a default, as a user's file holds it.
        "emoji_in_comments_and_defaults",
        "CREATE TABLE t (id int PRIMARY KEY) COMMENT 'plain'",
        "CREATE TABLE t (id int PRIMARY KEY COMMENT 'clé 🔑', name varchar(20) DEFAULT '名前 ✓' COMMENT '名前', \
         mood varchar(8) NOT NULL DEFAULT '🙂') COMMENT 'tablé 🎉'",
    ),
    (
        // MariaDB: a column left out of a system-versioned table's history.
        "column_excluded_from_versioning",
        "CREATE TABLE h (id int PRIMARY KEY, v int, hits int) WITH SYSTEM VERSIONING",
        "CREATE TABLE h (id int PRIMARY KEY, v int, hits int WITHOUT SYSTEM VERSIONING, \
         views bigint NOT NULL DEFAULT 0 WITHOUT SYSTEM VERSIONING) WITH SYSTEM VERSIONING",
    ),
    (
        "versioned_created_with_unversioned_column",
        "CREATE TABLE x (id int PRIMARY KEY)",
        "CREATE TABLE x (id int PRIMARY KEY);\n\
         CREATE TABLE h (id int PRIMARY KEY, v int, hits int WITHOUT SYSTEM VERSIONING) WITH SYSTEM VERSIONING",
    ),
    (
        // MariaDB refuses `WITHOUT SYSTEM VERSIONING` on a column until the
        // table is versioned, even after `ADD SYSTEM VERSIONING` in the same
        // statement: the columns follow in a second ALTER.
        "versioning_added_with_unversioned_column",
        "CREATE TABLE h (id int PRIMARY KEY, v int, hits int)",
        "CREATE TABLE h (id int PRIMARY KEY, v int, hits int WITHOUT SYSTEM VERSIONING) WITH SYSTEM VERSIONING",
    ),
    (
        "vers_new_unversioned_and_changes",
        "CREATE TABLE h (id int PRIMARY KEY, v int, hits int, KEY h_v (v))",
        "CREATE TABLE h (id bigint PRIMARY KEY, views bigint NOT NULL DEFAULT 0 WITHOUT SYSTEM VERSIONING, \
         v varchar(10), hits int WITHOUT SYSTEM VERSIONING, KEY h_v (v)) WITH SYSTEM VERSIONING",
    ),
    (
        "vers_period_and_unversioned",
        "CREATE TABLE h (id int PRIMARY KEY, v int)",
        "CREATE TABLE h (id int PRIMARY KEY, v int, hits int WITHOUT SYSTEM VERSIONING, \
         rs TIMESTAMP(6) GENERATED ALWAYS AS ROW START, re TIMESTAMP(6) GENERATED ALWAYS AS ROW END, \
         PERIOD FOR SYSTEM_TIME (rs, re)) WITH SYSTEM VERSIONING",
    ),
    (
        "page_compression_level_dropped",
        "CREATE TABLE t (id int PRIMARY KEY) PAGE_COMPRESSED=1 PAGE_COMPRESSION_LEVEL=9",
        "CREATE TABLE t (id int PRIMARY KEY) PAGE_COMPRESSED=1",
    ),
];

/// Changes the plugin does not converge on yet (MariaDB-only engines and
/// temporal tables, a cast the server refuses, keys the catalog does not
/// describe); `known_gaps_still_fail` (ignored) runs them.
pub const KNOWN_GAPS: &[(&str, &str, &str)] = &[
    (
        // Partitioning by SYSTEM_TIME: the catalog lists the partitions but
        // not their INTERVAL or LIMIT, which only SHOW CREATE shows (with a
        // STARTS timestamp the server fills in).
        "history_partitioned_by_system_time",
        "CREATE TABLE h (id int PRIMARY KEY, v int) WITH SYSTEM VERSIONING",
        "CREATE TABLE h (id int PRIMARY KEY, v int) WITH SYSTEM VERSIONING \
         PARTITION BY SYSTEM_TIME INTERVAL 1 MONTH (PARTITION p_hist HISTORY, PARTITION p_cur CURRENT)",
    ),
    (
        "mariadb_inet_and_uuid_columns",
        r#"CREATE TABLE visits (id int PRIMARY KEY, ip varchar(45) NOT NULL, ip4 int unsigned, token char(36), KEY visits_ip (ip))"#,
        r#"CREATE TABLE visits (id int PRIMARY KEY, ip inet6 NOT NULL, ip4 inet4, token uuid DEFAULT uuid(), ref char(36) DEFAULT uuid(), short_id bigint unsigned DEFAULT uuid_short(), KEY visits_ip (ip))"#,
    ),
    (
        "aria_engine_tables",
        r#"CREATE TABLE cache (k varchar(64) NOT NULL PRIMARY KEY, v text) ENGINE=Aria TRANSACTIONAL=1 PAGE_CHECKSUM=1;
CREATE TABLE logs (id int NOT NULL PRIMARY KEY, msg varchar(200)) ENGINE=Aria ROW_FORMAT=PAGE"#,
        r#"CREATE TABLE cache (k varchar(64) NOT NULL PRIMARY KEY, v text, exp int, KEY exp (exp)) ENGINE=Aria TRANSACTIONAL=0 PAGE_CHECKSUM=0 ROW_FORMAT=DYNAMIC;
CREATE TABLE logs (id int NOT NULL PRIMARY KEY, msg varchar(200)) ENGINE=InnoDB;
CREATE TABLE stats (id int NOT NULL PRIMARY KEY, hits bigint NOT NULL DEFAULT 0, note varchar(100), FULLTEXT KEY ft (note)) ENGINE=Aria"#,
    ),
    (
        "aria_options_removed",
        r#"CREATE TABLE t (id int NOT NULL PRIMARY KEY) ENGINE=Aria TRANSACTIONAL=1 PAGE_CHECKSUM=0"#,
        r#"CREATE TABLE t (id int NOT NULL PRIMARY KEY) ENGINE=Aria"#,
    ),
    (
        "myisam_fulltext_to_aria",
        r#"CREATE TABLE posts (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, title varchar(200), body text, FULLTEXT KEY ft (title, body)) ENGINE=MyISAM DEFAULT CHARSET=latin1"#,
        r#"CREATE TABLE posts (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, title varchar(200), body text, FULLTEXT KEY ft (title, body)) ENGINE=Aria DEFAULT CHARSET=utf8mb4 TRANSACTIONAL=1"#,
    ),
    (
        "mrg_myisam_union_changed",
        r#"CREATE TABLE log_2023 (id int NOT NULL, msg varchar(100), KEY (id)) ENGINE=MyISAM;
CREATE TABLE log_2024 (id int NOT NULL, msg varchar(100), KEY (id)) ENGINE=MyISAM;
CREATE TABLE log_all (id int NOT NULL, msg varchar(100), KEY (id)) ENGINE=MRG_MyISAM UNION=(log_2023) INSERT_METHOD=LAST"#,
        r#"CREATE TABLE log_2023 (id int NOT NULL, msg varchar(100), KEY (id)) ENGINE=MyISAM;
CREATE TABLE log_2024 (id int NOT NULL, msg varchar(100), KEY (id)) ENGINE=MyISAM;
CREATE TABLE log_all (id int NOT NULL, msg varchar(100), KEY (id)) ENGINE=MRG_MyISAM UNION=(log_2023,log_2024) INSERT_METHOD=LAST"#,
    ),
    (
        "application_time_period_without_overlaps",
        r#"CREATE TABLE rooms (id int PRIMARY KEY);
CREATE TABLE bookings (id int PRIMARY KEY, room_id int NOT NULL, valid_from date NOT NULL, valid_to date NOT NULL)"#,
        r#"CREATE TABLE rooms (id int PRIMARY KEY);
CREATE TABLE bookings (id int NOT NULL, room_id int NOT NULL, valid_from date NOT NULL, valid_to date NOT NULL, PERIOD FOR stay(valid_from, valid_to), PRIMARY KEY (id), UNIQUE KEY room_stay (room_id, stay WITHOUT OVERLAPS))"#,
    ),
    (
        "binary_defaults",
        r#"CREATE TABLE t (id int PRIMARY KEY, flags binary(4), salt varbinary(8), pad binary(4))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, flags binary(4) NOT NULL DEFAULT 0x00000000, salt varbinary(8) NOT NULL DEFAULT '', pad binary(4) DEFAULT 'ab', mark varbinary(4) DEFAULT x'ff00')"#,
    ),
    (
        "index_using_hash_on_innodb",
        r#"CREATE TABLE routes (id int PRIMARY KEY, a int, url varchar(2000) NOT NULL, method varchar(10) NOT NULL)"#,
        r#"CREATE TABLE routes (id int PRIMARY KEY, a int, url varchar(2000) NOT NULL, method varchar(10) NOT NULL, KEY ka (a) USING HASH, UNIQUE KEY route (url, method) USING HASH)"#,
    ),
    (
        "min_int_to_inet4",
        "CREATE TABLE t (id int PRIMARY KEY, ip4 int unsigned)",
        "CREATE TABLE t (id int PRIMARY KEY, ip4 inet4)",
    ),
    ("min_aria_created", "", "CREATE TABLE t (id int PRIMARY KEY) ENGINE=Aria"),
    (
        "min_aria_to_innodb",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=Aria",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=InnoDB",
    ),
    (
        "min_myisam_to_aria",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=MyISAM",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=Aria",
    ),
    (
        "min_aria_page_checksum_removed",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=Aria PAGE_CHECKSUM=0",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=Aria",
    ),
    (
        "min_aria_transactional_removed",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=Aria TRANSACTIONAL=1",
        "CREATE TABLE t (id int PRIMARY KEY) ENGINE=Aria",
    ),
    (
        "min_merge_union",
        "CREATE TABLE a (id int) ENGINE=MyISAM;\nCREATE TABLE b (id int) ENGINE=MyISAM;\nCREATE TABLE m (id int) ENGINE=MRG_MyISAM UNION=(a)",
        "CREATE TABLE a (id int) ENGINE=MyISAM;\nCREATE TABLE b (id int) ENGINE=MyISAM;\nCREATE TABLE m (id int) ENGINE=MRG_MyISAM UNION=(a,b)",
    ),
    (
        "min_period",
        "CREATE TABLE t (id int PRIMARY KEY, s date NOT NULL, e date NOT NULL)",
        "CREATE TABLE t (id int PRIMARY KEY, s date NOT NULL, e date NOT NULL, PERIOD FOR p(s, e))",
    ),
    (
        "min_varbinary_high_byte_default",
        "CREATE TABLE t (id int PRIMARY KEY)",
        "CREATE TABLE t (id int PRIMARY KEY, b varbinary(2) DEFAULT x'ff')",
    ),
    (
        "min_key_using_hash",
        "CREATE TABLE t (id int PRIMARY KEY, a int, KEY ka (a))",
        "CREATE TABLE t (id int PRIMARY KEY, a int, KEY ka (a) USING HASH)",
    ),
];

/// Changes that converge through the CLI (`migrate down` plans from the
/// database's state) but whose statements' own reverses re-add a dropped key
/// after the keys the server lists after it: the plugin suite checks them
/// forward only.
pub const REVERSE_KEY_ORDER: &[(&str, &str, &str)] = &[
    (
        "shop_schema_22_tables_release",
        r#"CREATE TABLE countries (code char(2) NOT NULL PRIMARY KEY, name varchar(100) NOT NULL);
CREATE TABLE currencies (code char(3) NOT NULL PRIMARY KEY, symbol varchar(5) NOT NULL);
CREATE TABLE customers (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(191) NOT NULL, name varchar(100), country char(2), created_at timestamp NULL DEFAULT NULL, UNIQUE KEY customers_email (email), KEY customers_country (country), CONSTRAINT customers_country FOREIGN KEY (country) REFERENCES countries (code));
CREATE TABLE addresses (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id int unsigned NOT NULL, line1 varchar(200) NOT NULL, city varchar(100) NOT NULL, zip varchar(10), country char(2) NOT NULL, CONSTRAINT addresses_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, CONSTRAINT addresses_country FOREIGN KEY (country) REFERENCES countries (code));
CREATE TABLE categories (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, parent_id int unsigned, name varchar(100) NOT NULL, slug varchar(100) NOT NULL, UNIQUE KEY categories_slug (slug), CONSTRAINT categories_parent FOREIGN KEY (parent_id) REFERENCES categories (id));
CREATE TABLE brands (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(100) NOT NULL);
CREATE TABLE products (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, sku varchar(32) NOT NULL, name varchar(200) NOT NULL, description text, price decimal(10,2) NOT NULL, currency char(3) NOT NULL DEFAULT 'EUR', brand_id int unsigned, category_id int unsigned, active tinyint(1) NOT NULL DEFAULT 1, UNIQUE KEY products_sku (sku), CONSTRAINT products_brand FOREIGN KEY (brand_id) REFERENCES brands (id), CONSTRAINT products_category FOREIGN KEY (category_id) REFERENCES categories (id), CONSTRAINT products_currency FOREIGN KEY (currency) REFERENCES currencies (code));
CREATE TABLE product_images (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, product_id int unsigned NOT NULL, url varchar(255) NOT NULL, position smallint NOT NULL DEFAULT 0, CONSTRAINT product_images_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE);
CREATE TABLE tags (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL);
CREATE TABLE product_tags (product_id int unsigned NOT NULL, tag_id int unsigned NOT NULL, PRIMARY KEY (product_id, tag_id), CONSTRAINT product_tags_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE, CONSTRAINT product_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE);
CREATE TABLE warehouses (id smallint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL, country char(2) NOT NULL);
CREATE TABLE stock (product_id int unsigned NOT NULL, warehouse_id smallint unsigned NOT NULL, qty int NOT NULL DEFAULT 0, PRIMARY KEY (product_id, warehouse_id), CONSTRAINT stock_product FOREIGN KEY (product_id) REFERENCES products (id), CONSTRAINT stock_warehouse FOREIGN KEY (warehouse_id) REFERENCES warehouses (id));
CREATE TABLE carts (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id int unsigned, created_at timestamp NULL DEFAULT NULL, CONSTRAINT carts_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL);
CREATE TABLE cart_items (cart_id int unsigned NOT NULL, product_id int unsigned NOT NULL, qty int NOT NULL DEFAULT 1, PRIMARY KEY (cart_id, product_id), CONSTRAINT cart_items_cart FOREIGN KEY (cart_id) REFERENCES carts (id) ON DELETE CASCADE, CONSTRAINT cart_items_product FOREIGN KEY (product_id) REFERENCES products (id));
CREATE TABLE orders (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id int unsigned NOT NULL, status varchar(20) NOT NULL DEFAULT 'new', total decimal(10,2) NOT NULL, currency char(3) NOT NULL, created_at timestamp NULL DEFAULT NULL, KEY orders_status (status), CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id), CONSTRAINT orders_currency FOREIGN KEY (currency) REFERENCES currencies (code));
CREATE TABLE order_items (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id int unsigned NOT NULL, product_id int unsigned NOT NULL, qty int NOT NULL, unit_price decimal(10,2) NOT NULL, CONSTRAINT order_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE, CONSTRAINT order_items_product FOREIGN KEY (product_id) REFERENCES products (id));
CREATE TABLE payments (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id int unsigned NOT NULL, amount decimal(10,2) NOT NULL, provider varchar(20) NOT NULL, ref varchar(64), CONSTRAINT payments_order FOREIGN KEY (order_id) REFERENCES orders (id));
CREATE TABLE shipments (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id int unsigned NOT NULL, address_id int unsigned NOT NULL, warehouse_id smallint unsigned NOT NULL, tracking varchar(64), shipped_at datetime, CONSTRAINT shipments_order FOREIGN KEY (order_id) REFERENCES orders (id), CONSTRAINT shipments_address FOREIGN KEY (address_id) REFERENCES addresses (id), CONSTRAINT shipments_warehouse FOREIGN KEY (warehouse_id) REFERENCES warehouses (id));
CREATE TABLE reviews (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, product_id int unsigned NOT NULL, customer_id int unsigned NOT NULL, rating tinyint NOT NULL, body text, CONSTRAINT reviews_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE, CONSTRAINT reviews_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE);
CREATE TABLE coupons (code varchar(20) NOT NULL PRIMARY KEY, percent tinyint unsigned NOT NULL, valid_until date);
CREATE TABLE order_coupons (order_id int unsigned NOT NULL, coupon varchar(20) NOT NULL, PRIMARY KEY (order_id, coupon), CONSTRAINT order_coupons_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE, CONSTRAINT order_coupons_coupon FOREIGN KEY (coupon) REFERENCES coupons (code));
CREATE TABLE audit_log (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, entity varchar(30) NOT NULL, entity_id int unsigned NOT NULL, action varchar(10) NOT NULL, at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, KEY audit_entity (entity, entity_id));
CREATE VIEW order_totals AS SELECT o.id, o.customer_id, sum(i.qty * i.unit_price) AS total FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.id, o.customer_id;
CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit_log (entity, entity_id, action) VALUES ('order', NEW.id, 'insert')"#,
        r#"CREATE TABLE countries (code char(2) NOT NULL PRIMARY KEY, name varchar(100) NOT NULL, eu tinyint(1) NOT NULL DEFAULT 0);
CREATE TABLE currencies (code char(3) NOT NULL PRIMARY KEY, symbol varchar(5) NOT NULL, decimals tinyint unsigned NOT NULL DEFAULT 2);
CREATE TABLE customers (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(191) NOT NULL, name varchar(150), country char(2), created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, deleted_at timestamp NULL DEFAULT NULL, UNIQUE KEY customers_email (email), KEY customers_country (country), KEY customers_deleted (deleted_at), CONSTRAINT customers_country FOREIGN KEY (country) REFERENCES countries (code));
CREATE TABLE addresses (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id bigint unsigned NOT NULL, line1 varchar(200) NOT NULL, line2 varchar(200), city varchar(100) NOT NULL, zip varchar(16), country char(2) NOT NULL, CONSTRAINT addresses_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, CONSTRAINT addresses_country FOREIGN KEY (country) REFERENCES countries (code));
CREATE TABLE categories (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, parent_id int unsigned, name varchar(100) NOT NULL, slug varchar(100) NOT NULL, position int NOT NULL DEFAULT 0, UNIQUE KEY categories_slug (slug), KEY categories_parent_position (parent_id, position), CONSTRAINT categories_parent FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE CASCADE);
CREATE TABLE products (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, sku varchar(32) NOT NULL, name varchar(200) NOT NULL, description mediumtext, price decimal(12,2) NOT NULL, currency char(3) NOT NULL DEFAULT 'EUR', category_id int unsigned, active tinyint(1) NOT NULL DEFAULT 1, UNIQUE KEY products_sku (sku), FULLTEXT KEY products_search (name, description), CONSTRAINT products_category FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE SET NULL, CONSTRAINT products_currency FOREIGN KEY (currency) REFERENCES currencies (code), CONSTRAINT products_price CHECK (price >= 0));
CREATE TABLE product_images (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, product_id int unsigned NOT NULL, url varchar(500) NOT NULL, alt varchar(200), position smallint NOT NULL DEFAULT 0, KEY product_images_order (product_id, position), CONSTRAINT product_images_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE);
CREATE TABLE tags (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL, UNIQUE KEY tags_name (name));
CREATE TABLE product_tags (product_id int unsigned NOT NULL, tag_id int unsigned NOT NULL, PRIMARY KEY (product_id, tag_id), CONSTRAINT product_tags_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE, CONSTRAINT product_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE);
CREATE TABLE warehouses (id smallint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL, country char(2) NOT NULL, CONSTRAINT warehouses_country FOREIGN KEY (country) REFERENCES countries (code));
CREATE TABLE stock (product_id int unsigned NOT NULL, warehouse_id smallint unsigned NOT NULL, qty int NOT NULL DEFAULT 0, reserved int NOT NULL DEFAULT 0, PRIMARY KEY (product_id, warehouse_id), CONSTRAINT stock_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE, CONSTRAINT stock_warehouse FOREIGN KEY (warehouse_id) REFERENCES warehouses (id), CONSTRAINT stock_reserved CHECK (reserved <= qty));
CREATE TABLE carts (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id bigint unsigned, created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, CONSTRAINT carts_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE SET NULL);
CREATE TABLE cart_items (cart_id int unsigned NOT NULL, product_id int unsigned NOT NULL, qty int NOT NULL DEFAULT 1, PRIMARY KEY (cart_id, product_id), CONSTRAINT cart_items_cart FOREIGN KEY (cart_id) REFERENCES carts (id) ON DELETE CASCADE, CONSTRAINT cart_items_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE);
CREATE TABLE orders (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id bigint unsigned NOT NULL, status enum('new','paid','shipped','cancelled','refunded') NOT NULL DEFAULT 'new', total decimal(12,2) NOT NULL, currency char(3) NOT NULL, created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, KEY orders_status_created (status, created_at), KEY orders_customer_created (customer_id, created_at), CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id), CONSTRAINT orders_currency FOREIGN KEY (currency) REFERENCES currencies (code));
CREATE TABLE order_items (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id int unsigned NOT NULL, product_id int unsigned NOT NULL, qty int NOT NULL, unit_price decimal(12,2) NOT NULL, UNIQUE KEY order_items_line (order_id, product_id), CONSTRAINT order_items_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE, CONSTRAINT order_items_product FOREIGN KEY (product_id) REFERENCES products (id), CONSTRAINT order_items_qty CHECK (qty > 0));
CREATE TABLE payments (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id int unsigned NOT NULL, amount decimal(12,2) NOT NULL, provider enum('stripe','paypal','invoice') NOT NULL, ref varchar(128), status enum('pending','ok','failed') NOT NULL DEFAULT 'pending', paid_at datetime(6), UNIQUE KEY payments_ref (provider, ref), CONSTRAINT payments_order FOREIGN KEY (order_id) REFERENCES orders (id));
CREATE TABLE shipments (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, order_id int unsigned NOT NULL, address_id int unsigned NOT NULL, warehouse_id smallint unsigned NOT NULL, carrier varchar(20), tracking varchar(100), shipped_at datetime(3), KEY shipments_tracking (carrier, tracking), CONSTRAINT shipments_order FOREIGN KEY (order_id) REFERENCES orders (id), CONSTRAINT shipments_address FOREIGN KEY (address_id) REFERENCES addresses (id), CONSTRAINT shipments_warehouse FOREIGN KEY (warehouse_id) REFERENCES warehouses (id));
CREATE TABLE reviews (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, product_id int unsigned NOT NULL, customer_id bigint unsigned NOT NULL, rating tinyint unsigned NOT NULL, title varchar(100), body text, UNIQUE KEY reviews_once (product_id, customer_id), CONSTRAINT reviews_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE, CONSTRAINT reviews_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, CONSTRAINT reviews_rating CHECK (rating BETWEEN 1 AND 5));
CREATE TABLE coupons (code varchar(20) NOT NULL PRIMARY KEY, percent decimal(5,2) NOT NULL, valid_until date, CONSTRAINT coupons_percent CHECK (percent > 0 AND percent <= 100));
CREATE TABLE order_coupons (order_id int unsigned NOT NULL, coupon varchar(20) NOT NULL, PRIMARY KEY (order_id, coupon), KEY order_coupons_coupon (coupon), CONSTRAINT order_coupons_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE, CONSTRAINT order_coupons_coupon FOREIGN KEY (coupon) REFERENCES coupons (code) ON UPDATE CASCADE);
CREATE TABLE wishlists (customer_id bigint unsigned NOT NULL, product_id int unsigned NOT NULL, added_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (customer_id, product_id), CONSTRAINT wishlists_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE, CONSTRAINT wishlists_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE);
CREATE TABLE audit_log (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, entity varchar(30) NOT NULL, entity_id bigint unsigned NOT NULL, action enum('insert','update','delete') NOT NULL, at timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), KEY audit_entity (entity, entity_id, at));
CREATE VIEW order_totals AS SELECT o.id, o.customer_id, o.status, count(i.id) AS line_count, sum(i.qty * i.unit_price) AS total FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.id, o.customer_id, o.status;
CREATE VIEW customer_spend AS SELECT customer_id, sum(total) AS spend FROM order_totals WHERE status IN ('paid', 'shipped') GROUP BY customer_id;
CREATE TRIGGER orders_ai AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit_log (entity, entity_id, action) VALUES ('order', NEW.id, 'insert');
CREATE TRIGGER orders_au AFTER UPDATE ON orders FOR EACH ROW INSERT INTO audit_log (entity, entity_id, action) VALUES ('order', NEW.id, 'update')"#,
    ),
    (
        "duplicate_indexes_legacy",
        r#"CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY a (a), KEY a_2 (a), KEY ab (a, b), KEY ab_dup (a, b))"#,
        r#"CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY a_2 (a), KEY ab (a, b))"#,
    ),
    (
        "min_reverse_key_order",
        "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, a int, b int, CONSTRAINT c_a FOREIGN KEY (a) REFERENCES p (id), CONSTRAINT c_b FOREIGN KEY (b) REFERENCES p (id))",
        "CREATE TABLE p (id int PRIMARY KEY);\nCREATE TABLE c (id int PRIMARY KEY, a int, b int, UNIQUE KEY c_ab (a, b), CONSTRAINT c_a FOREIGN KEY (a) REFERENCES p (id), CONSTRAINT c_b FOREIGN KEY (b) REFERENCES p (id))",
    ),
    (
        "min_dup_index_dropped",
        "CREATE TABLE t (id int PRIMARY KEY, a int, KEY a (a), KEY a_2 (a))",
        "CREATE TABLE t (id int PRIMARY KEY, a int, KEY a_2 (a))",
    ),
    (
        "min_index_dropped_before_other",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY a (a), KEY b (b))",
        "CREATE TABLE t (id int PRIMARY KEY, a int, b int, KEY b (b))",
    ),
];
