#!/usr/bin/env bash
# Promotion from dev to staging to production on PostgreSQL, end to end.
#
#   PG_URL='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' ./walkthrough.sh
#
# PG_URL     a server where this script may create and drop databases
# STRATA     the strata binary (default: strata on PATH)
# PROMO_DB_PREFIX  prefix of the databases it creates (default: promo), which
#            are PREFIX_dev, PREFIX_staging, PREFIX_prod, PREFIX_scratch and
#            PREFIX_registry: dropped first if they exist, and at the end
#
# The project is copied to a temporary directory, so that nothing the run
# leaves behind (.strata/, atlas.sum of the working copy) lands in the repository.
set -euo pipefail

: "${PG_URL:?set PG_URL to a postgres:// URL of a server where databases may be created}"
prefix="${PROMO_DB_PREFIX:-promo}"
if [[ ! "$prefix" =~ ^[a-z_][a-z0-9_]*$ ]]; then
  echo "PROMO_DB_PREFIX must be a lowercase SQL identifier, got '$prefix'" >&2
  exit 2
fi

# The binary, by absolute path: the run happens in another directory.
STRATA="${STRATA:-strata}"
if [[ "$STRATA" == */* ]]; then
  STRATA="$(cd "$(dirname "$STRATA")" && pwd)/$(basename "$STRATA")"
else
  STRATA="$(command -v "$STRATA")" || { echo "strata is not on PATH (set STRATA)" >&2; exit 2; }
fi
strata() { "$STRATA" "$@"; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The URL of database $1 on the server of PG_URL, with PG_URL's query (sslmode, ...).
db_url() {
  local base="${PG_URL%%\?*}"
  local query="${PG_URL:${#base}}"
  local rest="${base#*://}"
  [[ "$rest" == */* ]] && base="${base%/*}"
  printf '%s/%s%s' "$base" "$1" "$query"
}
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
databases=("${prefix}_dev" "${prefix}_staging" "${prefix}_prod" "${prefix}_scratch" "${prefix}_registry")
drop_databases() {
  for db in "${databases[@]}"; do
    sql "$PG_URL" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"$db\""
  done
}

work="$(mktemp -d "${TMPDIR:-/tmp}/strata-promotion.XXXXXX")"
cleanup() {
  cd /
  drop_databases || true
  rm -rf "$work"
}
trap cleanup EXIT

drop_databases
for db in "${databases[@]}"; do
  sql "$PG_URL" -c "CREATE DATABASE \"$db\""
done
export DEV_DB_URL STAGING_DB_URL PROD_DB_URL SCRATCH_DB_URL REGISTRY_URL
DEV_DB_URL="$(db_url "${prefix}_dev")"
STAGING_DB_URL="$(db_url "${prefix}_staging")"
PROD_DB_URL="$(db_url "${prefix}_prod")"
SCRATCH_DB_URL="$(db_url "${prefix}_scratch")"
REGISTRY_URL="$(db_url "${prefix}_registry")"

heading() { printf '\n## %s\n' "$*"; }
# Prints a command as a user types it, then runs it.
show() { printf '\n$ %s\n' "$*"; "$@"; }
# Runs a command that must fail with exit code 1; its output (stdout and
# stderr) is printed and kept in $out.
out=""
refused() {
  printf '\n$ %s\n' "$*"
  local code=0
  out="$("$@" 2>&1)" || code=$?
  printf '%s\n' "$out"
  if [[ $code -ne 1 ]]; then
    echo "walkthrough: expected exit code 1 from '$*', got $code" >&2
    exit 1
  fi
  printf '(exit code 1, as expected)\n'
}
# The id of the plan that awaits approval, from a refusal in $out.
plan_id() {
  local id
  id="$(sed -n 's/.*plan \([0-9a-f]*\) awaits approval.*/\1/p' <<<"$out" | head -n 1)"
  [[ -n "$id" ]] || { echo "walkthrough: no plan awaiting approval in: $out" >&2; exit 1; }
  printf '%s' "$id"
}
# The tables of the public schema of database $1, space-separated.
tables() {
  sql "$(db_url "$1")" -c \
    "SELECT coalesce(string_agg(tablename, ' ' ORDER BY tablename), '') FROM pg_tables WHERE schemaname = 'public'"
}

