use super::*;
use crate::revisions::{TYPE_EXECUTE, TYPE_RESOLVED};

fn file(name: &str) -> File {
    File::new(name, format!("CREATE TABLE t_{} (id int);\n", name.replace('.', "_")))
}

fn files(names: &[&str]) -> Vec<File> {
    let mut v: Vec<File> = names.iter().map(|n| file(n)).collect();
    v.sort_by(|a, b| a.name().cmp(b.name()));
    v
}

/// A revision as `migrate apply` writes it when `dir` is the directory.
fn applied(dir: &[File], version: &str, at: &str) -> Revision {
    let f = dir.iter().find(|f| f.version() == version).expect("file in dir");
    let mut r = Revision::new(version, f.desc(), TYPE_EXECUTE, 1, HashFile::compute(dir).file_hash(f.name()).unwrap());
    r.applied = 1;
    r.executed_at = at.to_string();
    r
}

/// Revisions for the given versions, applied one after another with `dir`.
fn applied_all(dir: &[File], versions: &[&str]) -> Vec<Revision> {
    versions.iter().enumerate().map(|(i, v)| applied(dir, v, &format!("2024-01-01 00:00:{i:02}"))).collect()
}

fn names(plan: &PendingPlan) -> Vec<String> {
    plan.files.iter().map(|p| p.file.name().to_string()).collect()
}

fn plan(dir: &[File], revs: &[Revision], order: ExecOrder) -> Result<Vec<String>, HistoryError> {
    pending(dir, revs, &PendingOptions { order, baseline: None }, &LexOptions::default()).map(|p| names(&p))
}

#[test]
fn fresh_database_runs_every_file() {
    let dir = files(&["1_a.sql", "2_b.sql"]);
    assert_eq!(plan(&dir, &[], ExecOrder::Linear).unwrap(), ["1_a.sql", "2_b.sql"]);
}

#[test]
fn baseline_runs_the_files_after_it() {
    let dir = files(&["1_a.sql", "2_b.sql", "3_c.sql"]);
    let opts = PendingOptions { order: ExecOrder::Linear, baseline: Some("2") };
    let p = pending(&dir, &[], &opts, &LexOptions::default()).unwrap();
    assert_eq!(p.baseline.map(File::name), Some("2_b.sql"));
    assert_eq!(names(&p), ["3_c.sql"]);
    let opts = PendingOptions { order: ExecOrder::Linear, baseline: Some("9") };
    let err = pending(&dir, &[], &opts, &LexOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "baseline version \"9\" not found");
}

#[test]
fn applied_history_runs_only_newer_files() {
    let old = files(&["1_a.sql", "2_b.sql"]);
    let revs = applied_all(&old, &["1", "2"]);
    let dir = files(&["1_a.sql", "2_b.sql", "3_c.sql"]);
    assert_eq!(plan(&dir, &revs, ExecOrder::Linear).unwrap(), ["3_c.sql"]);
    assert_eq!(plan(&old, &revs, ExecOrder::Linear).unwrap(), [] as [&str; 0]);
    check_applied(&dir, &revs).unwrap();
}

#[test]
fn duplicate_versions_name_every_file() {
    let dir = files(&["1_a.sql", "2_b.sql", "2_c.sql", "2.sql"]);
    let err = check_dir(&dir).unwrap_err();
    assert_eq!(err.to_string(), "migration files 2.sql, 2_b.sql, 2_c.sql have the same version 2");
    assert!(err.hint().unwrap().contains("'strata migrate hash'"));
    // Versions are compared whole: 1 and 10 differ.
    check_dir(&files(&["1_a.sql", "10_b.sql"])).unwrap();
    assert!(matches!(plan(&dir, &[], ExecOrder::Linear), Err(HistoryError::DuplicateVersion { .. })));
}

