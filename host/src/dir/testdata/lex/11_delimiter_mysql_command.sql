-- create a procedure
DELIMITER $$
CREATE PROCEDURE p()
BEGIN
  SELECT 1;
END;$$
DELIMITER ;
CREATE TABLE t (id int);
