//! Plans awaiting approval: an env with `approval { required, reviewers }`
//! records the plan a run computed and runs it only once enough listed
//! reviewers other than its author approved that exact plan (same hash).

use serde::Serialize;

use super::{Ledger, PLANS};
use crate::error::{Error, db};

/// A plan recorded for approval.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    /// Short id users type (`strata plan approve ID`).
    pub id: String,
    /// `migrate apply` or `migrate down`.
    pub kind: String,
    /// The directory's name.
    pub repo: String,
    /// The env.
    pub env: String,
    /// The target, without credentials.
    pub target: String,
    /// sha256 over the target, its version and the statements.
    pub hash: String,
    /// The version the target is at.
    pub version_before: String,
    /// The statements, in order.
    pub statements: Vec<String>,
    /// Who computed it.
    pub author: String,
    /// When.
    pub created_at: String,
    /// Approvals needed.
    pub required: i64,
    /// Who may approve or reject.
    pub reviewers: Vec<String>,
    /// Who approved, in order.
    pub approvals: Vec<String>,
    /// `PENDING`, `APPROVED`, `REJECTED`, `EXECUTED` or `STALE`.
    pub status: String,
    /// Who rejected it, if anyone.
    pub rejected_by: Option<String>,
}

const COLUMNS: &str = "id, kind, repo, env, target, hash, version_before, statements, author, created_at, required, \
                       reviewers, approvals, status, rejected_by";

fn from_row(row: Vec<Option<String>>) -> Result<Plan, Error> {
    let mut it = row.into_iter();
    let mut next = || it.next().flatten();
    let text = |v: Option<String>| v.unwrap_or_default();
    let list = |v: Option<String>| -> Vec<String> { serde_json::from_str(&v.unwrap_or_default()).unwrap_or_default() };
    Ok(Plan {
        id: text(next()),
        kind: text(next()),
        repo: text(next()),
        env: text(next()),
        target: text(next()),
        hash: text(next()),
        version_before: text(next()),
        statements: list(next()),
        author: text(next()),
        created_at: text(next()),
        required: next().and_then(|r| r.parse().ok()).unwrap_or(1),
        reviewers: list(next()),
        approvals: list(next()),
        status: text(next()),
        rejected_by: next(),
    })
}

impl Ledger {
    /// Records a new pending plan.
    ///
    /// # Errors
    /// When the registry cannot be written.
    pub fn add_plan(&mut self, plan: &Plan) -> Result<(), Error> {
        self.write("recording the plan in the registry", |ledger| {
            let marks: Vec<String> = (1..=15).map(|i| ledger.p(i)).collect();
            let sql = format!("INSERT INTO {PLANS} ({COLUMNS}) VALUES ({})", marks.join(", "));
            let json = |v: &Vec<String>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
            let args = vec![
                plan.id.as_str().into(),
                plan.kind.as_str().into(),
                plan.repo.as_str().into(),
                plan.env.as_str().into(),
                plan.target.as_str().into(),
                plan.hash.as_str().into(),
                plan.version_before.as_str().into(),
                json(&plan.statements).as_str().into(),
                plan.author.as_str().into(),
                plan.created_at.as_str().into(),
                strata_dialect_api::SqlValue::Int(plan.required),
                json(&plan.reviewers).as_str().into(),
                json(&plan.approvals).as_str().into(),
                plan.status.as_str().into(),
                strata_dialect_api::SqlValue::opt_text(plan.rejected_by.as_deref()),
            ];
            ledger.conn.exec(&sql, args).map_err(db("recording the plan in the registry"))?;
            Ok(())
        })
    }

    /// The plan `id`.
    ///
    /// # Errors
    /// When the registry cannot be read.
    pub fn plan(&mut self, id: &str) -> Result<Option<Plan>, Error> {
        let sql = format!("SELECT {COLUMNS} FROM {PLANS} WHERE id = {}", self.p(1));
        let rows = self.conn.query(&sql, vec![id.into()]).map_err(db("reading a plan from the registry"))?;
        rows.rows.into_iter().next().map(from_row).transpose()
    }

    /// The plans of `env`'s `target` (every env and target when `None`), oldest first.
    ///
    /// # Errors
    /// When the registry cannot be read.
    pub fn plans(&mut self, env: Option<&str>, target: Option<&str>) -> Result<Vec<Plan>, Error> {
        let sql = format!("SELECT {COLUMNS} FROM {PLANS} ORDER BY created_at, id");
        let rows = self.conn.query(&sql, Vec::new()).map_err(db("reading plans from the registry"))?;
        let mut all = rows.rows.into_iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        all.retain(|p| env.is_none_or(|e| p.env == e) && target.is_none_or(|t| p.target == t));
        Ok(all)
    }

    /// Sets a plan's approvals, status and rejecter.
    ///
    /// # Errors
    /// When the registry cannot be written.
    pub fn update_plan(&mut self, plan: &Plan) -> Result<(), Error> {
        self.write("updating the plan in the registry", |ledger| {
            let sql = format!(
                "UPDATE {PLANS} SET approvals = {}, status = {}, rejected_by = {} WHERE id = {}",
                ledger.p(1),
                ledger.p(2),
                ledger.p(3),
                ledger.p(4)
            );
            let approvals = serde_json::to_string(&plan.approvals).unwrap_or_else(|_| "[]".into());
            let args = vec![
                approvals.as_str().into(),
                plan.status.as_str().into(),
                strata_dialect_api::SqlValue::opt_text(plan.rejected_by.as_deref()),
                plan.id.as_str().into(),
            ];
            ledger.conn.exec(&sql, args).map_err(db("updating the plan in the registry"))?;
            Ok(())
        })
    }
}
