//! Database URLs that never print their password.
//!
//! Every text that may hold a URL goes through [`mask`] before it is shown:
//! parse errors, `Display`/`Debug` of [`DbUrl`], plugin errors, the CLI's error
//! line. Masking is lexical so that it also works on URLs that do not parse.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

/// What a hidden secret prints as.
const HIDDEN: &str = "****";

/// Schemes whose authority is a file name, not `host:port` (Atlas's SQLite URLs
/// `sqlite://file.db`, `sqlite://file:test.db?_fk=1`).
const FILE_SCHEMES: [&str; 3] = ["sqlite", "sqlite3", "libsql"];

/// A parsed `scheme://user:pass@host:port/path?query` URL. `Display` and `Debug`
/// show the password as `****`; only [`DbUrl::as_secret_str`] gives the original.
///
/// The host parses every URL with it before choosing a plugin (a URL that does
/// not parse never reaches one); a plugin parses the text
/// [`crate::Dialect::open`] receives with it too, so that both read the same
/// URL the same way, and writes URLs in messages through `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    raw: String,
    /// The scheme, lowercase (`sqlite`, `postgres`, ...).
    pub scheme: String,
    /// The user name, percent-decoded.
    pub user: Option<String>,
    /// The password, percent-decoded.
    pub password: Option<String>,
    /// The host, without brackets around an IPv6 address (empty for SQLite).
    pub host: String,
    /// The port, when given.
    pub port: Option<u16>,
    /// The path without its leading `/` for server URLs. For SQLite, the file
    /// as written after `//` (a leading `file:` removed, percent-decoded).
    pub path: String,
    /// Query parameters, percent-decoded.
    pub query: BTreeMap<String, String>,
}

impl DbUrl {
    /// Parses a URL.
    ///
    /// # Errors
    /// A message saying what is wrong; it never holds the password.
    pub fn parse(raw: &str) -> Result<DbUrl, String> {
        let Some(scheme_len) = scheme_len(raw) else {
            return Err(invalid(raw, "missing \"scheme://\" (e.g. sqlite://app.db or postgres://user:pass@host/db)"));
        };
        let (scheme_text, after) = raw.split_at(scheme_len);
        let scheme = scheme_text.to_ascii_lowercase();
        let Some(rest) = after.strip_prefix("://") else {
            return Err(invalid(raw, format_args!("missing \"//\" after \"{scheme}:\" (write {scheme}://…)")));
        };
        if FILE_SCHEMES.contains(&scheme.as_str()) {
            return parse_file_url(raw, scheme, rest);
        }
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((info, hp)) => (Some(info), hp),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(info) => match info.split_once(':') {
                Some((u, p)) => (Some(decode(u)), Some(decode(p))),
                None => (Some(decode(info)), None),
            },
            None => (None, None),
        };
        let (host, port_text) = split_host_port(hostport)
            .ok_or_else(|| invalid(raw, "an IPv6 host must be written [addr] or [addr]:port"))?;
        let port = match port_text {
            None | Some("") => None,
            Some(p) => Some(p.parse::<u16>().map_err(|_| bad_port(raw, &scheme, rest, host, p))?),
        };
        let tail = tail.split_once('#').map_or(tail, |(t, _)| t);
        let (path, query_text) = tail.split_once('?').unwrap_or((tail, ""));
        Ok(DbUrl {
            raw: raw.to_string(),
            scheme,
            user,
            password,
            host: host.to_string(),
            port,
            path: decode(path.strip_prefix('/').unwrap_or(path)),
            query: parse_query(query_text),
        })
    }

    /// The original text, password included: pass it only to a driver.
    pub fn as_secret_str(&self) -> &str {
        &self.raw
    }

    /// The text with the password replaced by `****`.
    pub fn redacted(&self) -> String {
        mask_one(&self.raw)
    }
}

