-- test
cmd0;
-- hello
-- world
cmd1;
-- skip

cmd2;
# command
cmd3;
/* comment1 */ /* comment2 */
cmd4;
--atlas:nolint
-- atlas:nolint destructive
cmd5;
/*atlas:nolint DS101*/
/* atlas:lint not a directive */
cmd6;
#atlas:lint error
cmd7;
