CREATE TABLE t1 (id int);
CREATE TABLE t2 (
  -- the primary key; not a delimiter
  id int,
  name varchar(10) DEFAULT ';' /* comment; inside */
);
INSERT INTO t2 VALUES (1, 'a;b');
ALTER TABLE t2 ADD COLUMN c int;
SELECT 1;SELECT 2