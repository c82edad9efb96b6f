//! The default plugin registry, loaded on another thread while the command
//! line is parsed and the project file read: a command's plugin takes most
//! of a millisecond to load (mapping and relocating the library, checking
//! its layout), the same again as parsing the command line, and nothing of
//! the one needs the other. The same thread then opens the SQLite file the
//! command line names, while the migration directory is read, and makes the
//! reads the command said it starts with ([`Preload::read_ahead`]).

use super::{Conn, LoadError, Registry, SearchPath};
use std::ffi::OsString;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use strata_dialect_api::DbUrl;

type Loaded = (SearchPath, Result<Arc<Registry>, LoadError>);

/// Reads a command makes first on its target, made ahead on the thread that
/// opened it ([`Preload::read_ahead`]).
pub type ReadAhead = fn(&mut Conn);

/// A registry loading in the background (see the module docs).
pub struct Preload {
    loaded: Option<Receiver<Loaded>>,
    opening: Option<JoinHandle<Option<(String, Conn)>>>,
    /// The URL the thread opens after loading (an existing SQLite file).
    target: Option<String>,
    /// What the thread reads once the target is open.
    read_ahead: Arc<Mutex<Option<ReadAhead>>>,
}

impl Preload {
    /// Starts loading the default registry (no project plugins) and, when
    /// `args` pass `--url`, the plugin of its scheme. That URL is only a hint:
    /// a project's env may name another and a command may not connect at
    /// all; what it loads is then never used.
    ///
    /// The registry is handed over as soon as the plugins are indexed; the
    /// plugin of the hint's scheme then loads on this thread, and a hint
    /// naming an existing SQLite file is opened: the open parses the file's
    /// schema (milliseconds for hundreds of tables) while the command line,
    /// the project file and the migration directory are read, and the thread
    /// is running already (waking another processor for a new one can cost as
    /// much as a millisecond on a virtual machine). Opening such a file
    /// neither creates nor changes it; a server is never connected to before
    /// the command asks, as a hint that names the wrong one could make
    /// `--help` wait out a connection timeout.
    pub fn start(args: impl IntoIterator<Item = OsString>) -> Preload {
        let hint = url_flag(args);
        let target = hint.clone().filter(|u| crate::plan::opens_local_file(u));
        let open = target.clone();
        let (send, loaded) = sync_channel(1);
        let read_ahead = Arc::new(Mutex::new(None::<ReadAhead>));
        let reads = Arc::clone(&read_ahead);
        let main_cpu = current_cpu();
        let opening = std::thread::Builder::new().name("plugins".into()).spawn(move || {
            avoid_cpu(main_cpu);
            let search = SearchPath::from_env(&[]);
            let registry = Registry::load_indexed(&search).map(Arc::new);
            let shared = registry.as_ref().ok().map(Arc::clone);
            // The index is what the command needs to go on; the plugin its
            // URL names loads here meanwhile (a command that asks for it
            // sooner waits on the registry's entry, not on this thread). The
            // receiver may be gone (the command line was wrong): then nothing
            // is loaded or opened.
            send.send((search, registry)).ok()?;
            crate::trace::mark("preload: plugins indexed");
            let url = DbUrl::parse(&hint?).ok()?;
            // A failure is the command's to report, when it opens the URL.
            let driver = shared?.driver_for(&url).ok()?.clone();
            crate::trace::mark("preload: plugin loaded");
            // Only an existing SQLite file is opened ahead (see above).
            let open = open?;
            let mut conn = driver.open(&url).ok()?;
            crate::trace::mark("preload: target open");
            // Set by now unless the command line took longer to parse than
            // the file to open; the reads are then the command's own.
            if let Some(read) = reads.lock().ok().and_then(|r| *r) {
                read(&mut conn);
                crate::trace::mark("preload: target read ahead");
            }
            Some((open, conn))
        });
        match opening {
            Ok(handle) => Preload { loaded: Some(loaded), opening: Some(handle), target, read_ahead },
            Err(_) => Preload { loaded: None, opening: None, target: None, read_ahead },
        }
    }

