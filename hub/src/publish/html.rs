//! The printed documents' shared frame: one self-contained HTML page (no
//! script, no external asset, inline style only, as the hub's CSP allows),
//! laid out for A4 paper in print and readable on a screen.

use crate::web::esc;

/// Print and screen style shared by the notice and the letters.
const BASE_CSS: &str = r#"
@page { size: A4; margin: 14mm 14mm 15mm 14mm; }
* { box-sizing: border-box; }
html { background: #fff; color: #000; font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans", sans-serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 182mm; font-size: 10.5pt; line-height: 1.5; }
@media screen { body { padding: 10mm 4mm 16mm; } }
h1 { font-size: 17pt; line-height: 1.3; margin: 0 0 1.5mm; text-align: center; }
h2 { font-size: 12.5pt; margin: 5mm 0 1.5mm; border-bottom: 0.6pt solid #000; padding-bottom: 0.8mm; break-after: avoid; }
p { margin: 1.2mm 0; }
.en { color: #333; font-size: 0.88em; }
.center { text-align: center; }
.hash { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; word-break: break-all; font-size: 10pt; }
code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; font-size: 0.92em; word-break: break-all; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #666; padding: 0.9mm 1.4mm; vertical-align: top; text-align: left; }
th { background: #eee; font-weight: bold; font-size: 0.92em; line-height: 1.3; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
.keep { break-inside: avoid; page-break-inside: avoid; }
"#;

/// A whole document: `<title>`, the shared style plus `css`, and `body`.
pub fn document(lang: &str, title: &str, css: &str, body: &str) -> String {
    let lang = if lang == "en" { "en" } else { "zh-CN" };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{BASE_CSS}{css}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n",
        title = esc(title),
    )
}

/// Chinese text with its English beside it, as the pages show both.
pub fn both(zh: &str, en: &str) -> String {
    format!("{} <span class=\"en\">{}</span>", esc(zh), esc(en))
}

/// Escaped text (re-exported for the documents).
pub fn t(s: &str) -> String {
    esc(s)
}
