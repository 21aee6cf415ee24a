//! The check on the rendered book: no mdBook directive left unexpanded
//! (`{{#...`) and no code block that shows nothing, read in the HTML mdBook
//! wrote (what the reader gets: mdBook's own hiding of `# ` lines decides
//! what is empty). Every problem names the page, the chapter and the line.

use super::html::{html_code_blocks, html_pages};
use super::RenderedChapter;
use anyhow::{bail, Result};
use std::path::Path;

/// Fails if an HTML file under `html_dir` holds `{{#` or a `<pre><code>`
/// block with no visible text. Problems in a chapter's page name the
/// chapter's source file.
pub fn check_rendered_html(html_dir: &Path, chapters: &[RenderedChapter]) -> Result<()> {
    let mut problems = Vec::new();
    for (page, html) in html_pages(html_dir)? {
        let where_ = match chapters.iter().find(|chapter| chapter.html_file() == page) {
            Some(chapter) => format!(
                "{} (chapter {})",
                page.display(),
                chapter.source_path.display()
            ),
            None => page.display().to_string(),
        };
        for (offset, _) in html.match_indices("{{#") {
            let line = html[..offset].matches('\n').count();
            problems.push(format!(
                "{where_}:{}: unexpanded directive in the HTML: {}",
                line + 1,
                html.lines().nth(line).unwrap_or_default().trim()
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
    if !problems.is_empty() {
        bail!(
            "{} problem(s) in the rendered HTML:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::book::{build_html, TempBook};

    #[test]
    fn a_leftover_directive_and_empty_code_blocks_fail_the_build_naming_chapter_and_line() {
        let shown = "```rust\n# use a;\nfn main() {}\n```\n\n    indented\n";
        let book = TempBook::tiny(&[("en", "listings-sources")], shown).unwrap();
        build_html(book.root(), "en", &book.output_dir("fine"), |_| {}).unwrap();
        let broken = "# Chapter\n\n{{#unknown x}}\n\n```rust\n# use a;\n# fn main() {}\n```\n\n\
                      ```console\n```\n";
        book.write("src/chapter.md", broken).unwrap();
        let out = book.output_dir("broken");
        let error = build_html(book.root(), "en", &out, |_| {}).unwrap_err();
        let error = format!("{error:#}");
        let page = std::fs::read_to_string(out.join("chapter.html")).unwrap();
        let line_of = |text: &str| page[..page.find(text).unwrap()].matches('\n').count() + 1;
        let at = "chapter.html (chapter src/chapter.md)";
        for problem in [
            format!(
                "{at}:{}: unexpanded directive in the HTML: <p>{{{{#unknown x}}}}</p>",
                line_of("{{#unknown")
            ),
            format!(
                "{at}:{}: empty code block <code class=\"language-rust\">",
                line_of("class=\"language-rust")
            ),
            format!(
                "{at}:{}: empty code block <code class=\"language-console\">",
                line_of("class=\"language-console")
            ),
        ] {
            assert!(error.contains(&problem), "no {problem:?} in {error}");
        }
    }
}
