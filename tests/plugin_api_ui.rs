//! The plugin API refuses, at compile time, plugins that implement it wrongly.

#[test]
fn plugin_api_misuse_fails_to_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