/// `sqlite://PATH?query`: everything up to `?` names the file.
fn parse_file_url(raw: &str, scheme: String, rest: &str) -> Result<DbUrl, String> {
    let (target, query_text) = rest.split_once('?').unwrap_or((rest, ""));
    let target = target.strip_prefix("file:").unwrap_or(target);
    // `user:pass@` is a credential, which a file does not take; a bare `@` in a
    // file name (`backup@2024.db`) is fine. A `:` anywhere before the last `@`
    // counts, so that a password holding `/` is refused too.
    if target.rsplit_once('@').is_some_and(|(info, _)| info.contains(':')) {
        return Err(invalid(raw, "a SQLite URL takes no user name or password"));
    }
    Ok(DbUrl {
        raw: raw.to_string(),
        scheme,
        user: None,
        password: None,
        host: String::new(),
        port: None,
        path: decode(target),
        query: parse_query(query_text),
    })
}

/// Splits `host[:port]` or `[v6][:port]`; `None` for an unclosed bracket or
/// text after it.
fn split_host_port(hostport: &str) -> Option<(&str, Option<&str>)> {
    if let Some(v6) = hostport.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        return match after {
            "" => Some((host, None)),
            _ => Some((host, Some(after.strip_prefix(':')?))),
        };
    }
    Some(match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    })
}

/// The error for a port that is not a number. The "port" may be the start of
/// a password holding a raw `/`, `?` or `#` (`u:p/w@h`), so neither it nor the
/// URL is echoed unless no `@` shows that there is no password.
fn bad_port(raw: &str, scheme: &str, rest: &str, host: &str, port: &str) -> String {
    if !rest.contains('@') && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) {
        return invalid(raw, format_args!("port {port} is out of range (0-65535)"));
    }
    let shown = if rest.contains('@') { mask_one(raw) } else { format!("{scheme}://{host}:…") };
    format!(
        "invalid URL {shown:?}: the port after {host:?} is not a number from 0 to 65535; \
         if a password comes before the host, percent-encode any '/', '?', '#' or '@' in it (e.g. '/' as %2F)"
    )
}

/// `invalid URL "<masked>": why`.
fn invalid(raw: &str, why: impl fmt::Display) -> String {
    format!("invalid URL {:?}: {why}", mask_one(raw))
}

fn parse_query(text: &str) -> BTreeMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({:?})", self.redacted())
    }
}

/// Masks the passwords of URLs in free text, e.g. an error message: the part
/// after `user:` up to the last `@` of the URL (so a password holding a raw
/// `@`, `/`, `?` or `#` is hidden whole), the userinfo of a URL without `//`
/// (`postgres:alice:pw@host`), and the values of query parameters such as
/// `password=` or `token=`.
///
/// A URL ends at whitespace or where another `scheme://` begins; a password
/// holding whitespace can therefore only be hidden by [`DbUrl`]'s own
/// `Display`, which knows that its whole text is one URL.
///
/// Plugins pass a message through it when it may quote a URL (a driver's
/// error often does). It does not find a bare password a server echoes
/// outside any URL: replace the connection's password in such messages
/// yourself.
pub fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        mask_word(word, &mut out);
        out.push_str(piece.get(word.len()..).unwrap_or_default());
    }
    out
}

/// Masks `text` taken whole as one URL (a `--url` value), whitespace included.
fn mask_one(text: &str) -> String {
    hide(text, secret_ranges(text, 0..text.len(), true))
}

/// Characters after which a URL may start inside a word (`"postgres://…"`,
/// `url=mysql://…`).
const URL_OPENERS: &[u8] = b"\"'`(<[{,;=";

fn mask_word(word: &str, out: &mut String) {
    let starts = url_starts(word);
    let mut ranges = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(word.len());
        ranges.extend(secret_ranges(word, start..end, false));
    }
    out.push_str(&hide(word, ranges));
}

