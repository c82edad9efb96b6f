-- leading comment
CREATE TABLE t1 (id int);
# hash comment
CREATE TABLE t2 (
  id int -- inline comment; kept
);
/* block
   comment */
CREATE TABLE t3 (id int /* inside; kept */);

-- detached comment

INSERT INTO t1 VALUES (1);
#another
INSERT INTO t2 VALUES (2);
/* one */ /* two */
INSERT INTO t3 VALUES (3);
SELECT 1; -- trailing comment
