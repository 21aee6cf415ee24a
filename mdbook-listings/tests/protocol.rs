//! The `mdbook-listings` command speaks mdBook's preprocessor protocol:
//! `supports <renderer>` answers by exit status; otherwise `[context, book]`
//! JSON comes on stdin and the book JSON goes to stdout, or the problems go
//! to stderr with a failure status.

use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::PreprocessorContext;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Kills the child when the test ends, even on a panic.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs the command with `args` and `input` on stdin, waiting 60 s at most.
fn run(args: &[&str], input: &str) -> Finished {
    let child = Command::new(env!("CARGO_BIN_EXE_mdbook-listings"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let mut child = KillOnDrop(child);
    let mut stdin = child.0.stdin.take().expect("piped stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.0.stdout.take().expect("piped stdout");
    let mut stderr = child.0.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("waiting for the command") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "mdbook-listings did not finish in 60 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    writer.join().expect("stdin writer");
    Finished {
        status,
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
    }
}

fn input(root: &Path, chapter: &str) -> String {
    let config: Config = "[book]\nlanguage = \"fr\"\n\
         [preprocessor.listings.trees]\nen = \"listings-sources\"\nfr = \"listings\"\n"
        .parse()
        .unwrap();
    let ctx = PreprocessorContext::new(root.to_path_buf(), config, "html".into());
    let mut book = Book::new();
    book.push_item(Chapter::new("Ch", chapter.to_string(), "ch.md", Vec::new()));
    serde_json::to_string(&(ctx, book)).unwrap()
}

#[test]
fn supports_answers_by_exit_status() {
    let answer = run(&["supports", "html"], "");
    assert!(answer.status.success(), "{}", answer.stderr);
}

#[test]
fn rewrites_the_book_read_on_stdin() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("listings/a")).unwrap();
    std::fs::write(root.path().join("listings/a/output.txt"), "$ cargo run\n").unwrap();
    let done = run(
        &[],
        &input(
            root.path(),
            "{{#include ../listings-sources/a/output.txt}}\n",
        ),
    );
    assert!(done.status.success(), "{}", done.stderr);
    let book: Book = serde_json::from_str(&done.stdout).unwrap();
    let BookItem::Chapter(chapter) = &book.items[0] else {
        panic!("the first item is a chapter");
    };
    assert_eq!(chapter.content, "{{#include ../listings/a/output.txt}}\n");
}

#[test]
fn broken_include_fails_with_the_problem_on_stderr() {
    let root = tempfile::tempdir().unwrap();
    let done = run(
        &[],
        &input(
            root.path(),
            "x\n{{#include ../listings-sources/a/output.txt}}\n",
        ),
    );
    assert!(!done.status.success());
    assert!(done.stdout.is_empty());
    assert!(
        done.stderr.contains(
            "src/ch.md:2: {{#include ../listings/a/output.txt}}: \
             file not found: listings/a/output.txt"
        ),
        "{}",
        done.stderr
    );
}
