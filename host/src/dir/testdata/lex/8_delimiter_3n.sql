-- atlas:delimiter \n\n\n
CREATE TABLE t1 (id int);

CREATE TABLE t2 (id int);



CREATE TABLE t3 (id int);
