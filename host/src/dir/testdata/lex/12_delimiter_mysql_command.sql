delimiter //
CREATE PROCEDURE p1() BEGIN SELECT 1; END//
delimiter ;
CREATE TABLE t1 (id int);
delimiter //
CREATE PROCEDURE p2() BEGIN SELECT 2; END//
delimiter ;
CREATE TABLE t2 (id int);
