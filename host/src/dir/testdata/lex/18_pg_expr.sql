SELECT '{"a":{"b":1}}'::jsonb #>> '{a,b}';
/* SELECT 1; SELECT 2; */
SELECT data #> '{a}' FROM t;
/*
CREATE TABLE skipped (id int);
*/
CREATE TABLE t (data jsonb);
SELECT data #- '{a}' FROM t;
SELECT 2 # 3;
UPDATE t SET data = data #- '{a}';
SELECT 1;
