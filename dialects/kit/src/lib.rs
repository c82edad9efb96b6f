//! Code the dialect plugins share, linked statically into each. Not part of the
//! plugin ABI (that is `strata-dialect-api`): a vendor's plugin may use it or not.

pub mod order;
pub mod sql;

use strata_dialect_api::{Attr, Check, ForeignKey, TableChange};

/// Attributes in a canonical order: their order carries no meaning.
pub fn sorted_attrs(attrs: &[Attr]) -> Vec<Attr> {
    let mut out = attrs.to_vec();
    out.sort_by_cached_key(|a| serde_json::to_string(a).unwrap_or_default());
    out
}

/// Pairs the elements of `from` with those of `to` that `same` says are one
/// object, each element of `to` used once. Returns, in `from`'s order, every
/// element with its partner (or `None` when it is gone), then the elements of
/// `to` left over (new ones), in `to`'s order.
pub fn pair_up<'a, T>(
    from: &'a [T],
    to: &'a [T],
    same: impl Fn(&T, &T) -> bool,
) -> (Vec<(&'a T, Option<&'a T>)>, Vec<&'a T>) {
    let mut taken = vec![false; to.len()];
    let pairs = from
        .iter()
        .map(|f| {
            let found = to.iter().enumerate().find(|(i, t)| !taken[*i] && same(f, t));
            (
                f,
                found.map(|(i, t)| {
                    taken[i] = true;
                    t
                }),
            )
        })
        .collect();
    let added = to.iter().zip(&taken).filter(|(_, taken)| !**taken).map(|(t, _)| t).collect();
    (pairs, added)
}

/// The foreign-key changes between two tables: keys matched by `same_key`, and
/// changed when their normal forms (`norm`) differ.
pub fn diff_foreign_keys<N: PartialEq>(
    from: &[ForeignKey],
    to: &[ForeignKey],
    same_key: impl Fn(&ForeignKey, &ForeignKey) -> bool,
    norm: impl Fn(&ForeignKey) -> N,
) -> Vec<TableChange> {
    let (pairs, added) = pair_up(from, to, same_key);
    let mut changes = Vec::new();
    for (f, t) in pairs {
        match t {
            None => changes.push(TableChange::DropForeignKey { foreign_key: f.clone() }),
            Some(t) if norm(f) != norm(t) => {
                changes.push(TableChange::ModifyForeignKey { from: f.clone(), to: t.clone() });
            }
            Some(_) => {}
        }
    }
    changes.extend(added.into_iter().map(|t| TableChange::AddForeignKey { foreign_key: t.clone() }));
    changes
}

/// The check changes between two tables: a check with no equal (`same`) on the
/// other side is dropped or added; neither SQLite nor PostgreSQL alters one.
pub fn diff_checks(from: &[Check], to: &[Check], same: impl Fn(&Check, &Check) -> bool) -> Vec<TableChange> {
    let (pairs, added) = pair_up(from, to, same);
    let mut changes: Vec<TableChange> = pairs
        .into_iter()
        .filter(|(_, t)| t.is_none())
        .map(|(f, _)| TableChange::DropCheck { check: f.clone() })
        .collect();
    changes.extend(added.into_iter().map(|t| TableChange::AddCheck { check: t.clone() }));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_in_order_and_each_partner_once() {
        let (pairs, added) = pair_up(&[1, 2, 2, 5], &[2, 3, 2], |a, b| a == b);
        assert_eq!(pairs, [(&1, None), (&2, Some(&2)), (&2, Some(&2)), (&5, None)]);
        assert_eq!(added, [&3]);
    }

    #[test]
    fn checks_and_keys() {
        let check = |e: &str| Check { name: None, expr: e.into() };
        let changes = diff_checks(&[check("a > 0"), check("b > 0")], &[check("b > 0"), check("c > 0")], |a, b| a == b);
        assert_eq!(
            changes,
            [TableChange::DropCheck { check: check("a > 0") }, TableChange::AddCheck { check: check("c > 0") }]
        );
        let fk = |c: &str, action: Option<&str>| ForeignKey {
            columns: vec![c.into()],
            ref_table: "p".into(),
            ref_columns: vec!["id".into()],
            on_delete: action.map(String::from),
            ..ForeignKey::default()
        };
        let changes = diff_foreign_keys(
            &[fk("a", None), fk("b", None)],
            &[fk("a", Some("CASCADE")), fk("c", None)],
            |x, y| x.columns == y.columns,
            Clone::clone,
        );
        assert_eq!(
            changes,
            [
                TableChange::ModifyForeignKey { from: fk("a", None), to: fk("a", Some("CASCADE")) },
                TableChange::DropForeignKey { foreign_key: fk("b", None) },
                TableChange::AddForeignKey { foreign_key: fk("c", None) },
            ]
        );
    }
}
