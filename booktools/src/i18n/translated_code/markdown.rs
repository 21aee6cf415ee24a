//! The prose of a chapter as blocks of inline text (paragraphs, headings,
//! list items, table cells), read with pulldown-cmark as mdBook reads it,
//! with their inline code spans and lines. Code blocks are not prose and
//! are skipped.
//!
//! A block's `text` is its inline content with whitespace collapsed, code
//! spans kept in backquotes and inline HTML as written, so that the same
//! paragraph gives the same text however it is wrapped (the `gettext`
//! preprocessor rewrites the Markdown of a translated chapter).

use mdbook_markdown::pulldown_cmark::{Event, LinkType, Tag, TagEnd};
use mdbook_markdown::{new_cmark_parser, MarkdownOptions};

/// An inline code span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeSpan {
    /// Its code, without the backquotes.
    pub code: String,
    /// 1-based line in the Markdown.
    pub line: usize,
}

/// One block of inline text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// 1-based line where it starts in the Markdown.
    pub line: usize,
    /// Its text, normalized (see the module documentation).
    pub text: String,
    /// Its words of natural language: the text without code spans, HTML
    /// tags, URLs, file and domain names (see [`prose_words`]).
    pub words: Vec<String>,
    /// Its code spans.
    pub code_spans: Vec<CodeSpan>,
}

impl Block {
    /// True when the block holds natural language, so that a translation
    /// must differ from the English.
    pub fn is_prose(&self) -> bool {
        !self.words.is_empty()
    }
}

/// The blocks of a Markdown text, in order.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let line_of = |offset: usize| markdown[..offset].matches('\n').count() + 1;
    let mut blocks = Vec::new();
    let mut current: Option<Draft> = None;
    let mut in_code_block = 0usize;
    let mut in_autolink = 0usize;
    for (event, range) in new_cmark_parser(markdown, &MarkdownOptions::default()).into_offset_iter()
    {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut current, &mut blocks);
                in_code_block += 1;
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = in_code_block.saturating_sub(1);
                continue;
            }
            _ if in_code_block > 0 => continue,
            Event::Start(tag) if !is_inline(tag) => {
                flush(&mut current, &mut blocks);
                continue;
            }
            Event::End(tag) if !is_inline_end(tag) => {
                flush(&mut current, &mut blocks);
                continue;
            }
            Event::Html(_) => {
                // A block of HTML is not prose the translation rewrites as text.
                flush(&mut current, &mut blocks);
                continue;
            }
            _ => {}
        }
        let draft = current.get_or_insert_with(|| Draft {
            line: line_of(range.start),
            ..Draft::default()
        });
        match event {
            Event::Text(text) => {
                draft.text.push_str(&text);
                if in_autolink == 0 {
                    draft.prose.push_str(&text);
                }
            }
            Event::Code(code) => {
                draft.text.push('`');
                draft.text.push_str(&code);
                draft.text.push('`');
                draft.prose.push(' ');
                draft.code_spans.push(CodeSpan {
                    code: code.to_string(),
                    line: line_of(range.start),
                });
            }
            Event::InlineHtml(html) => {
                draft.text.push_str(&html);
                draft.prose.push(' ');
            }
            Event::SoftBreak | Event::HardBreak => {
                draft.text.push(' ');
                draft.prose.push(' ');
            }
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => in_autolink += 1,
            Event::End(TagEnd::Link) if in_autolink > 0 => in_autolink -= 1,
            Event::InlineMath(math) => {
                draft.text.push_str(&math);
                draft.prose.push(' ');
            }
            _ => {}
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

#[derive(Debug, Default)]
struct Draft {
    line: usize,
    text: String,
    prose: String,
    code_spans: Vec<CodeSpan>,
}

fn flush(current: &mut Option<Draft>, blocks: &mut Vec<Block>) {
    let Some(draft) = current.take() else {
        return;
    };
    let text = normalize(&draft.text);
    if text.is_empty() && draft.code_spans.is_empty() {
        return;
    }
    blocks.push(Block {
        line: draft.line,
        words: prose_words(&draft.prose),
        text,
        code_spans: draft.code_spans,
    });
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Whitespace collapsed to single spaces, trimmed.
pub fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of natural language in text already stripped of code spans,
/// HTML tags and autolinks: each whitespace-separated chunk that is not a
/// URL (`://`, `www.`), a path (`/`) or a file or domain name (a `.`
/// between two letters or digits: `src/lib.rs`, `crates.io`) gives its
/// runs of two or more letters. Numbers and punctuation give none, so a
/// block of code, links, numbers and file names is not prose.
pub fn prose_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for chunk in text.split_whitespace() {
        let chars: Vec<char> = chunk.chars().collect();
        let dotted_name = chars
            .windows(3)
            .any(|w| w[1] == '.' && w[0].is_alphanumeric() && w[2].is_alphanumeric());
        if chunk.contains("://") || chunk.contains('/') || chunk.starts_with("www.") || dotted_name
        {
            continue;
        }
        words.extend(
            chunk
                .split(|c: char| !c.is_alphabetic())
                .filter(|word| word.chars().count() >= 2)
                .map(str::to_string),
        );
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_code_spans_and_lines_and_skip_code_blocks() {
        let markdown = "# Title with `Code`\n\nFirst line,\nsecond `x::y` line.\n\n```rust\nlet x = `no`;\n```\n\n- item `a`\n- item two\n";
        let blocks = blocks(markdown);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Title with `Code`",
                "First line, second `x::y` line.",
                "item `a`",
                "item two"
            ]
        );
        let lines: Vec<usize> = blocks.iter().map(|b| b.line).collect();
        assert_eq!(lines, [1, 3, 10, 11]);
        assert_eq!(
            blocks[1].code_spans,
            [CodeSpan {
                code: "x::y".to_string(),
                line: 4
            }]
        );
    }

    #[test]
    fn the_same_paragraph_wrapped_differently_gives_the_same_text() {
        let a = blocks("Some `code`\nand  <span class=\"k\">text</span>.\n");
        let b = blocks("Some `code` and <span class=\"k\">text</span>.");
        assert_eq!(a[0].text, b[0].text);
    }

    #[test]
    fn code_urls_numbers_and_file_names_are_not_prose() {
        for markdown in [
            "`ThreadPool::new`",
            "<https://example.org/a>",
            "20-25, 7878: `x`",
            "src/lib.rs crates.io hello.html",
            "<span class=\"x\"></span> 42",
        ] {
            let block = &blocks(markdown)[0];
            assert!(!block.is_prose(), "{markdown}: {:?}", block.words);
        }
        for markdown in [
            "Deadlock!",
            "<span class=\"filename\">Filename: src/lib.rs</span>",
            "[crates.io](https://crates.io/) is a registry",
        ] {
            assert!(blocks(markdown)[0].is_prose(), "{markdown}");
        }
    }
}
