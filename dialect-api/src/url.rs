//! Database URLs that never print their password.

use std::collections::BTreeMap;
use std::fmt;

/// A parsed `scheme://user:pass@host:port/path?query` URL. `Display` and `Debug`
/// show the password as `****`; only [`DbUrl::as_secret_str`] gives the original.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    raw: String,
    /// The scheme, lowercase (`sqlite`, `postgres`, ...).
    pub scheme: String,
    /// The user name, percent-decoded.
    pub user: Option<String>,
    /// The password, percent-decoded.
    pub password: Option<String>,
    /// The host (empty for SQLite paths).
    pub host: String,
    /// The port, when given.
    pub port: Option<u16>,
    /// The path without its leading `/` for server URLs; the file path for SQLite.
    pub path: String,
    /// Query parameters, percent-decoded.
    pub query: BTreeMap<String, String>,
}

impl DbUrl {
    /// Parses a URL.
    ///
    /// # Errors
    /// A message (with the password masked) when the text is not a URL.
    pub fn parse(raw: &str) -> Result<DbUrl, String> {
        let Some((scheme, rest)) = raw.split_once("://") else {
            return Err(format!("{:?} is not a URL: missing \"scheme://\"", mask(raw)));
        };
        if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
            return Err(format!("{:?} is not a URL: invalid scheme", mask(raw)));
        }
        let (rest, query_text) = rest.split_once('?').unwrap_or((rest, ""));
        let mut query = BTreeMap::new();
        for pair in query_text.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            query.insert(decode(k), decode(v));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(info) => match info.split_once(':') {
                Some((u, p)) => (Some(decode(u)), Some(decode(p))),
                None => (Some(decode(info)), None),
            },
            None => (None, None),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.is_empty() || !p.is_empty() => {
                let port = p.parse::<u16>().map_err(|_| format!("{:?}: invalid port {p:?}", mask(raw)))?;
                (h.to_string(), Some(port))
            }
            _ => (hostport.to_string(), None),
        };
        Ok(DbUrl {
            raw: raw.to_string(),
            scheme: scheme.to_ascii_lowercase(),
            user,
            password,
            host,
            port,
            path: decode(path),
            query,
        })
    }

    /// The original text, password included: pass it only to a driver.
    pub fn as_secret_str(&self) -> &str {
        &self.raw
    }

    /// The text with the password replaced by `****`.
    pub fn redacted(&self) -> String {
        mask(&self.raw)
    }
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

/// Masks the password of any `scheme://user:pass@…` text, e.g. inside an error.
pub fn mask(text: &str) -> String {
    let Some(start) = text.find("://").map(|i| i + 3) else { return text.to_string() };
    let rest = &text[start..];
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => {
            format!("{}{}:****{}", &text[..start], &authority[..colon], &text[start + at..])
        }
        _ => text.to_string(),
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn password_never_prints() {
        let url = DbUrl::parse("postgres://alice:s3cr%40t@db:5432/app?sslmode=disable").unwrap();
        assert_eq!(url.password.as_deref(), Some("s3cr@t"));
        assert_eq!(url.to_string(), "postgres://alice:****@db:5432/app?sslmode=disable");
        assert!(!format!("{url:?}").contains("s3cr"));
        assert_eq!(url.path, "app");
        assert_eq!(url.port, Some(5432));
        assert_eq!(url.query.get("sslmode").map(String::as_str), Some("disable"));
    }

    #[test]
    fn sqlite_paths() {
        let url = DbUrl::parse("sqlite://dev?mode=memory").unwrap();
        assert_eq!((url.host.as_str(), url.path.as_str()), ("dev", ""));
        let url = DbUrl::parse("sqlite:///tmp/x.db").unwrap();
        assert_eq!(url.path, "tmp/x.db");
    }

    #[test]
    fn mask_in_free_text() {
        assert_eq!(mask("cannot reach mysql://root:pw@h:3306/db"), "cannot reach mysql://root:****@h:3306/db");
        assert_eq!(mask("sqlite://file.db"), "sqlite://file.db");
    }
}
