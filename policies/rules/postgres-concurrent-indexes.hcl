# On PostgreSQL, CREATE INDEX and DROP INDEX block writes to the table for as
# long as they run. On a table that already exists, build and drop indexes
# CONCURRENTLY, in a file that runs without a transaction
# (`-- atlas:txmode none`). New tables are exempt: nobody writes to them yet.
policy "postgres-create-index-concurrently" {
  match   = dialect == "postgres" && change.kind == "AddIndex" && !change.table_created && !stmt.concurrent
  action  = "deny"
  message = "create index ${change.index} on ${change.table} with CREATE INDEX CONCURRENTLY (and -- atlas:txmode none): a plain CREATE INDEX blocks writes to the table"
}

policy "postgres-drop-index-concurrently" {
  match   = dialect == "postgres" && change.kind == "DropIndex" && !stmt.concurrent
  action  = "deny"
  message = "drop index ${change.index} with DROP INDEX CONCURRENTLY (and -- atlas:txmode none): a plain DROP INDEX blocks writes to ${change.table}"
}
