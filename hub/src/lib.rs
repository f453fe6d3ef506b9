//! The Yuanzhuo hub: a venue server for a participatory-budgeting screening
//! meeting. See docs/architecture.md for the map and its invariants.

pub mod documents;
pub mod http;
pub mod meeting;
pub mod tools;
pub mod wire;

use yuanzhuo_protocol::words::Words;

/// Wall-clock milliseconds since the Unix epoch: the only clock the hub reads.
/// An entry of the vocabulary in both languages, each `{name}` filled in.
pub fn both(w: Words, values: &[(&str, &dyn std::fmt::Display)]) -> (String, String) {
    let values: Vec<(&str, String)> = values.iter().map(|(k, v)| (*k, v.to_string())).collect();
    let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    w.fill(&values)
}

/// An entry as the hub says it on one line, "中文 / English".
pub fn said(w: Words, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let (zh, en) = both(w, values);
    format!("{zh} / {en}")
}

/// An entry as the hub says it at length: the Chinese, then the English on
/// the next line.
pub fn told(w: Words, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let (zh, en) = both(w, values);
    format!("{zh}\n{en}")
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[cfg(test)]
mod layers {
    use std::path::Path;

    /// The groups of `hub/src` and what each may not import (outside its
    /// tests): wire ← meeting ← documents, tools ← http (docs/architecture.md).
    const FORBIDDEN: [(&str, &[&str]); 4] = [
        ("wire", &["meeting", "documents", "http", "tools"]),
        ("meeting", &["documents", "http", "tools"]),
        ("documents", &["http", "tools"]),
        ("tools", &["http"]),
    ];

    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
            let p = entry.path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn imports_point_one_way() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut wrong = vec![];
        for (group, forbidden) in FORBIDDEN {
            let mut files = vec![];
            sources(&src.join(group), &mut files);
            assert!(!files.is_empty(), "no sources in {group}/");
            for f in files {
                let text = std::fs::read_to_string(&f).unwrap();
                // The code above the file's unit tests.
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                for g in forbidden {
                    for (n, line) in code.lines().enumerate() {
                        if line.contains(&format!("crate::{g}::")) || line.contains(&format!("crate::{g}}}")) {
                            wrong.push(format!("{}:{}: {group}/ uses {g}/", f.display(), n + 1));
                        }
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "imports against the layering:\n{}", wrong.join("\n"));
    }
}
