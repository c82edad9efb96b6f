CREATE TABLE t (`begin` int, `end` int);
CREATE TABLE t2 (id int, begin int, end int);
CREATE PROCEDURE p1()
BEGIN
  DECLARE x INT DEFAULT 0;
  label1: LOOP
    SET x = x + 1;
    IF x < 10 THEN
      ITERATE label1;
    END IF;
    LEAVE label1;
  END LOOP label1;
END;
CREATE FUNCTION f1(a INT) RETURNS INT DETERMINISTIC
BEGIN
  DECLARE r INT;
  IF a > 0 THEN
    BEGIN
      SET r = 1;
    END;
  ELSE
    SET r = 0;
  END IF;
  RETURN r;
END;
CREATE PROCEDURE p2(IN n INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    INSERT INTO t (`begin`, `end`) VALUES (i, i + 1);
    SET i = i + 1;
  END WHILE;
  CASE n
    WHEN 0 THEN SELECT 'zero';
    ELSE BEGIN
      SELECT 'other';
    END;
  END CASE;
END;
CREATE FUNCTION hello(s CHAR(20)) RETURNS CHAR(50) DETERMINISTIC RETURN CONCAT('Hello, ', s, '!');
CREATE PROCEDURE p3() BEGIN SELECT 1; END;
CREATE PROCEDURE p4()
BEGIN
  BEGIN
    BEGIN
      SELECT 'deep';
    END;
  END;
END;
CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW
BEGIN
  IF NEW.`begin` IS NULL THEN
    SET NEW.`begin` = 0;
  END IF;
END;
CALL p1();
CALL p2(3);
CALL p3();
SELECT f1(1), hello('world');
SELECT `begin`, `end` FROM t;
SELECT begin, end FROM t2;
INSERT INTO t2 (id, begin, end) VALUES (1, 2, 3);
DROP PROCEDURE p4;
DROP TABLE t2;
