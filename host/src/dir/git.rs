//! Reading the migration directory as it was at a Git ref (`migrate down --to-tag`).

use std::path::Path;

/// The newest version among the `*.sql` files the directory held at `reference`
/// (a tag, branch or commit); `None` when the directory was empty or absent there.
///
/// # Errors
/// A message when the directory is not in a Git repository or the ref is unknown.
pub fn newest_version_at(dir: &Path, reference: &str) -> Result<Option<String>, String> {
    let abs = std::fs::canonicalize(dir).map_err(|e| format!("resolving {}: {e}", dir.display()))?;
    let repo = git2::Repository::discover(&abs)
        .map_err(|e| format!("{} is not in a Git repository: {}", dir.display(), e.message()))?;
    let workdir = repo
        .workdir()
        .and_then(|w| std::fs::canonicalize(w).ok())
        .ok_or_else(|| "the Git repository has no working directory".to_string())?;
    let rel = abs.strip_prefix(&workdir).map_err(|_| format!("{} is outside the repository", dir.display()))?;
    let object =
        repo.revparse_single(reference).map_err(|e| format!("unknown Git ref {reference:?}: {}", e.message()))?;
    let commit =
        object.peel_to_commit().map_err(|e| format!("Git ref {reference:?} is not a commit: {}", e.message()))?;
    let root = commit.tree().map_err(|e| e.message().to_string())?;
    let tree = if rel.as_os_str().is_empty() {
        root
    } else {
        match root.get_path(rel) {
            Ok(entry) => match entry.to_object(&repo).and_then(|o| o.peel_to_tree()) {
                Ok(tree) => tree,
                Err(_) => return Ok(None),
            },
            // The directory did not exist at that ref: nothing was in it.
            Err(_) => return Ok(None),
        }
    };
    let newest = tree
        .iter()
        .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
        .filter_map(|e| e.name().ok().map(str::to_string))
        .filter(|n| n.ends_with(".sql"))
        .map(|n| super::File::new(n, Vec::new()).version().to_string())
        .max_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    Ok(newest)
}

/// The commit id of `HEAD` in the Git repository holding `dir`.
///
/// # Errors
/// When `dir` is not in a Git repository or it has no commit yet.
pub fn head_commit(dir: &Path) -> Result<String, String> {
    let repo = git2::Repository::discover(dir)
        .map_err(|e| format!("{} is not in a Git repository: {}", dir.display(), e.message()))?;
    let head =
        repo.head().and_then(|h| h.peel_to_commit()).map_err(|e| format!("no commit at HEAD: {}", e.message()))?;
    Ok(head.id().to_string())
}
