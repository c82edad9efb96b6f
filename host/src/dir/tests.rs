//! Tests across the module: the lexer conformance table (reference §2.3), atlas.sum
//! against Atlas-written fixtures (§1.2), validation (§1.3), files and txtar (§3).

use std::path::PathBuf;

use super::*;

/// Options of Atlas's `lex` test suite: everything on, `#` comments unless the
/// file name contains `_pg`.
fn lex_suite(name: &str) -> LexOptions {
    LexOptions {
        match_begin: true,
        begin_atomic: true,
        dollar_quote: true,
        backslash_escapes: true,
        escaped_string_ext: true,
        hash_comments: !name.contains("_pg"),
        executable_comments: false,
    }
}

/// Options of Atlas's `lexgroup` suite.
fn lexgroup_suite() -> LexOptions {
    LexOptions { match_begin: true, ..LexOptions::default() }
}

fn texts(input: &str, opts: &LexOptions) -> Vec<String> {
    stmts(input, opts).unwrap_or_else(|e| panic!("lex error: {e}")).into_iter().map(|s| s.text).collect()
}

/// Checks the statement count and the texts against the golden file (statements
/// joined by `\n-- end --\n`, as in Atlas's testdata).
fn check_golden(name: &str, input: &str, golden: &str, opts: &LexOptions, count: usize) {
    let got = texts(input, opts);
    assert_eq!(got.len(), count, "{name}: statement count, got {got:#?}");
    assert_eq!(got.join("\n-- end --\n"), golden.trim_end_matches('\n'), "{name}");
}

macro_rules! golden {
    ($test:ident, $dir:literal, $file:literal, $opts:expr, $count:expr) => {
        #[test]
        fn $test() {
            check_golden(
                $file,
                include_str!(concat!("testdata/", $dir, "/", $file)),
                include_str!(concat!("testdata/", $dir, "/", $file, ".golden")),
                &$opts,
                $count,
            );
        }
    };
}

golden!(lex_1, "lex", "1.sql", lex_suite("1"), 6);
golden!(lex_2_mysql, "lex", "2_mysql.sql", lex_suite("2_mysql"), 16);
golden!(lex_3_delimiter, "lex", "3_delimiter.sql", lex_suite(""), 2);
golden!(lex_4_delimiter, "lex", "4_delimiter.sql", lex_suite(""), 2);
golden!(lex_5_delimiter, "lex", "5_delimiter.sql", lex_suite(""), 2);
golden!(lex_6_skip_comment, "lex", "6_skip_comment.sql", lex_suite(""), 7);
golden!(lex_7_delimiter_2n, "lex", "7_delimiter_2n.sql", lex_suite(""), 2);
golden!(lex_8_delimiter_3n, "lex", "8_delimiter_3n.sql", lex_suite(""), 2);
golden!(lex_9_delimiter_3n, "lex", "9_delimiter_3n.sql", lex_suite(""), 2);
golden!(lex_10_delimiter_comment, "lex", "10_delimiter_comment.sql", lex_suite(""), 2);
golden!(lex_11_delimiter_cmd, "lex", "11_delimiter_mysql_command.sql", lex_suite(""), 2);
golden!(lex_12_delimiter_cmd, "lex", "12_delimiter_mysql_command.sql", lex_suite(""), 4);
golden!(lex_13_delimiter_cmd, "lex", "13_delimiter_mysql_command.sql", lex_suite(""), 24);
golden!(lex_14_delimiter_cmd, "lex", "14_delimiter_mysql_command.sql", lex_suite(""), 2);
golden!(lex_15_dollar_quote, "lex", "15_dollar_quote.sql", lex_suite(""), 17);
golden!(lex_16_begin_atomic, "lex", "16_begin_atomic.sql", lex_suite(""), 11);
golden!(lex_17_paren, "lex", "17_paren.sql", lex_suite(""), 3);
golden!(lex_18_pg_expr, "lex", "18_pg_expr.sql", lex_suite("18_pg_expr"), 7);
golden!(lexgroup_1_trigger, "lexgroup", "1_trigger.sql", lexgroup_suite(), 26);
golden!(lexgroup_2_function, "lexgroup", "2_function.sql", lexgroup_suite(), 18);
golden!(lexgroup_3_delimiter, "lexgroup", "3_delimiter.sql", lexgroup_suite(), 5);

