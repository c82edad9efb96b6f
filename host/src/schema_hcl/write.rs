//! Writing the model as schema HCL (to be written).

use strata_dialect_api::Realm;

/// The realm as Atlas-style schema HCL for `dialect`.
pub fn write(realm: &Realm, dialect: &str) -> String {
    let _ = (realm, dialect);
    String::new()
}
