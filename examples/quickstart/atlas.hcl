# The quickstart project: a blog schema on an embedded SQLite file.
#
#   strata migrate apply  --env local
#   strata migrate status --env local

variable "db_file" {
  type        = string
  description = "SQLite file to migrate (override with --var db_file=other.db)"
  default     = "quickstart.db"
}

locals {
  # STRATA_QUICKSTART_DIR lets a test point the project at another directory.
  migrations = coalesce(getenv("STRATA_QUICKSTART_DIR"), "migrations")
}

env "local" {
  url = "sqlite://${var.db_file}"
  dev = "sqlite://dev?mode=memory"
  migration {
    dir = "file://${local.migrations}"
  }
}