#[test]
fn sqlite_trigger_groups_nested_begin_end_and_case() {
    // The same file through the SQLite driver options.
    let input = include_str!("testdata/lexgroup/1_trigger.sql");
    let got = texts(input, &LexOptions::sqlite());
    assert_eq!(got.len(), 26);
    assert!(got[7].starts_with("CREATE TRIGGER nested") && got[7].ends_with("  END;\nEND;"));
    assert!(got[6].contains("THEN RAISE(ABORT, 'empty name; rejected')\n  END;\nEND;"));
}

#[test]
fn lexescaped_backslash_escapes() {
    let input = include_str!("testdata/lexescaped/1.my.sql");
    let opts = LexOptions { backslash_escapes: true, ..LexOptions::default() };
    let got = texts(input, &opts);
    assert_eq!(got.len(), 4);
    assert_eq!(got[3], r#"SELECT 'it\'s', "\"";"#);
    assert_eq!(texts(input, &LexOptions::mysql()).len(), 4);
    let opts = LexOptions { escaped_string_ext: true, ..LexOptions::default() };
    assert_eq!(stmts(input, &opts).unwrap_err().to_string(), r"4:14: unclosed quote '\''");
}

#[test]
fn lexescaped_escaped_string_ext() {
    let input = include_str!("testdata/lexescaped/2.pg.sql");
    let got = texts(input, &LexOptions::postgres());
    assert_eq!(got, vec![r"SELECT E'\\';", r"SELECT e'\\A\\';", "SELECT 'x';", r"SELECT 'a', '\';"]);
    let opts = LexOptions { backslash_escapes: true, ..LexOptions::default() };
    let err = stmts(input, &opts).unwrap_err();
    assert_eq!(err.to_string(), r"4:13: unclosed quote '\''");
    assert_eq!((err.line, err.column), (4, 13));
    // E-strings escape quotes too (the reference's rule; see the report).
    let got = texts("SELECT E'it\\'s';\nSELECT 'a\\';", &LexOptions::postgres());
    assert_eq!(got, vec!["SELECT E'it\\'s';", "SELECT 'a\\';"]);
}

#[test]
fn lex_errors() {
    let generic = LexOptions::generic();
    let cases = [
        ("'x", r"1:1: unclosed quote '\''"),
        ("12345'x", r"1:6: unclosed quote '\''"),
        ("unclosed '", r"1:10: unclosed quote '\''"),
        ("\"x", "1:1: unclosed quote '\"'"),
        ("SELECT 1;\n \"", "2:2: unclosed quote '\"'"),
        ("a;\nb;\nc;\nd;\n1234\"", "5:5: unclosed quote '\"'"),
        ("(x", "1:1: unclosed '('"),
        ("()(x", "1:3: unclosed '('"),
        ("1234)6789", "1:5: unexpected ')'"),
        ("SELECT 1;\nSELECT `x", "2:8: unclosed quote '`'"),
        ("-- atlas:delimiter\nSELECT 1", "1:1: empty delimiter"),
        ("SELECT 1;\nDELIMITER   \nSELECT 2", "2:1: empty delimiter"),
        ("-- atlas:delimiter //", "1:0: no input found after delimiter \"//\""),
    ];
    for (input, want) in cases {
        let err = stmts(input, &generic).unwrap_err();
        assert_eq!(err.to_string(), want, "input {input:?}");
    }
    let err = stmts("x\n  (y", &generic).unwrap_err();
    assert_eq!((err.line, err.column, err.kind), (2, 3, LexErrorKind::UnclosedParen));
}

#[test]
fn lex_quirks_follow_atlas() {
    let generic = LexOptions::generic();
    // A final comment without newline is not a comment, so it is a statement.
    assert_eq!(texts("SELECT 1;\n-- note", &generic), vec!["SELECT 1;", "-- note"]);
    // Unclosed dollar quotes run to the end without an error.
    assert_eq!(texts("SELECT $$a; b", &generic), vec!["SELECT $$a; b"]);
    // DELIMITER needs a following space.
    assert_eq!(texts("DELIMITERx;", &generic), vec!["DELIMITERx;"]);
    // BEGIN without END is ordinary text.
    assert_eq!(texts("BEGIN TRANSACTION;\nSELECT 1;", &LexOptions::sqlite()), vec!["BEGIN TRANSACTION;", "SELECT 1;"]);
    assert!(texts("", &generic).is_empty());
    assert!(texts(" \n-- only a comment\n", &generic).is_empty());
}

#[test]
fn lexer_never_panics_on_prefixes() {
    // Every prefix of every test file, with every dialect's options: errors are
    // fine, panics (bad slicing on multi-byte chars, underflow) are not.
    let inputs = [
        include_str!("testdata/lex/2_mysql.sql"),
        include_str!("testdata/lex/13_delimiter_mysql_command.sql"),
        include_str!("testdata/lex/15_dollar_quote.sql"),
        include_str!("testdata/lex/16_begin_atomic.sql"),
        include_str!("testdata/lexgroup/1_trigger.sql"),
        include_str!("testdata/lexgroup/2_function.sql"),
        include_str!("testdata/stmt_decls.sql"),
        "é BEGIN x; END; ñ$é$ 'ü' E'\\' DELIMITER é\nSELECT 1é",
        "-- atlas:delimiter é\n\nSELECT ñ;é",
    ];
    let all = [LexOptions::generic(), LexOptions::sqlite(), LexOptions::postgres(), LexOptions::mysql(), lex_suite("")];
    for input in inputs {
        for (i, _) in input.char_indices() {
            for opts in &all {
                let _ = stmts(&input[..i], opts);
                let _ = stmts(&input[i..], opts);
            }
        }
    }
}

#[test]
fn stmt_decls_positions_comments_directives() {
    let input = include_str!("testdata/stmt_decls.sql");
    let got = stmts(input, &LexOptions::mysql()).unwrap();
    let names: Vec<_> = got.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(names, (0..8).map(|i| format!("cmd{i};")).collect::<Vec<_>>());
    for s in &got {
        assert_eq!(&input[s.pos..s.pos + s.text.len()], s.text);
        assert_eq!(s.line, 1 + input[..s.pos].matches('\n').count());
    }
    assert_eq!((got[0].pos, got[0].line), (8, 2));
    assert_eq!(got[0].comments, vec!["-- test\n"]);
    assert_eq!(got[1].comments, vec!["-- hello\n", "-- world\n"]);
    assert!(got[2].comments.is_empty());
    assert_eq!(got[3].comments, vec!["# command\n"]);
    assert_eq!(got[4].comments, vec!["/* comment1 */", "/* comment2 */"]);
    assert_eq!(got[5].directive("nolint"), vec!["", "destructive"]);
    assert_eq!(got[6].directive("nolint"), vec!["DS101"]);
    assert!(got[6].directive("lint").is_empty());
    assert_eq!(got[7].directive("lint"), vec!["error"]);
}

#[test]
fn lex_options_roundtrip_as_json_shape() {
    // The dialect plugin sends options as JSON; missing fields default to false.
    assert_eq!(LexOptions::default(), LexOptions::generic_off());
    assert!(LexOptions::postgres().dollar_quote && !LexOptions::postgres().hash_comments);
    assert!(LexOptions::mysql().hash_comments && LexOptions::mysql().backslash_escapes);
    assert!(LexOptions::sqlite().match_begin && !LexOptions::sqlite().dollar_quote);
    assert!(!LexOptions::generic().match_begin && LexOptions::generic().begin_atomic);
}

impl LexOptions {
    fn generic_off() -> Self {
        LexOptions {
            match_begin: false,
            begin_atomic: false,
            dollar_quote: false,
            backslash_escapes: false,
            escaped_string_ext: false,
            hash_comments: false,
            executable_comments: false,
        }
    }
}

// ---------------------------------------------------------------- atlas.sum

/// The shared fixtures: `STRATA_FIXTURES`, else relative to this crate, else the
/// absolute path. Missing fixtures fail the test: a skipped compatibility check
/// would look like a passing one.
fn fixtures() -> PathBuf {
    let candidates = [
        std::env::var("STRATA_FIXTURES").ok().map(PathBuf::from),
        Some(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures"))),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.join("atlas-sum").is_dir())
        .expect("fixtures not found: set STRATA_FIXTURES to the shared fixtures directory")
}

#[test]
fn compute_reproduces_atlas_written_sums() {
    for case in ["mysqlock", "sqlitetx"] {
        let dir = Dir::open(fixtures().join("atlas-sum").join(case)).unwrap();
        let want = std::fs::read(dir.path().join("atlas.sum")).unwrap();
        let files = dir.files();
        assert!(!files.is_empty(), "{case}");
        let got = HashFile::compute(files);
        assert_eq!(String::from_utf8(got.to_bytes()).unwrap(), String::from_utf8(want.clone()).unwrap(), "{case}");
        assert_eq!(HashFile::parse(&want).unwrap(), got);
        validate(&dir).unwrap();
        assert_eq!(dir.sum_file().unwrap(), Some(got));
    }
}

#[test]
fn sum_test_vectors() {
    let empty = HashFile::compute(&[]);
    assert_eq!(empty.to_bytes(), b"h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
    let a = File::new("1_a.sql", "CREATE TABLE t(a int);\n");
    assert_eq!(
        String::from_utf8(HashFile::compute(std::slice::from_ref(&a)).to_bytes()).unwrap(),
        "h1:QBWdmAuSD79IIbz2/wOnBvgmNzilGVksWIR+glJ7DQo=\n1_a.sql h1:S8msuzO5Zemk5rG15r2SAnIomj6oOxTUu+ndiqT0L7c=\n"
    );
    let files = [a, File::new("2_b.sql", "-- atlas:sum ignore\nSELECT 1;\n"), File::new("3_c.sql", "")];
    let hf = HashFile::compute(&files);
    assert_eq!(
        String::from_utf8(hf.to_bytes()).unwrap(),
        "h1:6eeaZe9128sPAEv8GDgqlJwiqC7F9v1zZNS/LixTSUQ=\n\
         1_a.sql h1:S8msuzO5Zemk5rG15r2SAnIomj6oOxTUu+ndiqT0L7c=\n\
         3_c.sql h1:YgsjV5DSt0DTWZvUSC9XCQTcg2AAplSs4btSsfpCpFs=\n"
    );
    assert_eq!(hf.file_hash("3_c.sql"), Some("YgsjV5DSt0DTWZvUSC9XCQTcg2AAplSs4btSsfpCpFs="));
    assert_eq!(hf.file_hash("2_b.sql"), None);
}

#[test]
fn partial_hash_vector() {
    assert_eq!(
        partial_hash(&["CREATE TABLE t(a int);", "INSERT INTO t VALUES (1);"]),
        vec!["h1:mLHu1EvMNNNlmAS587mlh95FIJ+LdJCCFsHpM1Oiq1w=", "h1:bpwTxjw0RiyPW1WQfCBZjya6CymDqRT5UFCdI/dyNT4=",]
    );
}

#[test]
fn parse_rejects_bad_sums() {
    assert!(matches!(HashFile::parse(b"h1:x\nno hash here\n"), Err(SumError::Format)));
    assert!(matches!(HashFile::parse(b"h1:wrong\n"), Err(SumError::Mismatch)));
    assert!(matches!(HashFile::parse(b""), Err(SumError::Mismatch)));
    // CRLF line ends are tolerated when reading.
    let hf = HashFile::compute(&[File::new("1_a.sql", "x")]);
    let crlf = String::from_utf8(hf.to_bytes()).unwrap().replace('\n', "\r\n");
    assert_eq!(HashFile::parse(crlf.as_bytes()).unwrap(), hf);
}

fn mem(files: &[(&str, &str)]) -> MemDir {
    let mut d = MemDir::new();
    for (n, b) in files {
        d.write_file(*n, *b);
    }
    d
}

fn checksum_err(d: &MemDir) -> ChecksumError {
    match validate(d) {
        Err(SumError::Checksum(e)) => e,
        other => panic!("want a checksum error, got {other:?}"),
    }
}

#[test]
fn validate_reports_first_departure() {
    // No atlas.sum: fine without files, an error with files.
    validate(&MemDir::new()).unwrap();
    let mut d = mem(&[("1_a.sql", "A;"), ("2_b.sql", "B;"), ("3_c.sql", "C;")]);
    let err = validate(&d).unwrap_err();
    assert!(matches!(err, SumError::NotFound));
    assert_eq!(err.to_string(), "checksum file not found");
    d.write_sum();
    validate(&d).unwrap();
    let sum_len = |names: &[&str]| 48 + names.iter().map(|n| n.len() + 49).sum::<usize>();

    let mut edited = d.clone();
    edited.write_file("2_b.sql", "B2;");
    let e = checksum_err(&edited);
    assert_eq!((e.line, e.total, e.file.as_str(), e.reason), (3, 3, "2_b.sql", Reason::Edited));
    assert_eq!(e.pos, sum_len(&["1_a.sql"]));
    assert_eq!(e.to_string(), "L3: 2_b.sql was edited");
    assert_eq!(SumError::Checksum(e).to_string(), "checksum mismatch");

    let mut removed = d.clone();
    removed.remove_file("2_b.sql");
    let e = checksum_err(&removed);
    assert_eq!((e.line, e.file.as_str(), e.reason), (3, "2_b.sql", Reason::Removed));

    let mut inserted = d.clone();
    inserted.write_file("1_b.sql", "X;");
    let e = checksum_err(&inserted);
    assert_eq!((e.line, e.file.as_str(), e.reason), (3, "1_b.sql", Reason::Added));

    let mut appended = d.clone();
    appended.write_file("4_d.sql", "D;");
    let e = checksum_err(&appended);
    assert_eq!((e.line, e.total, e.file.as_str(), e.reason), (5, 3, "4_d.sql", Reason::Added));
    assert_eq!(e.pos, sum_len(&["1_a.sql", "2_b.sql", "3_c.sql"]));
    assert_eq!(e.pos, d.read_sum().unwrap().unwrap().len());

    // Non-sql files do not count.
    let mut other = d.clone();
    other.write_file("README.md", "x");
    validate(&other).unwrap();
}

// ---------------------------------------------------------------- files

#[test]
fn version_and_description() {
    let f = File::new("1.a_sub.up.sql", "");
    assert_eq!((f.version(), f.desc()), ("1.a", "sub.up"));
    let f = File::new("2.10.x-20_description.sql", "");
    assert_eq!((f.version(), f.desc()), ("2.10.x-20", "description"));
    let f = File::new("20220925092817.sql", "");
    assert_eq!((f.version(), f.desc()), ("20220925092817", ""));
}

#[test]
fn file_directives() {
    let f = File::new(
        "1.sql",
        "-- atlas:txmode none\n-- atlas:nolint DS101 destructive\n\nCREATE INDEX CONCURRENTLY i ON t (c);\n",
    );
    let d = f.directives().unwrap();
    assert_eq!(d.txmode, Some(TxMode::None));
    assert_eq!(d.nolint, Some(vec!["DS101".to_string(), "destructive".to_string()]));
    assert_eq!(d.delimiter, None);
    // Not detached by a blank line: statement comments, not file directives.
    let f = File::new("1.sql", "-- atlas:txmode none\nSELECT 1;\n");
    assert_eq!(f.directives().unwrap(), FileDirectives::default());
    let f = File::new("1.sql", "--atlas:nolint\n\nDROP TABLE t;\n");
    assert_eq!(f.directives().unwrap().nolint, Some(vec![]));
    let f = File::new("1.sql", "-- atlas:delimiter \\n\\n\nSELECT 1\n");
    assert_eq!(f.directives().unwrap().delimiter.as_deref(), Some("\n\n"));
    let f = File::new("1.sql", "-- atlas:checkpoint v1\n\nSELECT 1;\n");
    assert_eq!(f.directives().unwrap().checkpoint.as_deref(), Some("v1"));
    let f = File::new("1.sql", "# atlas:txmode file\n");
    assert_eq!(f.directives().unwrap().txmode, Some(TxMode::File));

    let err = |body: &str| File::new("1.sql", body).directives().unwrap_err();
    assert!(matches!(err("-- atlas:txmode all\n\nx;"), FileError::TxModeAll { .. }));
    assert!(matches!(err("-- atlas:txmode maybe\n\nx;"), FileError::UnknownTxMode { .. }));
    assert!(matches!(err("-- atlas:txmode none file\n\nx;"), FileError::TxModeArity { .. }));
    assert!(matches!(err("-- atlas:txmode none\n-- atlas:txmode none\n\nx;"), FileError::TxModeArity { .. }));
    assert!(matches!(err("-- atlas:txmode\n\nx;"), FileError::TxModeArity { .. }));
}

#[test]
fn non_utf8_is_an_error() {
    let f = File::new("1.sql", b"SELECT 1;\nSELECT '\xff';\n".to_vec());
    assert!(matches!(f.migration_sql(), Err(FileError::NotUtf8 { .. })));
    assert!(matches!(f.directives(), Err(FileError::NotUtf8 { .. })));
    let err = f.stmts(&LexOptions::sqlite()).unwrap_err();
    assert_eq!((err.line, err.column, err.kind), (2, 9, LexErrorKind::InvalidUtf8));
    // atlas.sum still hashes the raw bytes.
    assert_eq!(HashFile::compute(&[f]).entries().len(), 1);
}

const TXTAR: &str = "-- atlas:txtar\n\n-- checks.sql --\nSELECT true;\n\n-- checks/destructive.sql --\n-- atlas:assert DS102\nSELECT NOT EXISTS (SELECT 1 FROM `t2`) AS `is_empty`;\n\n-- migration.sql --\n-- atlas:txmode none\n\nDROP TABLE t2;\nCREATE TABLE t3 (\n  id int\n);\n-- down.sql --\nCREATE TABLE t2 (id int);\n";

#[test]
fn txtar_sections() {
    let f = File::new("2_drop.sql", TXTAR);
    assert!(f.is_txtar());
    assert!(!File::new("1.sql", "SELECT 1;\n-- atlas:txtar\n").is_txtar());
    assert_eq!(f.migration_sql().unwrap(), "-- atlas:txmode none\n\nDROP TABLE t2;\nCREATE TABLE t3 (\n  id int\n);\n");
    let checks = f.checks().unwrap();
    let names: Vec<_> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["checks.sql", "checks/destructive.sql"]);
    let cs = checks[1].stmts(&LexOptions::mysql()).unwrap();
    assert_eq!(cs.len(), 1);
    assert_eq!(cs[0].directive("assert"), vec!["DS102"]);
    assert_eq!(cs[0].line, 8);
    assert_eq!(f.down().unwrap().unwrap().sql, "CREATE TABLE t2 (id int);\n");
    assert_eq!(f.directives().unwrap().txmode, Some(TxMode::None));

    // Statement lines and positions are those of the whole file.
    let st = f.stmts(&LexOptions::postgres()).unwrap();
    let got: Vec<_> = st.iter().map(|s| (s.line, s.text.as_str())).collect();
    assert_eq!(got, vec![(13, "DROP TABLE t2;"), (14, "CREATE TABLE t3 (\n  id int\n);")]);
    for s in &st {
        assert_eq!(&TXTAR[s.pos..s.pos + s.text.len()], s.text);
    }
    let bad = File::new("3.sql", TXTAR.replace("  id int\n", "  id int\n  (\n"));
    let err = bad.stmts(&LexOptions::postgres()).unwrap_err();
    assert_eq!(err.to_string(), "14:17: unclosed '('");

    let none = File::new("4.sql", "-- atlas:txtar\n\n-- checks.sql --\nSELECT 1;\n");
    assert!(matches!(none.migration_sql(), Err(FileError::MissingMigration { .. })));
    assert!(none.stmts(&LexOptions::postgres()).is_err());
    assert!(File::new("5.sql", "SELECT 1;").checks().unwrap().is_empty());
}

// ---------------------------------------------------------------- local dir

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("strata-dir-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn local_dir_lists_sql_files_bytewise() {
    let tmp = TempDir::new("list");
    let dir = Dir::open(&tmp.0).unwrap();
    for n in ["2_x.sql", "10_x.sql", "1_a.SQL", "notes.txt", ".hidden.sql", "B_upper.sql"] {
        dir.write_file(n, b"SELECT 1;\n").unwrap();
    }
    std::fs::create_dir(tmp.0.join("sub.sql")).unwrap();
    std::fs::write(tmp.0.join("sub.sql").join("3_y.sql"), "x").unwrap();
    // Files are read when a directory is opened: reopen after writing.
    let dir = Dir::open(dir.path()).unwrap();
    let names: Vec<_> = dir.files().iter().map(|f| f.name().to_string()).collect();
    assert_eq!(names, vec![".hidden.sql", "10_x.sql", "2_x.sql", "B_upper.sql"]);

    assert!(dir.sum_file().unwrap().is_none());
    assert!(matches!(validate(&dir), Err(SumError::NotFound)));
    dir.write_sum(&dir.checksum().unwrap()).unwrap();
    validate(&dir).unwrap();
    dir.remove_file("2_x.sql").unwrap();
    let dir = Dir::open(dir.path()).unwrap();
    let e = match validate(&dir) {
        Err(SumError::Checksum(e)) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!((e.line, e.file.as_str(), e.reason), (4, "2_x.sql", Reason::Removed));
    assert!(matches!(dir.write_file("../evil.sql", b""), Err(DirError::InvalidName { .. })));
}

#[test]
fn open_errors_name_the_path() {
    let missing = std::env::temp_dir().join("strata-dir-does-not-exist-xyz");
    let err = Dir::open(&missing).unwrap_err();
    assert!(err.to_string().contains("strata-dir-does-not-exist-xyz"), "{err}");
    assert!(err.to_string().starts_with("open migration directory "), "{err}");
    let tmp = TempDir::new("notdir");
    let file = tmp.0.join("f.sql");
    std::fs::write(&file, "x").unwrap();
    assert!(matches!(Dir::open(&file), Err(DirError::NotADir { .. })));
}

#[test]
fn txtar_header_without_blank_line() {
    let f = File::new("1.sql", "-- atlas:txtar\n-- migration.sql --\n-- atlas:txmode none\n\nDROP TABLE t;\n");
    assert_eq!(f.directives().unwrap().txmode, Some(TxMode::None));
    assert_eq!(f.stmts(&LexOptions::sqlite()).unwrap()[0].line, 5);
}

#[test]
fn mysql_executable_comments_are_statement_text() {
    // mysqldump's header, a view spelled in versioned comments, and a plain comment.
    let input = "/*!40101 SET NAMES utf8mb4 */;\n/*M!100616 SET NOTE_VERBOSITY=@@NOTE_VERBOSITY */;\n\
        /* plain */ CREATE TABLE t (id int);\n\
        /*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50001 VIEW v AS select 1; */;\n";
    let got = stmts(input, &LexOptions::mysql()).unwrap();
    let texts: Vec<&str> = got.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "/*!40101 SET NAMES utf8mb4 */;",
            "/*M!100616 SET NOTE_VERBOSITY=@@NOTE_VERBOSITY */;",
            "CREATE TABLE t (id int);",
            "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50001 VIEW v AS select 1; */;",
        ]
    );
    assert_eq!(got[2].comments, vec!["/* plain */"]);
    // Elsewhere they are comments, as before.
    assert_eq!(texts_of(input, &LexOptions::postgres())[0], "CREATE TABLE t (id int);");
}

fn texts_of(input: &str, opts: &LexOptions) -> Vec<String> {
    stmts(input, opts).unwrap().into_iter().map(|s| s.text).filter(|t| t != ";").collect()
}

#[test]
fn the_digest_moves_with_every_file_and_byte() {
    let tmp = TempDir::new("digest");
    let digest = |files: &[(&str, &str)]| {
        for entry in std::fs::read_dir(&tmp.0).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        for (name, text) in files {
            std::fs::write(tmp.0.join(name), text).unwrap();
        }
        let mut fed = Vec::new();
        Dir::open(&tmp.0).unwrap().digest_into(|b| {
            fed.extend_from_slice(&(b.len() as u64).to_le_bytes());
            fed.extend_from_slice(b);
        });
        fed
    };
    let ignored = "-- atlas:sum ignore\nSELECT 1;\n";
    let base = digest(&[("1_a.sql", "A;\n"), ("2_b.sql", ignored), ("3_c.sql", "C;\n")]);
    assert_eq!(digest(&[("1_a.sql", "A;\n"), ("2_b.sql", ignored), ("3_c.sql", "C;\n")]), base);
    for changed in [
        [("1_a.sql", "A;\n"), ("2_b.sql", ignored), ("3_c.sql", "C2;\n")],
        [("1_a.sql", "A;\n"), ("2_b.sql", "-- atlas:sum ignore\nSELECT 2;\n"), ("3_c.sql", "C;\n")],
        [("1_a.sql", "A;\n"), ("2_x.sql", ignored), ("3_c.sql", "C;\n")],
        [("0_a.sql", "A;\n"), ("2_b.sql", ignored), ("3_c.sql", "C;\n")],
    ] {
        assert_ne!(digest(&changed), base, "{changed:?}");
    }
    // The ignored file last: nothing after it carries its name in the sum.
    let last = digest(&[("1_a.sql", "A;\n"), ("9_z.sql", ignored)]);
    assert_ne!(digest(&[("1_a.sql", "A;\n"), ("9_y.sql", ignored)]), last);
    assert_ne!(digest(&[("1_a.sql", "A;\n"), ("9_z.sql", "-- atlas:sum ignore\nSELECT 9;\n")]), last);
}
