# Nothing that loses data runs in production: dropped tables, columns and
# schemas are refused there (dev and staging may still drop).
policy "no-drop-table-in-production" {
  match   = change.kind == "DropTable" && !change.table_created
  envs    = ["production"]
  action  = "deny"
  message = "dropping table ${change.table} is not allowed in production"
}

policy "no-drop-column-in-production" {
  match   = change.kind == "DropColumn" && !change.table_created
  envs    = ["production"]
  action  = "deny"
  message = "dropping column ${change.table}.${change.column} is not allowed in production"
}

policy "no-drop-schema-in-production" {
  match   = change.kind == "DropSchema"
  envs    = ["production"]
  action  = "deny"
  message = "dropping schema ${change.schema} is not allowed in production"
}
