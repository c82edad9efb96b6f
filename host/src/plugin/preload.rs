//! The default plugin registry, loaded on another thread while the command
//! line is parsed and the project file read: a command's plugin takes most
//! of a millisecond to load (mapping and relocating the library, checking
//! its layout), the same again as parsing the command line, and nothing of
//! the one needs the other.

use super::{LoadError, Registry, SearchPath};
use std::ffi::OsString;
use std::thread::JoinHandle;
use strata_dialect_api::DbUrl;

type Loaded = (SearchPath, Result<Registry, LoadError>);

/// A registry loading in the background (see the module docs).
pub struct Preload(Option<JoinHandle<Loaded>>);

impl Preload {
    /// Starts loading the default registry (no project plugins) and, when
    /// `args` pass `--url`, the plugin of its scheme. That URL is only a hint:
    /// a project's env may name another and a command may not connect at
    /// all; what it loads is then never used.
    pub fn start(args: impl IntoIterator<Item = OsString>) -> Preload {
        let url = url_flag(args);
        let loading = std::thread::Builder::new().name("plugins".into()).spawn(move || {
            let search = SearchPath::from_env(&[]);
            let registry = Registry::load_indexed(&search);
            if let (Ok(registry), Some(url)) = (&registry, url.and_then(|u| DbUrl::parse(&u).ok())) {
                // A failure is the command's to report, when it opens the URL.
                let _ = registry.driver_for(&url);
            }
            (search, registry)
        });
        Preload(loading.ok())
    }

    /// The registry of `search`, if that is what was loaded; `None` when the
    /// search path differs (a project's plugins) or the thread could not run.
    pub fn take(mut self, search: &SearchPath) -> Option<Result<Registry, LoadError>> {
        let (loaded, registry) = self.0.take()?.join().ok()?;
        (loaded == *search).then_some(registry)
    }
}

impl Drop for Preload {
    /// A command that ends before taking the registry waits for the load: the
    /// process never exits while a plugin's initializers run.
    fn drop(&mut self) {
        if let Some(loading) = self.0.take() {
            let _ = loading.join();
        }
    }
}

/// The value of the first `--url` (`--url=V`, `-u V`) before a lone `--`.
fn url_flag(args: impl IntoIterator<Item = OsString>) -> Option<String> {
    let mut args = args.into_iter().map(|a| a.into_string().unwrap_or_default());
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--" => return None,
            "--url" | "-u" => return args.next(),
            _ => {
                if let Some(value) = arg.strip_prefix("--url=") {
                    return Some(value.to_string());
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(args: &[&str]) -> Option<String> {
        url_flag(args.iter().map(OsString::from))
    }

    #[test]
    fn the_url_hint_is_the_first_url_flag() {
        assert_eq!(url(&["strata", "migrate", "down", "--url", "sqlite://a.db"]).as_deref(), Some("sqlite://a.db"));
        assert_eq!(url(&["strata", "--url=mysql://h/d", "--url", "x"]).as_deref(), Some("mysql://h/d"));
        assert_eq!(url(&["strata", "-u", "postgres://h/d"]).as_deref(), Some("postgres://h/d"));
        assert_eq!(url(&["strata", "migrate", "apply", "--dev-url", "sqlite://dev"]), None);
        assert_eq!(url(&["strata", "--", "--url", "sqlite://a.db"]), None);
        assert_eq!(url(&["strata", "--url"]), None);
    }
}
