//! Revert plans remembered by everything they were computed from.
//!
//! A `migrate down` plan is a function of the target's schema, its revisions
//! and history rows, the migration directory, the request and the plugin that
//! planned it. When all of these are what an earlier run planned for (a
//! `--dry-run` before the real run, a rehearsal on a copy), that run's plan is
//! the plan: replaying the directory, inspecting the target and diffing again
//! would produce it again. The target's schema is recognized without
//! inspecting it by the dialect's fingerprint query
//! ([`RenderRequest::SchemaFingerprint`]); for a dialect without one, by the
//! inspection every plan starts from (a reuse then saves the rest: replaying,
//! comparing, diffing and verifying). The checks a plan carries still run
//! when it executes: they read rows, which no fingerprint covers.

use super::cache::{Key, build_stamp};
use super::{DownOptions, DownPlan, PlannedFile, StateCache, Step};
use crate::dir::Dir;
use crate::plugin::Conn;
use crate::revisions::{DownRun, History, HistoryStore, Revision, RevisionStore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use strata_dialect_api::{Realm, RenderReply, RenderRequest};
use strata_policies::Unit;

/// What a revert plan is computed from, besides the target's schema.
pub(super) struct DownInputs<'a> {
    pub(super) dev_url: &'a str,
    pub(super) dir: &'a Dir,
    pub(super) opts: &'a DownOptions,
    pub(super) tables: Tables<'a>,
}

