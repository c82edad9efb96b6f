-- atlas:delimiter \n\n
CREATE TABLE t1 (
  id int
);

CREATE TABLE t2 (id int);
SELECT 1
