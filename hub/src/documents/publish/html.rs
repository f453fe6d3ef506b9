//! The printed documents' shared frame: one self-contained HTML page (no
//! script, no external asset), laid out for A4 paper in print and readable
//! on a screen, and the one way the documents make markup.
//!
//! **Escaping by construction.** A document is built from [`Html`], which
//! can only be made from a string literal written in this source
//! ([`Html::lit`]), from text that is escaped on the way in
//! ([`Html::text`]), or by the [`html!`] macro: `format!` with every
//! argument escaped unless it is already `Html`. The macro refuses (at
//! compile time) format strings that name variables (`{name}`), so that no
//! value can slip into a document unescaped through an implicit capture; and
//! [`document`] takes only `Html`. A field added to a document later is
//! escaped whether or not its author thought of it.
//!
//! **A policy of its own.** An exported document is opened from disk, where
//! no server sends it a Content-Security-Policy, so each carries one in a
//! `<meta>`: nothing may load or run (`default-src 'none'`) except its own
//! style sheet, allowed by its SHA-256. Even markup that got in some other
//! way could not run a script, fetch an image or submit a form.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::fmt::{self, Write as _};
use yuanzhuo_protocol::words::{fill_in, ui, Words};

/// Markup that may go into a document as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    pub const fn new() -> Html {
        Html(String::new())
    }

    /// Markup written in the source (a literal: it cannot hold a value).
    pub fn lit(s: &'static str) -> Html {
        Html(s.to_string())
    }

    /// Text, escaped.
    pub fn text(s: &str) -> Html {
        let mut out = String::with_capacity(s.len());
        let _ = escape_into(s, &mut out);
        Html(out)
    }

    pub fn push(&mut self, h: Html) {
        self.0.push_str(&h.0);
    }

    pub fn push_lit(&mut self, s: &'static str) {
        self.0.push_str(s);
    }

    /// Pieces of markup with a literal between them.
    pub fn join(items: impl IntoIterator<Item = Html>, sep: &'static str) -> Html {
        let mut out = Html::new();
        for (i, h) in items.into_iter().enumerate() {
            if i > 0 {
                out.0.push_str(sep);
            }
            out.0.push_str(&h.0);
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// What [`html!`] builds on: not for direct use.
    #[doc(hidden)]
    pub fn __formatted(args: fmt::Arguments) -> Html {
        Html(args.to_string())
    }
}

/// A value as it goes into markup: text is escaped, numbers are written as
/// they are, `Html` goes in unchanged.
pub trait Render {
    fn render(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl Render for str {
    fn render(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape_into(self, f)
    }
}

impl Render for String {
    fn render(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape_into(self, f)
    }
}

impl Render for Html {
    fn render(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<T: Render + ?Sized> Render for &T {
    fn render(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).render(f)
    }
}

macro_rules! render_as_number {
    ($($t:ty),*) => {$(
        impl Render for $t {
            fn render(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{self}")
            }
        }
    )*};
}
render_as_number!(u8, u16, u32, u64, usize, i32, i64);

/// An argument of [`html!`], rendered through [`Render`].
#[doc(hidden)]
pub struct Esc<'a, T: ?Sized>(pub &'a T);

impl<T: Render + ?Sized> fmt::Display for Esc<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.render(f)
    }
}

/// Whether a format string takes its values only as arguments: `{}` (or
/// `{0}`), never `{name}`, which `format!` would fill from a variable in
/// scope without escaping it.
#[doc(hidden)]
pub const fn arguments_only(format: &str) -> bool {
    let b = format.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{' {
            if i + 1 < b.len() && b[i + 1] == b'{' {
                i += 2;
                continue;
            }
            if i + 1 < b.len() && (b[i + 1].is_ascii_alphabetic() || b[i + 1] == b'_') {
                return false;
            }
        }
        i += 1;
    }
    true
}

/// `format!` for markup: the format string is markup written here, every
/// argument is escaped unless it is [`Html`]. Values are passed as
/// arguments (`{}`); a format string that names a variable does not compile.
macro_rules! html {
    ($fmt:literal $(, $arg:expr)* $(,)?) => {{
        const _: () = assert!(
            $crate::documents::publish::html::arguments_only($fmt),
            "html!: pass values as arguments ({{}}), not by name ({{name}}): they must go through escaping"
        );
        $crate::documents::publish::html::Html::__formatted(::std::format_args!($fmt $(, $crate::documents::publish::html::Esc(&$arg))*))
    }};
}
pub(crate) use html;

