//! The registry's hash chain: each record's hash covers its columns and the
//! previous record's hash, and the registry keeps the head (last seq and
//! hash) beside them, so that an edit, a removal (also of the newest record)
//! or a reordering made with plain SQL breaks the walk at that record.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Stored;

/// sha256 over a record's stored columns, each length-prefixed (`None` apart
/// from the empty string).
pub fn record_hash(stored: &Stored) -> String {
    let mut h = Sha256::new();
    h.update(b"strata-registry-record-v1");
    for field in &stored.fields {
        match field {
            Some(text) => {
                h.update([1u8]);
                h.update((text.len() as u64).to_le_bytes());
                h.update(text.as_bytes());
            }
            None => h.update([0u8]),
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the chain breaks, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Break {
    /// The position (seq) of the first record that does not hold.
    pub seq: i64,
    /// What is wrong with it.
    pub problem: String,
}

/// The first break in `records` (read in `seq` order), given the head the
/// registry recorded (`"SEQ HASH"`).
pub(super) fn verify(records: &[Stored], head: Option<&str>) -> Option<Break> {
    let mut prev = String::new();
    for (i, r) in records.iter().enumerate() {
        let want = i as i64 + 1;
        let seq: i64 = r.field("seq").parse().unwrap_or(-1);
        if seq != want {
            let problem = if seq > want {
                format!("record {want} was removed (the chain continues at record {seq})")
            } else {
                format!("record {want} holds sequence number {seq}: records were renumbered or reordered")
            };
            return Some(Break { seq: want, problem });
        }
        if r.field("prev_hash") != prev {
            return Some(Break {
                seq: want,
                problem: format!(
                    "record {want} does not follow record {}: a record before it was removed, replaced or reordered",
                    want - 1
                ),
            });
        }
        if record_hash(r) != r.hash {
            return Some(Break { seq: want, problem: format!("record {want} was altered after it was written") });
        }
        prev = r.hash.clone();
    }
    let n = records.len() as i64;
    let (head_seq, head_hash) = match head.and_then(|h| h.split_once(' ')) {
        Some((s, h)) => (s.parse::<i64>().unwrap_or(-1), h.to_string()),
        None if records.is_empty() => return None,
        None => (-1, String::new()),
    };
    if head_seq > n {
        return Some(Break {
            seq: n + 1,
            problem: format!("record {} was removed: the registry's head is record {head_seq}", n + 1),
        });
    }
    if head_seq != n || head_hash != prev {
        return Some(Break {
            seq: n.max(1),
            problem: format!("the registry's head (record {head_seq}) does not match its last record ({n})"),
        });
    }
    None
}
