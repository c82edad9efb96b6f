SELECT E'\\';
SELECT e'\\A\\';
SELECT 'x';
SELECT 'a', '\';
