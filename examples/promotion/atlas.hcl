# Promotion from dev to staging to production on PostgreSQL, held together by
# a deployment registry the team owns (a PostgreSQL database of its own).
#
#   strata migrate apply --env dev                       # the developer's database
#   strata migrate push app:v1 --dir file://migrations   # a release: a snapshot in the registry
#   strata migrate apply --env staging                   # the newest snapshot of "app"
#   strata migrate apply --env production --operator alice
#   strata plan approve PLAN --operator bob              # then the same apply again
#
# walkthrough.sh runs the whole story; README.md shows its output.

# Each database is named by its own URL, read from the environment: in CI each
# one would be a secret of its own.
variable "dev_url" {
  type        = string
  description = "The developer's database"
  default     = getenv("DEV_DB_URL")
}

variable "staging_url" {
  type    = string
  default = getenv("STAGING_DB_URL")
}

variable "production_url" {
  type    = string
  default = getenv("PROD_DB_URL")
}

variable "scratch_url" {
  type        = string
  description = "An empty scratch database Strata plans in (Atlas's dev database): migrate down needs it"
  default     = getenv("SCRATCH_DB_URL")
}

variable "registry_url" {
  type        = string
  description = "The deployment registry: every run recorded, pushed directories, plans and approvals"
  default     = getenv("REGISTRY_URL")
}

# Where every migrate apply, migrate down and schema apply is recorded, whoever
# runs it and from wherever: CI and laptops alike must point at the same one.
registry {
  url = var.registry_url
}

# Developers apply the working copy of the directory. `repo` names it "app" in
# the registry, the name its pushed snapshots carry.
env "dev" {
  url = var.dev_url
  migration {
    dir  = "file://migrations"
    repo = "app"
  }
}

# Staging and production never read the working copy: they apply the newest
# snapshot pushed with `strata migrate push app:TAG`.
env "staging" {
  url = var.staging_url
  dev = var.scratch_url
  migration {
    dir = "atlas://app"
  }
}

env "production" {
  url = var.production_url
  dev = var.scratch_url
  migration {
    dir = "atlas://app"
  }
  # Only versions that were applied successfully to every target of staging.
  promotion {
    from = "staging"
  }
  # Every apply and down waits for a reviewer other than its author.
  approval {
    required  = 1
    reviewers = ["alice", "bob"]
  }
}

# Another way to hold production back: cap it at the version staging runs,
# as the registry reports it (Atlas Cloud's data source, answered by the
# registry). Uncomment, and add to_version to production's migration block:
#
# data "cloud_databases" "staging" {
#   repo = "app"
#   env  = "staging"
# }
#
#   migration {
#     dir        = "atlas://app"
#     to_version = data.cloud_databases.staging.targets[0].current_version
#   }
