CREATE FUNCTION f1() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
CREATE FUNCTION f2() RETURNS trigger AS $function$
BEGIN
  NEW.updated := now();
  RETURN NEW;
END;
$function$ LANGUAGE plpgsql;
CREATE FUNCTION f3() RETURNS text AS $a1$ SELECT 'x;y'; $a1$ LANGUAGE sql;
CREATE FUNCTION f4() RETURNS int AS $BEGIN$ SELECT 1; $BEGIN$ LANGUAGE sql;
CREATE FUNCTION tcl_max(integer, integer) RETURNS integer AS $$
    if {$1 > $2} {return $1}
    return $2
$$ LANGUAGE pltcl STRICT;
DO $$
BEGIN
  RAISE NOTICE 'hello; world';
END
$$;
# a hash comment; with a semicolon
SELECT 1;
SELECT $$a;b$$;
SELECT $tag$ $$ ; $tag$;
CREATE FUNCTION f5() RETURNS int LANGUAGE plpgsql AS $_x$ BEGIN RETURN 1; END $_x$;
SELECT 'not $$ a dollar quote';
SELECT price$ FROM t;
SELECT $1;
CREATE TABLE t1 (id int);
COMMENT ON TABLE t1 IS $$it's a table$$;
SELECT $é$ x; $é$;
DROP TABLE t1;