# Version 1 of the application is the first two files; version 2 adds the third.
v1_files=(20240601090000_users.sql 20240601090100_orders.sql)
v2_file=20240615090000_refunds.sql

cp "$here/atlas.hcl" "$work/"
mkdir "$work/migrations"
for f in "${v1_files[@]}"; do cp "$here/migrations/$f" "$work/migrations/"; done
cd "$work"
strata migrate hash

heading "1. A developer applies version 1 to the dev database"
show strata migrate apply --env dev --operator carol

heading "2. Version 1 is released: the directory is pushed to the registry as app:v1"
show strata migrate push app:v1 --dir file://migrations --operator carol

heading "3. Version 2 adds refunds: applied to dev, pushed as app:v2"
cp "$here/migrations/$v2_file" migrations/
show strata migrate hash
cmp -s migrations/atlas.sum "$here/migrations/atlas.sum" || {
  echo "walkthrough: $here/migrations/atlas.sum is stale: run strata migrate hash there" >&2
  exit 1
}
show strata migrate apply --env dev --operator carol
show strata migrate push app:v2 --dir file://migrations --operator carol

heading "4. Production first: refused, staging has not run version 2"
refused strata migrate apply --env production --operator alice
grep -q 'was never applied to env "staging"' <<<"$out"

heading "5. Staging applies the newest snapshot of app (v2)"
show strata migrate apply --env staging --operator ci

heading "6. Production again: promotion passes, the plan awaits approval"
refused strata migrate apply --env production --operator alice
plan="$(plan_id)"
show strata plan show "$plan"
echo
echo "# The author cannot approve their own plan:"
refused strata plan approve "$plan" --operator alice
show strata plan approve "$plan" --operator bob

heading "7. The same command again: the approved plan runs"
show strata migrate apply --env production --operator alice

heading "8. Roll production back to what app:v1 held: a down needs approval too"
refused strata migrate down --env production --to-tag v1 --operator alice
plan="$(plan_id)"
show strata plan show "$plan"
show strata plan approve "$plan" --operator bob
show strata migrate down --env production --to-tag v1 --operator alice

heading "9. What the registry recorded for production"
show strata deployments --env production

heading "10. The registry's hash chain holds"
show strata deployments verify

heading "11. Production holds version 1's tables, staging version 2's"
prod_tables="$(tables "${prefix}_prod")"
staging_tables="$(tables "${prefix}_staging")"
echo "production: $prod_tables"
echo "staging:    $staging_tables"
[[ "$prod_tables" == "orders users" ]] || { echo "walkthrough: production has '$prod_tables'" >&2; exit 1; }
[[ "$staging_tables" == "orders refunds users" ]] || { echo "walkthrough: staging has '$staging_tables'" >&2; exit 1; }

heading "12. Tampering: someone rewrites who ran production's apply"
seq="$(sql "$REGISTRY_URL" -c "SELECT seq FROM strata_deployments WHERE env = 'production' AND kind = 'migrate apply' AND status = 'APPLIED' ORDER BY seq LIMIT 1")"
printf '\n$ psql "$REGISTRY_URL" -c "UPDATE strata_deployments SET operator = '"'"'bob'"'"' WHERE seq = %s"\n' "$seq"
sql "$REGISTRY_URL" -c "UPDATE strata_deployments SET operator = 'bob' WHERE seq = $seq"
refused strata deployments verify
grep -q "record $seq was altered after it was written" <<<"$out"
echo
echo "# Put back exactly as it was, the record matches its hash again:"
printf '\n$ psql "$REGISTRY_URL" -c "UPDATE strata_deployments SET operator = '"'"'alice'"'"' WHERE seq = %s"\n' "$seq"
sql "$REGISTRY_URL" -c "UPDATE strata_deployments SET operator = 'alice' WHERE seq = $seq"
show strata deployments verify

heading "Done"