#[test]
fn files_without_a_version_are_named() {
    let err = check_dir(&files(&["1_a.sql", "_x.sql"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "migration file _x.sql has no version: a migration file name starts with its version, as in 1_create_users.sql"
    );
    let err = check_dir(&files(&["schema.sql", "1_a.sql", ".sql"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "migration files .sql, schema.sql have no version: a migration file name starts with its version, as in \
         1_create_users.sql"
    );
    // Atlas's own examples are versions.
    check_dir(&files(&["1.a_sub.up.sql", "2.10.x-20_description.sql", "3.sql", "20240601120000_x.sql"])).unwrap();
}

#[test]
fn out_of_order_file_follows_exec_order() {
    let old = files(&["1_a.sql", "3_c.sql"]);
    let revs = applied_all(&old, &["1", "3"]);
    let dir = files(&["1_a.sql", "2_b.sql", "3_c.sql", "4_d.sql"]);
    let err = plan(&dir, &revs, ExecOrder::Linear).unwrap_err();
    assert_eq!(
        err.to_string(),
        "migration file 2_b.sql was added out of order. See: https://atlasgo.io/versioned/apply#non-linear-error"
    );
    assert_eq!(plan(&dir, &revs, ExecOrder::LinearSkip).unwrap(), ["4_d.sql"]);
    assert_eq!(plan(&dir, &revs, ExecOrder::NonLinear).unwrap(), ["2_b.sql", "4_d.sql"]);
    // The inserted file changes 3_c.sql's cumulative hash; that is not an edit.
    check_applied(&dir, &revs).unwrap();
}

#[test]
fn several_out_of_order_files_use_the_plural() {
    let old = files(&["1_a.sql", "4_d.sql"]);
    let revs = applied_all(&old, &["1", "4"]);
    let dir = files(&["1_a.sql", "2_b.sql", "3_c.sql", "4_d.sql"]);
    let err = plan(&dir, &revs, ExecOrder::Linear).unwrap_err();
    assert_eq!(
        err.to_string(),
        "migration files 2_b.sql, 3_c.sql were added out of order. See: https://atlasgo.io/versioned/apply#non-linear-error"
    );
    assert!(err.hint().unwrap().contains("versions after 4"));
}

#[test]
fn files_before_the_first_revision_are_not_out_of_order() {
    // A baseline at 2: 1_a.sql was never applied here and is not out of order.
    let dir = files(&["1_a.sql", "2_b.sql", "3_c.sql"]);
    let mut base = Revision::new("2", "b", TYPE_BASELINE, 0, "");
    base.executed_at = "2024-01-01 00:00:00".into();
    let revs = vec![base, applied(&dir, "3", "2024-01-01 00:00:01")];
    assert_eq!(plan(&dir, &revs, ExecOrder::Linear).unwrap(), [] as [&str; 0]);
}

#[test]
fn non_linear_history_is_not_an_edit_afterwards() {
    // 1 and 3 ran; 2 was added and run with non-linear: 3's hash was computed without 2.
    let old = files(&["1_a.sql", "3_c.sql"]);
    let mut revs = applied_all(&old, &["1", "3"]);
    let dir = files(&["1_a.sql", "2_b.sql", "3_c.sql"]);
    revs.insert(1, applied(&dir, "2", "2024-01-01 00:00:09"));
    check_history(&dir, &revs, ExecOrder::Linear).unwrap();
    assert_eq!(plan(&dir, &revs, ExecOrder::Linear).unwrap(), [] as [&str; 0]);
}

#[test]
fn edited_applied_file_is_refused() {
    let old = files(&["1_a.sql", "2_b.sql", "3_c.sql"]);
    let revs = applied_all(&old, &["1", "2", "3"]);
    let mut dir = old.clone();
    dir[1] = File::new("2_b.sql", "DROP TABLE users;\n");
    let err = check_applied(&dir, &revs).unwrap_err();
    // 3_c.sql's cumulative hash differs too, because of 2_b.sql: only the first is named.
    assert_eq!(err.to_string(), "migration file 2_b.sql was edited after it was applied (revision hash differs)");
    assert!(err.hint().unwrap().contains("'strata migrate hash'"));
    assert_eq!(plan(&dir, &revs, ExecOrder::NonLinear).unwrap_err(), err);
}

#[test]
fn out_of_order_is_reported_before_an_edit() {
    let old = files(&["1_a.sql", "3_c.sql"]);
    let revs = applied_all(&old, &["1", "3"]);
    let mut dir = files(&["1_a.sql", "2_b.sql", "3_c.sql"]);
    dir[2] = File::new("3_c.sql", "DROP TABLE users;\n");
    assert!(matches!(plan(&dir, &revs, ExecOrder::Linear), Err(HistoryError::OutOfOrder { .. })));
    let err = plan(&dir, &revs, ExecOrder::LinearSkip).unwrap_err();
    assert_eq!(err, HistoryError::Edited { name: "3_c.sql".into() });
}

#[test]
fn hashes_that_cannot_be_compared_are_ignored() {
    let old = files(&["1_a.sql", "2_b.sql"]);
    let mut revs = applied_all(&old, &["1", "2"]);
    let dir = vec![File::new("1_a.sql", "-- edited\n"), file("2_b.sql")];
    // No hash (a baseline, a row without one), or a file that stopped midway.
    revs[0].hash = String::new();
    revs[1].hash = "different".into();
    revs[1].applied = 0;
    revs[1].error = Some("boom".into());
    check_applied(&dir, &revs).unwrap();
    // Resolved with `migrate set`: compared like any other.
    revs[1] = applied(&old, "2", "x");
    revs[1].kind = TYPE_RESOLVED;
    revs[1].hash = "different".into();
    assert_eq!(check_applied(&dir, &revs).unwrap_err(), HistoryError::Edited { name: "2_b.sql".into() });
}

#[test]
fn hash_written_by_atlas_matches_byte_for_byte() {
    // Reference §1.2 test vector: 1_a.sql = "CREATE TABLE t(a int);\n".
    let dir = vec![File::new("1_a.sql", "CREATE TABLE t(a int);\n")];
    let mut rev = Revision::new("1", "a", TYPE_EXECUTE, 1, "S8msuzO5Zemk5rG15r2SAnIomj6oOxTUu+ndiqT0L7c=");
    rev.applied = 1;
    check_applied(&dir, std::slice::from_ref(&rev)).unwrap();
    rev.hash = "h1:S8msuzO5Zemk5rG15r2SAnIomj6oOxTUu+ndiqT0L7c=".into();
    assert!(check_applied(&dir, &[rev]).is_err());
}

#[test]
fn deleted_applied_file_is_refused_with_the_way_back() {
    let old = files(&["1_a.sql", "2_b.sql", "3_c.sql"]);
    let revs = applied_all(&old, &["1", "2", "3"]);
    let dir = files(&["1_a.sql", "3_c.sql"]);
    let err = check_applied(&dir, &revs).unwrap_err();
    assert_eq!(
        err.to_string(),
        "version 2 was applied but its migration file 2_b.sql was deleted from the migration directory"
    );
    assert_eq!(
        err.hint().unwrap(),
        "restore 2_b.sql (e.g. from version control), or, if it was removed on purpose, record the history without \
         it: 'strata migrate set 1' then 'strata migrate set 3'"
    );
    assert_eq!(plan(&dir, &revs, ExecOrder::Linear).unwrap_err(), err);
    // The first file: there is no version to set back to.
    let dir = files(&["2_b.sql", "3_c.sql"]);
    assert_eq!(check_applied(&dir, &revs).unwrap_err().hint().unwrap(), "restore 1_a.sql (e.g. from version control)");
}

#[test]
fn revision_beyond_the_directory_is_refused() {
    let old = files(&["1_a.sql", "2_b.sql", "3_c.sql"]);
    let revs = applied_all(&old, &["1", "2", "3"]);
    let dir = files(&["1_a.sql", "2_b.sql"]);
    let err = plan(&dir, &revs, ExecOrder::Linear).unwrap_err();
    assert_eq!(
        err.to_string(),
        "version 3 was applied but its migration file 3_c.sql is not in the migration directory (it was deleted, or \
         the directory is older than the database)"
    );
    assert!(err.hint().unwrap().contains("'strata migrate down --to-version 2'"), "{:?}", err.hint());
    // Atlas would run every file again here.
    assert!(plan(&[], &revs, ExecOrder::Linear).is_err());
}

#[test]
fn baseline_row_without_its_file_is_fine() {
    let dir = files(&["3_c.sql"]);
    let mut base = Revision::new("2", "b", TYPE_BASELINE, 0, "");
    base.executed_at = "t".into();
    assert_eq!(plan(&dir, &[base], ExecOrder::Linear).unwrap(), ["3_c.sql"]);
}

#[test]
fn partial_file_resumes_after_its_applied_statements() {
    let dir = vec![file("1_a.sql"), File::new("2_b.sql", "CREATE TABLE x (id int);\nCREATE TABLE y (id int);\n")];
    let mut revs = applied_all(&dir, &["1", "2"]);
    revs[1].applied = 1;
    revs[1].total = 2;
    revs[1].partial_hashes = Some(crate::dir::partial_hashes(&["CREATE TABLE x (id int);"]));
    let p = pending(&dir, &revs, &PendingOptions::default(), &LexOptions::default()).unwrap();
    assert_eq!(names(&p), ["2_b.sql"]);
    assert_eq!((p.files[0].start, p.files[0].stmts.len()), (1, 2));
    // The statement that ran was changed.
    let edited = vec![file("1_a.sql"), File::new("2_b.sql", "CREATE TABLE z (id int);\nCREATE TABLE y (id int);\n")];
    let err = pending(&edited, &revs, &PendingOptions::default(), &LexOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), "history changed: statement 1 from file \"2_b.sql\" changed");
    // Its file is gone: Atlas's message.
    let err = pending(&dir[..1], &revs, &PendingOptions::default(), &LexOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "missing migration: revision \"2_b.sql\" is partially applied but migration file was not found"
    );
}

#[test]
fn classify_lists_pending_and_out_of_order() {
    let old = files(&["1_a.sql", "3_c.sql"]);
    let revs = applied_all(&old, &["1", "3"]);
    let dir = files(&["1_a.sql", "2_b.sql", "3_c.sql", "4_d.sql"]);
    let state = classify(&dir, &revs);
    let n = |v: &[&File]| v.iter().map(|f| f.name().to_string()).collect::<Vec<_>>();
    assert_eq!(n(&state.pending), ["4_d.sql"]);
    assert_eq!(n(&state.out_of_order), ["2_b.sql"]);
    assert_eq!(state.last.map(|r| r.version.as_str()), Some("3"));
    assert!(state.out_of_order_error().is_some());
}
