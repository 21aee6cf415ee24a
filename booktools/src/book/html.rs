//! The code blocks of a rendered HTML page, as a reader sees them: the
//! lines mdBook hides (`<span class="boring">`) apart, tags removed, HTML
//! entities decoded.

use regex::Regex;
use std::sync::OnceLock;

/// One `<pre><code>` block of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlCodeBlock {
    /// 1-based line of the page where the block starts.
    pub line: usize,
    /// The `class` of the `<code>` element (`language-rust ignore`).
    pub class: String,
    /// The text shown to the reader (hidden lines removed).
    pub visible: String,
    /// The whole text, hidden lines included.
    pub full: String,
}

/// Every `<pre><code>` block of `html`, in page order.
pub fn html_code_blocks(html: &str) -> Vec<HtmlCodeBlock> {
    static BLOCK: OnceLock<Regex> = OnceLock::new();
    static BORING: OnceLock<Regex> = OnceLock::new();
    let block = BLOCK.get_or_init(|| {
        Regex::new(
            r#"(?s)<pre[^>]*>\s*<code(?:\s+class="(?P<class>[^"]*)")?[^>]*>(?P<body>.*?)</code>"#,
        )
        .expect("valid pattern")
    });
    let boring = BORING.get_or_init(|| {
        Regex::new(r#"(?s)<span class="boring">.*?</span>"#).expect("valid pattern")
    });
    block
        .captures_iter(html)
        .map(|captures| {
            let start = captures.get(0).expect("a match has a whole").start();
            let body = captures.name("body").map_or("", |body| body.as_str());
            HtmlCodeBlock {
                line: html[..start].bytes().filter(|&byte| byte == b'\n').count() + 1,
                class: captures
                    .name("class")
                    .map_or(String::new(), |class| class.as_str().to_string()),
                visible: html_text(&boring.replace_all(body, "")),
                full: html_text(body),
            }
        })
        .collect()
}

/// The text of an HTML fragment: tags removed, entities decoded.
pub fn html_text(fragment: &str) -> String {
    static TAG: OnceLock<Regex> = OnceLock::new();
    static ENTITY: OnceLock<Regex> = OnceLock::new();
    let tag = TAG.get_or_init(|| Regex::new(r"<[^>]*>").expect("valid pattern"));
    let entity = ENTITY
        .get_or_init(|| Regex::new(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);").expect("valid pattern"));
    let without_tags = tag.replace_all(fragment, "");
    entity
        .replace_all(&without_tags, |captures: &regex::Captures<'_>| {
            let name = &captures[1];
            let decoded = match name {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                    .and_then(char::from_u32),
            };
            decoded.map_or_else(|| captures[0].to_string(), String::from)
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_visible_and_hidden_lines() {
        let html = "<p>a</p>\n<pre><code class=\"language-rust ignore\"><span class=\"boring\">use std::thread;\n\
                    </span>impl Drop for ThreadPool {}\nlet v: Vec&lt;u8&gt; = a &amp;&amp; b;&#39;&#x27;\n</code></pre>";
        let blocks = html_code_blocks(html);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].line, 2);
        assert_eq!(blocks[0].class, "language-rust ignore");
        assert_eq!(
            blocks[0].visible,
            "impl Drop for ThreadPool {}\nlet v: Vec<u8> = a && b;''\n"
        );
        assert!(blocks[0].full.starts_with("use std::thread;\nimpl Drop"));
    }
}
