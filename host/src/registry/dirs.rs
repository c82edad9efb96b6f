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