/// What Strata's revisions and history tables hold, as a plan's key sees it.
pub(super) enum Tables<'a> {
    /// Digests the database computed of them ([`digests`]): the rows stay
    /// unread until a plan must be made.
    Digests(&'a Digests),
    /// The rows, as read (a dialect that computes no digest).
    Rows { revisions: &'a [Revision], history: &'a BTreeMap<String, History>, recorded: Option<&'a DownRun> },
}

/// Digests of the revisions and history tables (see [`digests`]).
pub(super) struct Digests {
    revisions: String,
    history: String,
}

/// Digests of every row of the revisions and history tables, computed by
/// the database ([`strata_dialect_api::RenderRequest::RowsDigest`]), or
/// `None` when the dialect computes none: then the key is made of the rows.
/// On 300 versions the rows are 120 KB, which cost milliseconds to carry
/// across the plugin boundary, decode and hash; a digest is one short value.
pub(super) fn digests(conn: &mut Conn, store: &RevisionStore, history: &HistoryStore) -> Option<Digests> {
    Some(Digests { revisions: store.digest(conn)?, history: history.digest(conn)? })
}

/// The schema's fingerprint ([`RenderRequest::SchemaFingerprint`]), `None`
/// when the dialect has none or the query failed.
fn fingerprint(conn: &mut Conn) -> Option<Vec<Vec<Option<String>>>> {
    let sql = match conn.driver().render(&RenderRequest::SchemaFingerprint) {
        Ok(RenderReply::Text { text }) => text,
        _ => return None,
    };
    Some(conn.query(&sql, Vec::new()).ok()?.rows)
}

/// What a `migrate down` reads first ([`digests`] of the tables in their
/// default place, the fingerprint), read ahead for a plugin that answers
/// them again from memory while the database is unchanged (see
/// `plugin::Preload::read_ahead`); the answers themselves are not kept here.
pub(super) fn read_ahead(conn: &mut Conn) {
    if let (Ok(store), Ok(history)) = (RevisionStore::new(conn, None), HistoryStore::new(conn, None)) {
        let _ = digests(conn, &store, &history);
    }
    let _ = fingerprint(conn);
}

/// A plan as remembered: everything of a [`DownPlan`] but the history rows,
/// which are read afresh, and the policies' units, kept apart (see [`recall`]).
#[derive(Serialize, Deserialize)]
pub(super) struct Remembered {
    current: String,
    target: Option<String>,
    total: usize,
    steps: Vec<Step>,
    planned: Vec<PlannedFile>,
    run: Option<DownRun>,
}

impl Remembered {
    fn of(plan: &DownPlan) -> Remembered {
        Remembered {
            current: plan.current.clone(),
            target: plan.target.clone(),
            total: plan.total,
            steps: plan.steps.clone(),
            planned: plan.planned.clone(),
            run: plan.run.clone(),
        }
    }

    /// The versions the plan reverts.
    pub(super) fn versions(&self) -> Vec<&str> {
        self.steps.iter().map(|s| s.version.as_str()).collect()
    }

    /// Whether every step runs inside the one transaction of the run: then
    /// the run writes no history row, it only deletes the reverted ones.
    pub(super) fn all_tx(&self) -> bool {
        self.steps.iter().all(|s| s.tx)
    }

    pub(super) fn into_plan(self, history: BTreeMap<String, History>, units: Vec<Vec<Unit>>) -> DownPlan {
        DownPlan {
            current: self.current,
            target: self.target,
            total: self.total,
            steps: self.steps,
            planned: self.planned,
            refusal: None,
            run: self.run,
            history,
            units,
        }
    }
}

/// Whether the dialect fingerprints a schema ([`RenderRequest::SchemaFingerprint`]).
pub(super) fn fingerprints(conn: &Conn) -> bool {
    matches!(conn.driver().render(&RenderRequest::SchemaFingerprint), Ok(RenderReply::Text { .. }))
}

/// How a plan's key knows the target's schema.
pub(super) enum Schema<'a> {
    /// By the dialect's fingerprint query, run now.
    Fingerprint,
    /// By its inspection, made anyway (a dialect without a fingerprint).
    Inspected(&'a Realm),
}

/// The key of the plan for `inputs` on the database behind `conn` as it is
/// now, or `None` when its schema cannot be fingerprinted (the dialect has no
/// query for it, or the query failed: planning then inspects, as always).
pub(super) fn down_key(conn: &mut Conn, inputs: &DownInputs<'_>, schema: Schema<'_>) -> Option<String> {
    let driver = conn.driver().clone();
    let rows = match schema {
        Schema::Fingerprint => fingerprint(conn)?,
        Schema::Inspected(realm) => vec![vec![Some(serde_json::to_string(realm).ok()?)]],
    };
    let mut key = Key::new();
    key.field("strata-down-plan-v1");
    key.field(env!("CARGO_PKG_VERSION"));
    // This build of strata: a rebuilt host may plan differently.
    key.field(&std::env::current_exe().map(|exe| build_stamp(&exe)).unwrap_or_default());
    let m = &driver.manifest;
    for field in [&m.name, &m.version, &build_stamp(&driver.path), &m.api_version.to_string()] {
        key.field(field);
    }
    // Where the plan runs and what it is asked: plans are schema-qualified
    // by the connection's facts, and the dev database computed them.
    key.field(&conn.url().redacted());
    key.field(&serde_json::to_string(conn.info()).unwrap_or_default());
    key.field(inputs.dev_url);
    let o = inputs.opts;
    key.field(&format!(
        "{}|{:?}|{:?}|{}|{:?}",
        o.amount, o.to_version, o.to_ref_version, o.force_plan, o.revisions_schema
    ));
    // What says what ran.
    match &inputs.tables {
        Tables::Digests(d) => {
            key.field("digests");
            key.field(&d.revisions);
            key.field(&d.history);
        }
        Tables::Rows { revisions, history, recorded } => {
            // Debug writes every field.
            for rev in *revisions {
                key.field(&format!("{rev:?}"));
            }
            for h in history.values() {
                key.field(&h.version);
                key.field(&h.description);
                key.list(&h.statements);
                match &h.down_statements {
                    Some(down) => key.list(down),
                    None => key.bytes(b"\xff"),
                }
                key.field(&h.down_applied.to_string());
            }
            key.field(&format!("{recorded:?}"));
        }
    }
    // The directory, from its sum: the run computed it to check atlas.sum.
    inputs.dir.digest_into(|bytes| key.bytes(bytes));
    key.field("schema");
    for row in &rows {
        for value in row {
            match value {
                Some(v) => key.field(v),
                None => key.bytes(b"\xff"),
            }
        }
        key.bytes(b"\xfe");
    }
    Some(key.finish())
}

/// The plan remembered under `key`, with the policies' units when `units`
/// (they describe every change a step makes and cost more to read than the
/// rest of the plan: only a run with policies to enforce reads them).
pub(super) fn recall(cache: &StateCache, key: &str, units: bool) -> Option<(Remembered, Vec<Vec<Unit>>)> {
    let plan: Remembered = cache.get_value(&format!("{key}.down.json"))?;
    let units = if units { cache.get_value(&format!("{key}.units.json"))? } else { Vec::new() };
    Some((plan, units))
}

/// Remembers `plan` under `key`; a failure only costs the next run's speed.
pub(super) fn remember(cache: &StateCache, key: &str, plan: &DownPlan) {
    // The units first: a plan found without them is planned again.
    cache.put_value(&format!("{key}.units.json"), &plan.units);
    cache.put_value(&format!("{key}.down.json"), &Remembered::of(plan));
}
