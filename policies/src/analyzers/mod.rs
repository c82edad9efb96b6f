//! The built-in analyzers, one file each.

mod blocking;
mod concurrent_index;
mod condrop;
mod data_depend;
mod destructive;
mod incompatible;
mod locks;
mod naming;
mod nontx_mix;
// What the analyzers share (tables created earlier in the units, quoting).
mod scope;

use crate::Analyzer;

/// Every built-in analyzer, in the order findings are reported within a unit.
pub fn builtin() -> &'static [&'static dyn Analyzer] {
    &[
        &destructive::Destructive,
        &data_depend::DataDepend,
        &incompatible::Incompatible,
        &condrop::Condrop,
        &concurrent_index::ConcurrentIndex,
        &blocking::Blocking,
        &locks::Locks,
        &naming::Naming,
        &nontx_mix::NontxMix,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_and_codes_are_unique() {
        let mut names = HashSet::new();
        let mut codes = HashSet::new();
        for analyzer in builtin() {
            assert!(names.insert(analyzer.name()), "analyzer {} registered twice", analyzer.name());
            for code in analyzer.codes() {
                assert!(codes.insert(*code), "code {code} reported by two analyzers");
            }
        }
        assert_eq!(names.len(), 9);
    }
}