/// Escape text for HTML content and attribute values (double- or
/// single-quoted).
pub fn escape_into(s: &str, out: &mut impl fmt::Write) -> fmt::Result {
    let mut last = 0;
    for (i, c) in s.char_indices() {
        let with = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[last..i])?;
        out.write_str(with)?;
        last = i + 1;
    }
    out.write_str(&s[last..])
}

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

/// The document's own policy: nothing but its style sheet (by hash).
pub fn csp(style: &str) -> String {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'")
}

/// A whole document: `<title>`, its policy, the shared style plus `css`,
/// and `body`.
pub fn document(lang: &str, title: &str, css: &str, body: &Html) -> String {
    let lang = if lang == "en" { "en" } else { "zh-CN" };
    let style = format!("{BASE_CSS}{css}");
    let mut out = String::with_capacity(body.as_str().len() + style.len() + 600);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{}</title>\n<style>{style}</style>\n</head>\n<body>\n{}\n</body>\n</html>\n",
        csp(&style),
        Html::text(title).as_str(),
        body.as_str(),
    );
    out
}

/// Chinese text with its English beside it, as the pages show both.
pub fn both(zh: &str, en: &str) -> Html {
    html!("{} <span class=\"en\">{}</span>", zh, en)
}

/// An entry of the documents' words (`words::print`, `words::ui`), as [`both`].
pub fn say(w: Words) -> Html {
    both(w.zh, w.en)
}

/// An entry with each `{name}` filled in (values escaped with the rest), as [`both`].
pub fn fill(w: Words, values: &[(&str, &str)]) -> Html {
    let (zh, en) = w.fill(values);
    both(&zh, &en)
}

/// One language of an entry as markup, as a format string written here is
/// (an entry is source text too), each `{name}` filled with a value that is
/// escaped unless it is [`Html`].
pub fn lit_fill(template: &'static str, values: &[(&str, &dyn Render)]) -> Html {
    let rendered: Vec<(&str, String)> = values.iter().map(|(k, v)| (*k, Esc(*v).to_string())).collect();
    let refs: Vec<(&str, &str)> = rendered.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Html(fill_in(template, &refs))
}

/// A heading, `<h2>中文 <span class="en">English</span></h2>` (`tag` "h2", "h3").
pub fn heading(tag: &'static str, w: Words) -> Html {
    html!(
        "<{}>{} <span class=\"en\">{}</span></{}>\n",
        Html::lit(tag),
        Html::lit(w.zh),
        Html::lit(w.en),
        Html::lit(tag)
    )
}

/// "Label：value", the label an entry in both languages.
pub fn label(w: Words, value: impl Render) -> Html {
    html!("{}{}{}", say(w), Html::lit(ui::COLON.zh), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_markup_is_not() {
        let hostile = "\"><img src=x onerror=alert(1)>'<script>&";
        let h = html!("<p title=\"{}\">{}</p>{}", hostile, hostile, Html::lit("<br>"));
        assert_eq!(
            h.as_str(),
            "<p title=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&lt;script&gt;&amp;\">\
             &quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&lt;script&gt;&amp;</p><br>"
        );
        assert_eq!(html!("{} of {}", 3u64, 60usize).as_str(), "3 of 60");
        assert_eq!(both("<b>", "x&y").as_str(), "&lt;b&gt; <span class=\"en\">x&amp;y</span>");
    }

    #[test]
    fn format_strings_may_not_name_variables() {
        assert!(arguments_only("<p>{}</p> {0} {{literal}} {{{}}}"));
        assert!(arguments_only("中文{}，{}"));
        assert!(!arguments_only("<p>{name}</p>"));
        assert!(!arguments_only("{_x}"));
        assert!(!arguments_only("{x:?}"));
    }

    #[test]
    fn a_document_carries_a_policy_that_allows_only_its_own_style() {
        let d = document("zh", "<t>", ".x { color: red; }", &Html::lit("<p>hi</p>"));
        let style = d.split("<style>").nth(1).unwrap().split("</style>").next().unwrap();
        assert!(d.contains(&format!("content=\"{}\"", csp(style))), "{d}");
        assert!(csp(style).starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(d.contains("<title>&lt;t&gt;</title>"));
        // The policy comes before anything it governs.
        assert!(d.find("Content-Security-Policy").unwrap() < d.find("<style>").unwrap());
    }
}
