SELECT int4range(1, 5) -|- int4range(5, 10);
CREATE TABLE t (r int4range, EXCLUDE USING gist (r WITH -|-));
SELECT (int4range(1,2) -|- int4range(2,3)), (1 --; not a delimiter
);
