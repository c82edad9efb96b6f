-- atlas:delimiter \n-- end --\n
CREATE PROCEDURE p()
BEGIN
  SELECT 1;
  SELECT 2;
END
-- end --
CREATE TABLE t (id int);
-- end --
