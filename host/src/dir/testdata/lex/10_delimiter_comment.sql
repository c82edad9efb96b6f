-- atlas:delimiter -- end
CREATE TABLE t1 (id int);
-- end
CREATE TABLE t2 (id int);
-- end
