//! Generated inputs for the readers of migration directories: the statement
//! lexer, txtar files and `atlas.sum`. Errors are fine; a panic is a bug (a
//! migration file is user input). A small xorshift generator with fixed seeds
//! keeps runs reproducible and the build free of extra dependencies.

use super::*;

/// xorshift64*: fast, deterministic, good enough to pick tokens.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, salt: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// `n` tokens from `tokens`, with now and then a random char.
    fn text(&mut self, tokens: &[&str], n: usize) -> String {
        let mut s = String::new();
        for _ in 0..self.below(n) {
            if self.chance(4) {
                let c = u32::try_from(self.below(0x11_0000)).unwrap_or(0);
                s.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
            } else {
                s.push_str(self.pick(tokens));
            }
        }
        s
    }
}

const CASES: u64 = 3000;

/// What can hide or end a statement, plus multi-byte chars next to them.
const SQL_TOKENS: &[&str] = &[
    "SELECT 1",
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    ";",
    "'",
    "\"",
    "`",
    "(",
    ")",
    "$",
    "$$",
    "$a$",
    "$é$",
    "--",
    "-- ",
    "/*",
    "*/",
    "/*!",
    "/*M!",
    "#",
    "\\",
    "E'",
    "e'",
    "BEGIN",
    "BEGIN ",
    " BEGIN\n",
    "ATOMIC ",
    "END",
    "END;",
    "end",
    "DELIMITER ",
    "delimiter //",
    "//",
    "-- atlas:delimiter ",
    "-- atlas:nolint DS101\n",
    "-- atlas:",
    "\\n",
    "é",
    "ñ",
    "€",
    "😀",
    "x",
    "CREATE TRIGGER t BEGIN ",
    "''",
    "\"\"",
];

fn lex_options(rng: &mut Rng) -> LexOptions {
    LexOptions {
        match_begin: rng.chance(50),
        begin_atomic: rng.chance(50),
        dollar_quote: rng.chance(50),
        backslash_escapes: rng.chance(50),
        escaped_string_ext: rng.chance(50),
        hash_comments: rng.chance(50),
        executable_comments: rng.chance(50),
    }
}

/// Positions point into the input, and lines count its newlines.
fn check_stmts(input: &str, got: &[Stmt]) {
    for s in got {
        assert!(input.is_char_boundary(s.pos) && s.pos <= input.len(), "pos {} in {input:?}", s.pos);
        let line = 1 + input.as_bytes()[..s.pos].iter().filter(|&&b| b == b'\n').count();
        assert_eq!(s.line, line, "line of {:?} in {input:?}", s.text);
    }
}

#[test]
fn lexer_never_panics() {
    for seed in 1..=CASES {
        let mut rng = Rng::new(seed, 1);
        let mut input = rng.text(SQL_TOKENS, 30);
        if rng.chance(15) {
            input.insert_str(
                0,
                rng.pick(&["-- atlas:delimiter //\n", "-- atlas:delimiter \\n\n", "-- atlas:delimiter é"]),
            );
        }
        let opts = lex_options(&mut rng);
        if let Ok(got) = stmts(&input, &opts) {
            check_stmts(&input, &got);
        }
    }
}

const TXTAR_TOKENS: &[&str] = &[
    "-- atlas:txtar\n",
    "-- migration.sql --\n",
    "-- checks.sql --\n",
    "-- checks/destructive.sql --\n",
    "-- down.sql --\n",
    "-- é --\n",
    "-- --\n",
    "--  --\n",
    "-- x --",
    "-- atlas:assert oneof\n",
    "-- atlas:assert DS102\n",
    "-- atlas:txn none\n",
    "-- atlas:sum ignore\n",
    "SELECT 1;\n",
    "DROP TABLE t;",
    "'",
    "(",
    "\n",
    "\r\n",
    "é",
    "😀",
    " --\n",
    "-- ",
];

#[test]
fn txtar_reader_never_panics() {
    for seed in 1..=CASES {
        let mut rng = Rng::new(seed, 2);
        let mut content = rng.text(TXTAR_TOKENS, 20);
        if rng.chance(70) {
            content.insert_str(0, "-- atlas:txtar\n");
        }
        let _ = txtar::header(&content);
        let opts = lex_options(&mut rng);
        for section in txtar::sections(&content) {
            assert_eq!(content.get(section.offset..section.offset + section.sql.len()), Some(section.sql.as_str()));
            let _ = section.assert_oneof();
            if let Ok(got) = section.stmts(&opts) {
                check_stmts(&content, &got);
            }
        }
        let file = File::new("1_x.sql", content.clone().into_bytes());
        let _ = (file.is_txtar(), file.migration_sql(), file.checks(), file.down(), file.directives());
        let _ = file.stmts(&opts);
    }
}

#[test]
fn files_with_invalid_utf8_never_panic() {
    for seed in 1..=CASES / 3 {
        let mut rng = Rng::new(seed, 3);
        let mut bytes = rng.text(TXTAR_TOKENS, 10).into_bytes();
        for _ in 0..rng.below(4) {
            let at = rng.below(bytes.len() + 1);
            bytes.insert(at, rng.pick(&[0xff, 0xc3, 0x80, 0xe2, 0x00]));
        }
        let file = File::new(format!("{}_é.sql", rng.below(9)), bytes);
        let opts = lex_options(&mut rng);
        let _ = (file.version(), file.desc(), file.text(), file.is_txtar(), file.migration_sql());
        let _ = (file.checks(), file.down(), file.directives(), file.stmts(&opts));
    }
}

const SUM_TOKENS: &[&str] = &[
    "h1:",
    "h1:2Fxy/+=",
    "1_init.sql ",
    "2_é.sql",
    " ",
    "\n",
    "\r\n",
    "\r",
    "=",
    "/",
    "+",
    "abcdEFGH0123456789",
    "atlas.sum",
    "é",
    "😀",
];

#[test]
fn sum_reader_never_panics() {
    for seed in 1..=CASES {
        let mut rng = Rng::new(seed, 4);
        let mut bytes = rng.text(SUM_TOKENS, 25).into_bytes();
        if rng.chance(20) {
            let at = rng.below(bytes.len() + 1);
            bytes.insert(at, 0xff);
        }
        let mut dir = MemDir::new();
        for i in 0..rng.below(4) {
            dir.write_file(format!("{i}_{}.sql", rng.pick(&["a", "é", " b"])), rng.text(SQL_TOKENS, 5));
        }
        let computed = HashFile::compute(&dir.files().unwrap_or_default());
        if let Ok(parsed) = HashFile::parse(&bytes) {
            let _ = (parsed.compare(&computed), computed.compare(&parsed), parsed.to_bytes(), parsed.file_hash("a"));
        }
        // A generated atlas.sum with random edits, checked through the directory.
        let mut sum = computed.to_bytes();
        if !sum.is_empty() && rng.chance(50) {
            let at = rng.below(sum.len());
            sum[at] = rng.pick(&[b'\n', b' ', b'x', 0xff]);
        }
        dir.write_file(HASH_FILE_NAME, if rng.chance(30) { bytes } else { sum });
        let _ = validate(&dir);
    }
}