    /// Has the thread run `read` on the target once it is open: the reads the
    /// command starts with, made while it reads its project and directory.
    /// They must be reads: the command may yet take another target or none,
    /// and a plugin answers them again from memory only when nothing changed
    /// (SQLite's digests: `strata-sqlite`'s `digest_query`).
    pub fn read_ahead(&self, read: ReadAhead) {
        if let Ok(mut slot) = self.read_ahead.lock() {
            *slot = Some(read);
        }
    }

    /// The registry of `search`, if that is what was loaded (`None` when the
    /// search path differs, a project's plugins, or the thread could not
    /// run), and the target it may be opening, which only that registry's
    /// plugins may use.
    pub fn take(mut self, search: &SearchPath) -> (Option<Result<Arc<Registry>, LoadError>>, Opening) {
        let registry = self.loaded.take().and_then(|r| r.recv().ok()).and_then(|(s, r)| (s == *search).then_some(r));
        let pending = Pending { handle: self.opening.take(), target: self.target.take() };
        if registry.is_none() {
            // Another plugin (the project's) opens the file: what this one
            // opened closes first, since two SQLite libraries in one process
            // release each other's locks on a file when either closes it.
            drop(pending);
            return (None, Opening::default());
        }
        (registry, Opening(Arc::new(Mutex::new(pending))))
    }
}

impl Drop for Preload {
    /// A command that ends before taking the registry waits for the load: the
    /// process never exits while a plugin's initializers run.
    fn drop(&mut self) {
        drop(self.loaded.take());
        drop(Pending { handle: self.opening.take(), target: None });
    }
}

/// The target the preload thread may be opening (see [`Preload::start`]);
/// cloned with the context that carries it, and waited for when the last
/// clone goes.
#[derive(Clone, Default)]
pub struct Opening(Arc<Mutex<Pending>>);

impl Opening {
    /// Whether the thread is opening `url` for this command (without waiting for it).
    pub fn opens(&self, url: &str) -> bool {
        self.0.lock().is_ok_and(|p| p.handle.is_some() && p.target.as_deref() == Some(url))
    }

    /// The connection to `url`, if the thread opened that (waits for it);
    /// `None` when it opened something else or failed: the caller opens
    /// `url` itself and reports what goes wrong.
    pub fn take(&self, url: &str) -> Option<Conn> {
        let mut pending = self.0.lock().ok()?;
        let (opened, conn) = pending.handle.take()?.join().ok()??;
        (pending.target.as_deref() == Some(url) && opened == url).then_some(conn)
    }
}

/// The preload thread, joined when dropped; `target`: the URL it opens, when
/// its registry is the command's (so is the plugin of what it opened).
#[derive(Default)]
struct Pending {
    handle: Option<JoinHandle<Option<(String, Conn)>>>,
    target: Option<String>,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// The processor the calling thread runs on.
#[cfg(target_os = "linux")]
fn current_cpu() -> Option<usize> {
    // SAFETY: no arguments, no memory.
    usize::try_from(unsafe { libc::sched_getcpu() }).ok()
}

#[cfg(not(target_os = "linux"))]
fn current_cpu() -> Option<usize> {
    None
}

/// Keeps the calling thread off processor `cpu` (the one `main` ran on when
/// it started this thread) when the process may use another. Linux starts a
/// new thread on its parent's processor and moves one of them away only
/// after milliseconds: traced with `perf sched` on 2 cores, `main` and this
/// thread took turns on one processor for the first 4 ms of a warm
/// `migrate down` while the other stood idle, and a run started planning
/// 1.8 ms later than with each on its own (bench/README.md).
#[cfg(target_os = "linux")]
fn avoid_cpu(cpu: Option<usize>) {
    let Some(cpu) = cpu else { return };
    // SAFETY: the set is a plain bitmask owned here; 0 names this thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return;
        }
        if libc::CPU_COUNT(&set) < 2 || !libc::CPU_ISSET(cpu, &set) {
            return;
        }
        libc::CPU_CLR(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

#[cfg(not(target_os = "linux"))]
fn avoid_cpu(_: Option<usize>) {}

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
