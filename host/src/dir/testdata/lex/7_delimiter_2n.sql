-- atlas:delimiter \n\n
CREATE FUNCTION f() RETURNS int AS $$
BEGIN

  RETURN 1;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE t (id int);