/// Where URLs start in `word`: the first `scheme:` at the word's start or after
/// an opener, then each further `scheme://` (a later bare `x:` is more likely
/// part of a password than a new URL).
fn url_starts(word: &str) -> Vec<usize> {
    let bytes = word.as_bytes();
    let mut starts = Vec::new();
    for (i, _) in word.char_indices() {
        let opens = i.checked_sub(1).and_then(|p| bytes.get(p)).is_none_or(|b| URL_OPENERS.contains(b));
        if !opens {
            continue;
        }
        let rest = word.get(i..).unwrap_or_default();
        if let Some(n) = scheme_len(rest)
            && (starts.is_empty() || rest.get(n..).is_some_and(|r| r.starts_with("://")))
        {
            starts.push(i);
        }
    }
    starts
}

/// Length of the `scheme` in `scheme:…` (a letter, then letters, digits, `+-.`).
fn scheme_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    let n = bytes.iter().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')).count();
    (bytes.get(n) == Some(&b':')).then_some(n)
}

/// `text` with each range replaced by `****`; overlapping or touching ranges
/// become one `****`.
fn hide(text: &str, mut ranges: Vec<Range<usize>>) -> String {
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in merged {
        out.push_str(text.get(at..r.start).unwrap_or_default());
        out.push_str(HIDDEN);
        at = r.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    out
}

/// Byte ranges of `text` to hide for the URL at `url` (from its scheme to
/// where the next URL starts). Each bound sits next to an ASCII delimiter.
/// `whole`: `text` is all of one URL, so nothing after it is prose.
///
/// A secret may run past `url.end` when a password happens to hold something
/// like `,x://`: a password with no `@` before the next URL extends to the
/// word's last `@`, and a query value to the next `&`, hiding too much rather
/// than too little.
fn secret_ranges(text: &str, url: Range<usize>, whole: bool) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let seg = text.get(url.clone()).unwrap_or_default();
    let userinfo_start = match scheme_len(seg) {
        Some(n) if seg.get(n..).is_some_and(|r| r.starts_with("://")) => Some((url.start + n + 3, true)),
        Some(n) => Some((url.start + n + 1, false)),
        // A whole URL without a scheme (`alice:pw@host`): all before `@` may be secret.
        None if whole => Some((url.start, false)),
        None => None,
    };
    if let Some((start, hier)) = userinfo_start {
        let last_at = |end: usize| text.get(start..end).and_then(|r| r.rfind('@')).map(|i| start + i);
        let in_url = text.get(start..url.end).unwrap_or_default();
        let at = last_at(url.end).or_else(|| if in_url.contains(':') { last_at(text.len()) } else { None });
        if let Some(at) = at {
            let info = text.get(start..at).unwrap_or_default();
            match info.find(':') {
                Some(colon) if start + colon + 1 < at => ranges.push(start + colon + 1..at),
                Some(_) => {}
                // `//user@host` names a user; without `//` nothing tells a user from a password.
                None if !hier && !info.is_empty() => ranges.push(start..at),
                None => {}
            }
        }
    }
    for (i, b) in seg.bytes().enumerate() {
        if !matches!(b, b'?' | b'&' | b';') {
            continue;
        }
        let name_start = url.start + i + 1;
        let rest = text.get(name_start..).unwrap_or_default();
        // A name holds none of the URL's delimiters, so it never reaches into a
        // userinfo or a value that an earlier pass already hid.
        let Some(eq) = rest.find(['=', '&', '?', ';', '#', '@', ':', '/', '"', '\'']) else { continue };
        if rest.as_bytes().get(eq) != Some(&b'=') || !is_secret_name(rest.get(..eq).unwrap_or_default()) {
            continue;
        }
        let value_start = name_start + eq + 1;
        let value = text.get(value_start..).unwrap_or_default();
        let mut value_end = value_start + value.find('&').unwrap_or(value.len());
        if !whole {
            // Keep the prose's punctuation after a URL (`…?password=x",` or `…: error`).
            let kept = text.get(value_start..value_end).unwrap_or_default();
            value_end =
                value_start + kept.trim_end_matches(['"', '\'', '`', ')', '>', ']', '}', ',', ';', ':', '.']).len();
        }
        if value_end > value_start {
            ranges.push(value_start..value_end);
        }
    }
    ranges
}

