//! Checks on the rendered book: no mdBook directive left unexpanded
//! (`{{#...`) and no empty code block, in the Markdown the renderer received
//! and in the HTML it wrote. Every problem names the chapter.

use super::html::{html_code_blocks, html_pages};
use super::RenderedChapter;
use anyhow::{bail, Result};
use mdbook_markdown::pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use mdbook_markdown::{new_cmark_parser, MarkdownOptions};
use std::path::Path;

/// What starts an mdBook directive.
const DIRECTIVE_OPENING: &str = "{{#";

/// Fails if the Markdown of a chapter still holds `{{#` (an include mdBook
/// could not expand is left as written) or a code block that shows nothing
/// (for Rust, lines hidden behind `# ` do not count).
pub fn check_rendered(chapters: &[RenderedChapter]) -> Result<()> {
    let mut problems = Vec::new();
    for chapter in chapters {
        let where_ = chapter.source_path.display();
        for (offset, _) in chapter.content.match_indices(DIRECTIVE_OPENING) {
            let line = line_at(&chapter.content, offset);
            problems.push(format!(
                "{where_}:{line}: unexpanded directive in the rendered Markdown: {}",
                line_text(&chapter.content, offset)
            ));
        }
        for block in code_blocks(&chapter.content) {
            if !block.shows_code() {
                problems.push(format!(
                    "{where_}:{}: empty code block ```{}",
                    block.line, block.info
                ));
            }
        }
    }
    report(problems, "rendered Markdown")
}

/// Fails if an HTML file under `html_dir` holds `{{#` or a `<pre><code>`
/// block with no visible text. Problems in a chapter's page name the
/// chapter's source file.
pub fn check_rendered_html(html_dir: &Path, chapters: &[RenderedChapter]) -> Result<()> {
    let mut problems = Vec::new();
    for (page, html) in html_pages(html_dir)? {
        let where_ = page_label(&page, chapters);
        for (offset, _) in html.match_indices(DIRECTIVE_OPENING) {
            problems.push(format!(
                "{where_}:{}: unexpanded directive in the HTML: {}",
                line_at(&html, offset),
                line_text(&html, offset)
            ));
        }
        for block in html_code_blocks(&html) {
            if block.visible.trim().is_empty() {
                problems.push(format!(
                    "{where_}:{}: empty code block <code class=\"{}\">",
                    block.line, block.class
                ));
            }
        }
    }
    report(problems, "rendered HTML")
}

fn report(problems: Vec<String>, what: &str) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "{} problem(s) in the {what}:\n{}",
        problems.len(),
        problems.join("\n")
    )
}

fn page_label(page: &Path, chapters: &[RenderedChapter]) -> String {
    match chapters.iter().find(|chapter| chapter.html_file() == page) {
        Some(chapter) => format!(
            "{} (chapter {})",
            page.display(),
            chapter.source_path.display()
        ),
        None => page.display().to_string(),
    }
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset].bytes().filter(|&byte| byte == b'\n').count() + 1
}

fn line_text(text: &str, offset: usize) -> &str {
    let start = text[..offset].rfind('\n').map_or(0, |newline| newline + 1);
    let end = text[offset..]
        .find('\n')
        .map_or(text.len(), |newline| offset + newline);
    text[start..end].trim()
}

/// A code block of the Markdown.
struct CodeBlock {
    /// 1-based line of its opening.
    line: usize,
    /// The info string (`rust,ignore`), empty for an indented block.
    info: String,
    text: String,
}

impl CodeBlock {
    /// Whether a reader sees at least one non-blank line. In a Rust block,
    /// mdBook hides the lines that start with `# ` (or are just `#`).
    fn shows_code(&self) -> bool {
        let is_rust = self
            .info
            .split([',', ' '])
            .next()
            .is_some_and(|language| language == "rust");
        self.text.lines().any(|line| {
            let trimmed = line.trim();
            let hidden = is_rust && (trimmed == "#" || trimmed.starts_with("# "));
            !trimmed.is_empty() && !hidden
        })
    }
}

/// Every code block of `markdown`, parsed the way mdBook parses it.
fn code_blocks(markdown: &str) -> Vec<CodeBlock> {
    let mut blocks = Vec::new();
    let mut current: Option<CodeBlock> = None;
    for (event, range) in new_cmark_parser(markdown, &MarkdownOptions::default()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                current = Some(CodeBlock {
                    line: line_at(markdown, range.start),
                    info,
                    text: String::new(),
                });
            }
            Event::Text(text) => {
                if let Some(block) = current.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn chapter(content: &str) -> RenderedChapter {
        RenderedChapter {
            source_path: PathBuf::from("src/ch.md"),
            path: PathBuf::from("ch.md"),
            name: "Chapter".into(),
            content: content.into(),
        }
    }

    #[test]
    fn names_the_chapter_and_line_of_leftover_directives_and_empty_blocks() {
        for (markdown, problems) in [
            ("```rust,ignore\n# use a;\nfn main() {}\n```\n\n    indented\n", &[][..]),
            (
                "# Ch\n\n```console\n{{#include ../a/output.txt}}\n```\n",
                &["src/ch.md:4: unexpanded directive in the rendered Markdown: {{#include ../a/output.txt}}"],
            ),
            (
                "```rust,ignore\n# use a;\n# fn main() {}\n```\n\n```console\n\n```\n",
                &["src/ch.md:1: empty code block ```rust,ignore", "src/ch.md:6: empty code block ```console"],
            ),
        ] {
            let found = check_rendered(&[chapter(markdown)]).err().map(|e| e.to_string());
            assert_eq!(found.is_some(), !problems.is_empty(), "{markdown}: {found:?}");
            for problem in problems {
                assert!(found.as_ref().unwrap().contains(problem), "{found:?}");
            }
        }
    }

    #[test]
    fn html_check_names_the_chapter_page() {
        let dir = tempfile::tempdir().unwrap();
        let chapters = [chapter("")];
        let (boring, fine) = ("<span class=\"boring\">use a;\n</span>", "fn main() {}");
        let page = format!(
            "<p>x</p>\n<pre><code class=\"language-rust\">{boring}</code></pre>\n\
             <pre><code>{{{{#include x}}}}</code></pre>\n"
        );
        std::fs::write(dir.path().join("ch.html"), page).unwrap();
        std::fs::write(dir.path().join("toc.html"), "<p>fine</p>").unwrap();
        let error = check_rendered_html(dir.path(), &chapters)
            .unwrap_err()
            .to_string();
        for problem in [
            "2 problem(s)",
            "ch.html (chapter src/ch.md):2: empty code block",
            "ch.html (chapter src/ch.md):4: unexpanded directive in the HTML",
        ] {
            assert!(error.contains(problem), "{error}");
        }
        let page = format!("<pre><code class=\"language-rust\">{boring}{fine}</code></pre>");
        std::fs::write(dir.path().join("ch.html"), page).unwrap();
        check_rendered_html(dir.path(), &chapters).unwrap();
    }
}
