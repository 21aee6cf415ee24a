//! The `mdbook-listings` command speaks mdBook's preprocessor protocol:
//! `supports <renderer>` answers by exit status; otherwise `[context, book]`
//! JSON comes on stdin and the book JSON goes to stdout, or the problems go
//! to stderr with a failure status.

use booktools::process;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::PreprocessorContext;
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

/// Runs the command with `args` and `input` on stdin (through `sh`'s
/// redirection: the one process runner gives its children no stdin), killed
/// after 60 s: its exit status, stdout and stderr.
fn run(args: &str, input: &str) -> (ExitStatus, String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("input.json"), input).unwrap();
    let mut command = Command::new("sh");
    let script = format!("exec \"$0\" {args} < input.json");
    let binary = env!("CARGO_BIN_EXE_mdbook-listings");
    command
        .args(["-c", &script, binary])
        .current_dir(dir.path());
    let mut child = process::Running::start(command, false).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let (status, _) = child.wait_for_exit(deadline).unwrap().expect("exited");
    (status, child.output(0), child.output(1))
}

/// A French book with one chapter, its trees set by `trees`.
fn input(root: &std::path::Path, trees: &str, chapter: &str) -> String {
    let config = format!("[book]\nlanguage = \"fr\"\n{trees}")
        .parse()
        .unwrap();
    let ctx = PreprocessorContext::new(root.to_path_buf(), config, "html".into());
    let mut book = Book::new();
    book.push_item(Chapter::new("Ch", chapter.to_string(), "ch.md", Vec::new()));
    serde_json::to_string(&(ctx, book)).unwrap()
}

#[test]
fn rewrites_the_book_read_on_stdin_or_fails_naming_the_problem() {
    let (status, _, stderr) = run("supports html", "");
    assert!(status.success(), "{stderr}");
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("listings/a")).unwrap();
    std::fs::write(root.path().join("listings/a/output.txt"), "$ cargo run\n").unwrap();
    let trees = "[preprocessor.listings.trees]\nen = \"listings-sources\"\nfr = \"listings\"\n";
    let chapter = "x\n{{#include ../listings-sources/a/output.txt}}\n";
    let (status, stdout, stderr) = run("", &input(root.path(), trees, chapter));
    assert!(status.success(), "{stderr}");
    let book: Book = serde_json::from_str(&stdout).unwrap();
    let BookItem::Chapter(rewritten) = &book.items[0] else {
        panic!("the first item is a chapter");
    };
    assert_eq!(
        rewritten.content,
        "x\n{{#include ../listings/a/output.txt}}\n"
    );

    std::fs::remove_file(root.path().join("listings/a/output.txt")).unwrap();
    for (trees, problem) in [
        (trees, "listings: 1 broken include(s) in the `fr` book:\nsrc/ch.md:2: {{#include ../listings/a/output.txt}}: file not found: listings/a/output.txt"),
        ("", "book.toml has no `[preprocessor.listings.trees]` table"),
    ] {
        let (status, stdout, stderr) = run("", &input(root.path(), trees, chapter));
        assert!(!status.success() && stdout.is_empty(), "{stdout}");
        assert!(stderr.starts_with(problem), "{stderr}");
    }
}
