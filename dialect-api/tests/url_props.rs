//! Generated inputs for the URL parser and `mask`: no input panics, and a
//! password never shows in `mask` output, in a parse error, or in a `DbUrl`'s
//! `Display`/`Debug`. A small xorshift generator with fixed seeds keeps the
//! runs reproducible and the build free of extra dependencies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use strata_dialect_api::{DbUrl, mask};

/// xorshift64*: fast, deterministic, good enough to pick characters.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const CASES: u64 = 4000;

/// Characters that mean something in a URL, plus multi-byte ones.
const URL_CHARS: &[char] = &[
    'a', 'b', 'z', 'A', 'Z', '0', '9', ':', '/', '?', '#', '@', '%', '&', '=', ';', '[', ']', '+', '-', '.', '"', '\'',
    '(', ',', '*', ' ', '\n', '\t', 'é', 'ß', '€', '😀', '\u{0}', '\u{7f}', '\\',
];

/// Characters of generated passwords: delimiters, escapes, non-ASCII.
/// No `*` (the mask itself) and no whitespace (free text splits there).
const PASSWORD_CHARS: &[char] = &[
    'a', 'k', 'q', 'x', 'Q', 'W', '3', '7', '@', '/', '?', '#', ':', '%', '=', ';', '!', '$', '+', '.', '~', '"', '\'',
    ',', '[', ']', 'é', 'ü', 'ñ', '€', '😀',
];

fn random_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.chance(60) {
        s.push_str(rng.pick(&["postgres://", "sqlite://", "mysql:", "libsql://file:", "a:", "x+y.z://", "", "1:"]));
    }
    for _ in 0..rng.below(40) {
        if rng.chance(10) {
            s.push_str(rng.pick(&["%", "%4", "%e9", "%C3%A9", "%ZZ", "://", "password=", "@", "[::1]:", "file:"]));
        } else if rng.chance(5) {
            s.push(char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{FFFD}'));
        } else {
            s.push(rng.pick(URL_CHARS));
        }
    }
    s
}

fn password(rng: &mut Rng) -> String {
    let len = 8 + rng.below(10);
    (0..len).map(|_| rng.pick(PASSWORD_CHARS)).collect()
}

/// Percent-encodes everything but ASCII letters and digits.
fn encode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Asserts that neither the password nor its decoded form shows in `shown`.
fn hidden(shown: &str, secrets: &[&str], what: &str, input: &str) {
    for secret in secrets {
        assert!(!shown.contains(secret), "{what} shows the password {secret:?}\n input: {input:?}\n shown: {shown:?}");
    }
}

#[test]
fn arbitrary_text_never_panics() {
    for seed in 1..=CASES {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let text = random_text(&mut rng);
        // Masking what is already masked (a masked URL inside an error) works too.
        let _ = mask(&mask(&text));
        match DbUrl::parse(&text) {
            Ok(url) => {
                let _ = (url.to_string(), format!("{url:?}"), url.redacted());
            }
            Err(e) => assert!(e.starts_with("invalid URL "), "{e}"),
        }
    }
}

#[test]
fn generated_passwords_never_show() {
    let schemes = ["postgres", "postgresql", "mysql", "maria+unix", "clickhouse"];
    for seed in 1..=CASES {
        let mut rng = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
        let pw = password(&mut rng);
        let enc = encode(&pw);
        let scheme = rng.pick(&schemes);
        let port = rng.pick(&["", ":5432", ":1", ":99999", ":"]);
        let tail = rng.pick(&["/app", "/app?sslmode=disable", "", "?search_path=x", "/db#frag"]);
        let (url, secrets) = match rng.below(8) {
            0 => (format!("{scheme}://alice:{pw}@db.example{port}{tail}"), vec![pw.clone()]),
            1 => (format!("{scheme}://alice:{enc}@db.example{port}{tail}"), vec![pw.clone(), enc.clone()]),
            2 => (format!("{scheme}://:{pw}@db.example{port}{tail}"), vec![pw.clone()]),
            3 => {
                // A query value ends at `&`: a raw one holds none.
                let value = if rng.chance(50) { enc.clone() } else { pw.replace('&', "") };
                let name = rng.pick(&["password", "pass", "pwd", "secret", "token", "sslpassword", "authToken"]);
                (format!("{scheme}://alice@db.example{port}/app?sslmode=disable&{name}={value}&x=1"), vec![value])
            }
            4 => (format!("{scheme}:alice:{pw}@db.example{port}{tail}"), vec![pw.clone()]),
            5 => (format!("{scheme}:/alice:{pw}@db.example{port}{tail}"), vec![pw.clone()]),
            6 => (format!("sqlite://alice:{pw}@/tmp/x.db"), vec![pw.clone()]),
            _ => (format!("libsql://alice:{enc}@file.db?_fk=1"), vec![pw.clone(), enc.clone()]),
        };
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let masked = mask(&url);
        hidden(&masked, &secrets, "mask", &url);
        // An error holding an already masked URL is masked again on output.
        assert_eq!(mask(&masked), masked, "input {url:?}");
        match DbUrl::parse(&url) {
            Ok(parsed) => {
                hidden(&parsed.to_string(), &secrets, "Display", &url);
                hidden(&format!("{parsed:?}"), &secrets, "Debug", &url);
            }
            Err(e) => hidden(&e, &secrets, "the parse error", &url),
        }
        let prose = format!("error: connecting to {url}: connection refused; dev {url:?}, url={url}");
        hidden(&mask(&prose), &secrets, "mask of prose", &prose);
    }
}

#[test]
fn a_password_with_whitespace_never_shows_in_display() {
    for seed in 1..=CASES {
        let mut rng = Rng(seed.wrapping_mul(0xA076_1D64_78BD_642F) | 1);
        let pw = format!("{}{}{}", password(&mut rng), rng.pick(&[' ', '\t', '\n']), password(&mut rng));
        let url = format!("postgres://alice:{pw}@db.example:5432/app");
        match DbUrl::parse(&url) {
            Ok(parsed) => {
                hidden(&parsed.to_string(), &[&pw], "Display", &url);
                hidden(&format!("{parsed:?}"), &[&pw], "Debug", &url);
            }
            Err(e) => hidden(&e, &[&pw], "the parse error", &url),
        }
    }
}
