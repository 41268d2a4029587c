//! The direct parser (`config::fast`) against the general path (hcl-edit, then the lowering)
//! on arbitrary text. Checks: whenever the direct parser accepts a text, the general path
//! accepts it too, without a diagnostic, and gives the same body (every span included); no
//! panic, no stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

use infra_engine::config::fast;
use infra_engine::config::parse::parse_native_whole;
use infra_engine::source::SourceMap;

fuzz_target!(|data: &[u8]| {
    if data.len() > infra_fuzz::MAX_TEXT_LEN {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sources = SourceMap::new();
    let id = sources.add("main.tf", text);
    let Some(direct) = fast::parse_body(id, text) else { return };
    let mut diags = Vec::new();
    let general = parse_native_whole(id, "main.tf", text, &sources, &mut diags);
    assert!(diags.is_empty(), "the direct parser accepted a text the general path reports on: {diags:#?}");
    let Some(general) = general else { panic!("the direct parser accepted a text hcl-edit rejects") };
    assert_eq!(format!("{direct:#?}"), format!("{general:#?}"), "the two paths disagree");
});
