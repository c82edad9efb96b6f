//! Migration directories stored in the registry: `migrate push NAME[:TAG]`
//! writes a snapshot (files and atlas.sum) that `atlas://NAME?tag=` reads back.

use serde::{Deserialize, Serialize};

use super::{DIRS, Ledger};
use crate::error::{Error, db};

/// A stored directory snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PushedDir {
    /// The directory's name.
    pub repo: String,
    /// Its tag (a Git commit by default).
    pub tag: String,
    /// When it was pushed.
    pub created_at: String,
    /// Who pushed it.
    pub operator: String,
    /// File names and contents, in directory order (atlas.sum excluded).
    pub files: Vec<(String, String)>,
    /// The atlas.sum text.
    pub sum: String,
}

pub(super) fn push(ledger: &mut Ledger, dir: &PushedDir) -> Result<(), Error> {
    let ctx = "storing the directory in the registry";
    let sql = format!("DELETE FROM {DIRS} WHERE repo = {} AND tag = {}", ledger.p(1), ledger.p(2));
    ledger.conn.exec(&sql, vec![dir.repo.as_str().into(), dir.tag.as_str().into()]).map_err(db(ctx))?;
    let files = serde_json::to_string(&dir.files).map_err(|e| Error::Failed(format!("{ctx}: {e}")))?;
    let marks: Vec<String> = (1..=6).map(|i| ledger.p(i)).collect();
    let sql = format!("INSERT INTO {DIRS} (repo, tag, created_at, operator, files, sum) VALUES ({})", marks.join(", "));
    let args = vec![
        dir.repo.as_str().into(),
        dir.tag.as_str().into(),
        dir.created_at.as_str().into(),
        dir.operator.as_str().into(),
        files.as_str().into(),
        dir.sum.as_str().into(),
    ];
    ledger.conn.exec(&sql, args).map_err(db(ctx))?;
    Ok(())
}

fn from_row(row: Vec<Option<String>>) -> Result<PushedDir, Error> {
    let mut it = row.into_iter().map(Option::unwrap_or_default);
    let mut next = || it.next().unwrap_or_default();
    let (repo, tag, created_at, operator, files, sum) = (next(), next(), next(), next(), next(), next());
    let files = serde_json::from_str(&files)
        .map_err(|e| Error::Failed(format!("the registry's directory {repo}:{tag} is unreadable: {e}")))?;
    Ok(PushedDir { repo, tag, created_at, operator, files, sum })
}

pub(super) fn read(ledger: &mut Ledger, repo: &str, tag: Option<&str>) -> Result<Option<PushedDir>, Error> {
    let cols = "repo, tag, created_at, operator, files, sum";
    let (sql, args) = match tag {
        Some(tag) => (
            format!("SELECT {cols} FROM {DIRS} WHERE repo = {} AND tag = {}", ledger.p(1), ledger.p(2)),
            vec![repo.into(), tag.into()],
        ),
        None => (
            format!("SELECT {cols} FROM {DIRS} WHERE repo = {} ORDER BY created_at DESC, tag DESC", ledger.p(1)),
            vec![repo.into()],
        ),
    };
    let rows = ledger.conn.query(&sql, args).map_err(db("reading a directory from the registry"))?;
    rows.rows.into_iter().next().map(from_row).transpose()
}

pub(super) fn list(ledger: &mut Ledger, repo: &str) -> Result<Vec<PushedDir>, Error> {
    let sql = format!(
        "SELECT repo, tag, created_at, operator, files, sum FROM {DIRS} WHERE repo = {} ORDER BY created_at, tag",
        ledger.p(1)
    );
    let rows = ledger.conn.query(&sql, vec![repo.into()]).map_err(db("reading the registry's directories"))?;
    rows.rows.into_iter().map(from_row).collect()
}

/// `atlas://NAME[?tag=TAG]`: the repo and tag an `atlas://` directory URL names.
///
/// # Errors
/// A URL without a name, or with a query other than `tag`.
pub fn parse_url(url: &str) -> Result<Option<(String, Option<String>)>, String> {
    let Some(rest) = url.strip_prefix("atlas://") else { return Ok(None) };
    let (name, query) = rest.split_once('?').map_or((rest, None), |(n, q)| (n, Some(q)));
    let name = name.trim_end_matches('/');
    if name.is_empty() || name.contains('/') {
        return Err(format!("invalid directory URL {url:?}: expected atlas://NAME or atlas://NAME?tag=TAG"));
    }
    let mut tag = None;
    for pair in query.into_iter().flat_map(|q| q.split('&')).filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("tag", t)) if !t.is_empty() => tag = Some(t.to_string()),
            _ => {
                return Err(format!(
                    "invalid directory URL {url:?}: unsupported query {pair:?} (only tag=TAG is supported)"
                ));
            }
        }
    }
    Ok(Some((name.to_string(), tag)))
}

impl PushedDir {
    /// The newest version the snapshot holds (empty: no files).
    pub fn newest_version(&self) -> String {
        self.files
            .iter()
            .filter_map(|(name, _)| name.strip_suffix(".sql"))
            .map(|stem| stem.split_once('_').map_or(stem, |(v, _)| v).to_string())
            .next_back()
            .unwrap_or_default()
    }

    /// Writes the snapshot's files under `root` (once per content: the
    /// directory is named by the hash of its atlas.sum, so it never changes
    /// once written) and returns the directory.
    ///
    /// # Errors
    /// When the files cannot be written.
    pub fn checkout(&self, root: &std::path::Path) -> Result<std::path::PathBuf, String> {
        use sha2::{Digest, Sha256};
        let digest: String = Sha256::digest(self.sum.as_bytes()).iter().take(12).map(|b| format!("{b:02x}")).collect();
        let dir = root.join(&self.repo).join(digest);
        if dir.join("atlas.sum").exists() {
            return Ok(dir);
        }
        // Written beside, then renamed: a concurrent run sees all of it or nothing.
        let tmp = root.join(&self.repo).join(format!(".tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&tmp)?;
            for (name, content) in &self.files {
                if name.contains('/') || name.contains("..") {
                    return Err(std::io::Error::other(format!("unsafe file name {name:?} in the snapshot")));
                }
                std::fs::write(tmp.join(name), content)?;
            }
            std::fs::write(tmp.join("atlas.sum"), &self.sum)?;
            Ok(())
        };
        let what = format!("checking out {}:{} into {}", self.repo, self.tag, dir.display());
        write().map_err(|e| format!("{what}: {e}"))?;
        if std::fs::rename(&tmp, &dir).is_err() {
            // Another run renamed the same content first.
            let _ = std::fs::remove_dir_all(&tmp);
            if !dir.join("atlas.sum").exists() {
                return Err(format!("{what}: the directory could not be created"));
            }
        }
        Ok(dir)
    }
}
