# A revert that destroys data must be one you wrote (a down.sql section of
# the version's txtar file) or one guarded by pre-migration checks (Strata's
# computed plans check that a dropped table is empty, a dropped column holds
# no value). Anything else is refused.
policy "destructive-down-needs-down-sql-or-checks" {
  match   = command == "migrate down" && stmt.destructive && stmt.source != "down.sql" && !stmt.has_checks
  action  = "deny"
  message = "reverting version ${version} would run a destructive statement with no pre-migration check (${change.kind} ${change.name}): write a down.sql for that version"
}
