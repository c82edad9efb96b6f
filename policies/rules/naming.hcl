# Index and foreign-key names that say what they are: idx_<table>_<columns>
# (uq_ for unique indexes) and fk_<table>_<referenced table>.
policy "index-names" {
  match   = change.kind == "AddIndex" && length(regexall("^(idx|uq)_[a-z0-9_]+$", change.index)) == 0
  action  = "warn"
  message = "index ${change.index} on ${change.table}: name it idx_${change.table}_<columns> (uq_ for a unique index)"
}

policy "foreign-key-names" {
  match   = change.kind == "AddForeignKey" && length(regexall("^fk_[a-z0-9_]+$", change.foreign_key)) == 0
  action  = "warn"
  message = "foreign key ${change.foreign_key} on ${change.table}: name it fk_${change.table}_<referenced table>"
}
