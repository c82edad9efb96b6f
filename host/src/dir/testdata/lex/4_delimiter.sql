-- atlas:delimiter \n---\n
CREATE TABLE t1 (id int);
INSERT INTO t1 VALUES (1);
---
CREATE TABLE t2 (id int);
---
