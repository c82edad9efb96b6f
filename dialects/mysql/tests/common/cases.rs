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