/// Query parameters that carry a secret (`password`, `sslpassword`, `authToken`, ...).
fn is_secret_name(name: &str) -> bool {
    let name = decode(name).to_ascii_lowercase();
    matches!(name.as_str(), "pass" | "pwd" | "pw" | "passwd")
        || ["password", "secret", "token"].iter().any(|k| name.contains(k))
}

/// Percent-decodes `s`; a `%` not followed by two hex digits stays as is, and
/// bytes that are not UTF-8 become U+FFFD.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let (Some(hi), Some(lo)) = (bytes.get(i + 1).and_then(hex), bytes.get(i + 2).and_then(hex))
        {
            out.push((hi << 4) | lo);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: &u8) -> Option<u8> {
    char::from(*b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn err(raw: &str) -> String {
        DbUrl::parse(raw).unwrap_err()
    }

    #[test]
    fn password_never_prints() {
        let url = DbUrl::parse("postgres://alice:s3cr%40t@db:5432/app?sslmode=disable").unwrap();
        assert_eq!(url.password.as_deref(), Some("s3cr@t"));
        assert_eq!(url.to_string(), "postgres://alice:****@db:5432/app?sslmode=disable");
        assert_eq!(format!("{url:?}"), r#"DbUrl("postgres://alice:****@db:5432/app?sslmode=disable")"#);
        assert_eq!(url.path, "app");
        assert_eq!(url.port, Some(5432));
        assert_eq!(url.query.get("sslmode").map(String::as_str), Some("disable"));
    }

    #[test]
    fn broken_percent_escape_before_multibyte_char() {
        // `%a` followed by `é`: once a panic that printed the password.
        let url = DbUrl::parse("postgres://u:s3cr%aé@127.0.0.1:1/db").unwrap();
        assert_eq!(url.password.as_deref(), Some("s3cr%aé"));
        assert_eq!(url.to_string(), "postgres://u:****@127.0.0.1:1/db");
        assert_eq!(decode("%é"), "%é");
        assert_eq!(decode("a%4"), "a%4");
        assert_eq!(decode("a%41"), "aA");
        assert_eq!(decode("%C3%A9%zz%"), "é%zz%");
        assert_eq!(decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn raw_slash_or_question_mark_in_password_is_an_error_without_it() {
        assert_eq!(
            err("postgres://u:p/w?x@h/db"),
            "invalid URL \"postgres://u:****@h/db\": the port after \"u\" is not a number from 0 to 65535; \
             if a password comes before the host, percent-encode any '/', '?', '#' or '@' in it (e.g. '/' as %2F)"
        );
        // The CLI masks every error again: the text must survive that unchanged.
        assert_eq!(mask(&err("postgres://u:p/w?x@h/db")), err("postgres://u:p/w?x@h/db"));
        assert!(err("postgres://u:pa#ss@h/db").starts_with("invalid URL \"postgres://u:****@h/db\": the port after"));
        // No `@` at all: the "port" may still be a password, so only the host shows.
        assert!(err("postgres://alice:secret/db").starts_with("invalid URL \"postgres://alice:…\": the port after"));
        assert_eq!(
            err("postgres://h:99999/db"),
            "invalid URL \"postgres://h:99999/db\": port 99999 is out of range (0-65535)"
        );
    }

    #[test]
    fn password_as_query_parameter() {
        let url = DbUrl::parse("postgres://h/db?password=topsecret&sslmode=disable").unwrap();
        assert_eq!(url.query.get("password").map(String::as_str), Some("topsecret"));
        assert_eq!(url.to_string(), "postgres://h/db?password=****&sslmode=disable");
        for name in ["pass", "pwd", "PASSWORD", "sslpassword", "secret", "client_secret", "token", "authToken"] {
            assert_eq!(mask(&format!("libsql://h/db?{name}=xyz&a=1")), format!("libsql://h/db?{name}=****&a=1"));
        }
        assert_eq!(mask("mysql://h/db?passive=1&user=x"), "mysql://h/db?passive=1&user=x");
    }

    #[test]
    fn url_without_slashes_is_an_error_without_the_password() {
        assert_eq!(
            err("postgres:alice:secret@host/db"),
            "invalid URL \"postgres:alice:****@host/db\": missing \"//\" after \"postgres:\" (write postgres://…)"
        );
        assert_eq!(
            err("postgres:/alice:pw@h/db"),
            "invalid URL \"postgres:/alice:****@h/db\": missing \"//\" after \"postgres:\" (write postgres://…)"
        );
        assert_eq!(
            err("postgres:secret@h"),
            "invalid URL \"postgres:****@h\": missing \"//\" after \"postgres:\" (write postgres://…)"
        );
        assert_eq!(
            err("secret@host/db"),
            "invalid URL \"****@host/db\": missing \"scheme://\" (e.g. sqlite://app.db or postgres://user:pass@host/db)"
        );
        assert_eq!(
            err(""),
            "invalid URL \"\": missing \"scheme://\" (e.g. sqlite://app.db or postgres://user:pass@host/db)"
        );
    }

    #[test]
    fn sqlite_takes_no_credentials() {
        assert_eq!(
            err("sqlite://user:pw@/tmp/x.db"),
            "invalid URL \"sqlite://user:****@/tmp/x.db\": a SQLite URL takes no user name or password"
        );
        let url = DbUrl::parse("sqlite://backup@2024.db").unwrap();
        assert_eq!((url.path.as_str(), url.user.as_deref()), ("backup@2024.db", None));
    }

    #[test]
    fn sqlite_paths() {
        let url = DbUrl::parse("sqlite://dev?mode=memory").unwrap();
        assert_eq!((url.host.as_str(), url.path.as_str()), ("", "dev"));
        assert_eq!(url.query.get("mode").map(String::as_str), Some("memory"));
        let url = DbUrl::parse("sqlite:///tmp/x.db").unwrap();
        assert_eq!(url.path, "/tmp/x.db");
        let url = DbUrl::parse("sqlite://file:/tmp/t.db?cache=shared&_fk=1").unwrap();
        assert_eq!((url.path.as_str(), url.port), ("/tmp/t.db", None));
        assert_eq!(url.query.get("cache").map(String::as_str), Some("shared"));
        assert_eq!(url.query.get("_fk").map(String::as_str), Some("1"));
        let url = DbUrl::parse("sqlite://file:test.db?_fk=1").unwrap();
        assert_eq!(url.path, "test.db");
        let url = DbUrl::parse("sqlite3://file.db?_fk=1").unwrap();
        assert_eq!((url.scheme.as_str(), url.path.as_str()), ("sqlite3", "file.db"));
        let url = DbUrl::parse("libsql://file:x.db").unwrap();
        assert_eq!(url.path, "x.db");
        assert_eq!(url.to_string(), "libsql://file:x.db");
    }

    #[test]
    fn hosts_and_ports() {
        let url = DbUrl::parse("postgres://[::1]:5433/db").unwrap();
        assert_eq!((url.host.as_str(), url.port), ("::1", Some(5433)));
        let url = DbUrl::parse("postgres://[fe80::1]").unwrap();
        assert_eq!((url.host.as_str(), url.port), ("fe80::1", None));
        let url = DbUrl::parse("postgres://u:p:w@h:/db#frag").unwrap();
        assert_eq!(
            (url.password.as_deref(), url.host.as_str(), url.port, url.path.as_str()),
            (Some("p:w"), "h", None, "db")
        );
        assert_eq!(
            err("postgres://[::1/db"),
            "invalid URL \"postgres://[::1/db\": an IPv6 host must be written [addr] or [addr]:port"
        );
        let url = DbUrl::parse("MySQL://root@h").unwrap();
        assert_eq!((url.scheme.as_str(), url.user.as_deref(), url.password), ("mysql", Some("root"), None));
    }

    #[test]
    fn mask_password_forms() {
        let cases = [
            ("postgres://u:p@ss@h/db", "postgres://u:****@h/db"),
            ("postgres://u:p/ss@h/db", "postgres://u:****@h/db"),
            ("postgres://u:p?ss@h/db", "postgres://u:****@h/db"),
            ("postgres://u:p#ss@h/db", "postgres://u:****@h/db"),
            ("postgres://u:p:ss@h/db", "postgres://u:****@h/db"),
            ("postgres://u:p%2Fss@h/db", "postgres://u:****@h/db"),
            ("postgres://u:pässwörd@h/db", "postgres://u:****@h/db"),
            ("postgres://:pw@h/db", "postgres://:****@h/db"),
            ("postgres://u:@h/db", "postgres://u:@h/db"),
            ("postgres://alice@h/db", "postgres://alice@h/db"),
            ("postgres:alice:secret@host/db", "postgres:alice:****@host/db"),
            ("postgres:/alice:pw@h/db", "postgres:/alice:****@h/db"),
            ("sqlite://user:pw@/tmp/x.db", "sqlite://user:****@/tmp/x.db"),
            ("sqlite://file:test.db?_fk=1", "sqlite://file:test.db?_fk=1"),
            ("sqlite://file.db", "sqlite://file.db"),
        ];
        for (text, want) in cases {
            assert_eq!(mask(text), want, "{text}");
            assert_eq!(mask(want), want, "masking twice changes nothing: {want}");
        }
    }

    #[test]
    fn mask_in_free_text() {
        assert_eq!(mask("cannot reach mysql://root:pw@h:3306/db"), "cannot reach mysql://root:****@h:3306/db");
        assert_eq!(
            mask("connecting to postgres://a:b@h/x: refused; dev postgres://c:d@h/y?password=e, ok"),
            "connecting to postgres://a:****@h/x: refused; dev postgres://c:****@h/y?password=****, ok"
        );
        assert_eq!(
            mask(r#"invalid URL "postgres://h/db?token=abc": bad"#),
            r#"invalid URL "postgres://h/db?token=****": bad"#
        );
        assert_eq!(
            mask(r#"{"URL":"postgres://u:p@h/db","Dev":"mysql://r:s@h/d"}"#),
            r#"{"URL":"postgres://u:****@h/db","Dev":"mysql://r:****@h/d"}"#
        );
        assert_eq!(mask("url=postgres://u:pw@h\n(mysql://r:pw@h)"), "url=postgres://u:****@h\n(mysql://r:****@h)");
        // An `@` in prose after a URL is not part of it.
        assert_eq!(
            mask("mysql://root:pw@h/db: Access denied for user 'root'@'10.0.0.1' (using password: YES)"),
            "mysql://root:****@h/db: Access denied for user 'root'@'10.0.0.1' (using password: YES)"
        );
        assert_eq!(mask("no url here: a@b, x=1 ü"), "no url here: a@b, x=1 ü");
        // A password that looks like the start of another URL is still hidden whole.
        assert_eq!(mask("postgres://u:a,b://c@h/db"), "postgres://u:****@h/db");
        assert_eq!(mask("postgres://h/db?password=x=y://z&a=1"), "postgres://h/db?password=****&a=1");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn display_hides_a_password_with_whitespace() {
        let url = DbUrl::parse("postgres://u:pa ss@h/db").unwrap();
        assert_eq!(url.password.as_deref(), Some("pa ss"));
        assert_eq!(url.to_string(), "postgres://u:****@h/db");
    }
}
