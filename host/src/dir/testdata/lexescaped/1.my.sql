SELECT 'a\\', "\\";
SELECT 'plain';
SELECT "double";
SELECT 'it\'s', "\"";
