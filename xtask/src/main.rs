//! Project commands, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! Each command lives in its own module; this file only dispatches.

use anyhow::{bail, Result};

mod bench;
mod bench_server;
mod bench_site;
mod bench_skeptic;
mod build_site;
mod mdbook_cli;
mod outputs;
mod paths;
mod po;
mod pot;
mod prebuilt;
mod serve;
mod status;
mod tools;
mod watch;

/// One line per command, printed by `cargo xtask help`.
const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  help        print this message
  pot         extract the English prose of src/ into po/messages.pot
  po          update po/messages.pot, then merge it into every po/<lang>.po: keeps
              translations, marks edited messages fuzzy, adds new ones untranslated
  status [--check]
              translated / fuzzy / untranslated messages per language and chapter,
              listings missing or out of step, and what is left to do (file:line);
              --check exits 1 if anything is left
  outputs     rewrite every listing output.txt from the current toolchain [--no-cache]
  serve [--lang <code>] [--port <n>]
              read the book: installs the pinned mdbook into tools/, serves every
              language on http://127.0.0.1:3000/ and rebuilds on change
  build [--site-url /path/] [--dest <dir>]
              write the static site, every language, to book/ and check its links
  bench listings  time the listing verification: cold, warm, and naive cargo builds
  bench server [--runs <n>]
              time the graceful shutdown (last response -> exit) and `cargo test --test server`
  bench skeptic   time what the skeptic tests of the book's Rust blocks add to cargo test
  bench site      time `build` (cold, warm) and a po edit rebuilt under `serve`
";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("help");
    let rest = &args[args.len().min(1)..];
    match command {
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        "pot" => pot::run(rest),
        "po" => po::run(rest),
        "status" => status::run(rest),
        "outputs" => outputs::run(rest),
        "bench" if rest.first().map(String::as_str) == Some("skeptic") => {
            bench_skeptic::run(&rest[1..])
        }
        "bench" if rest.first().map(String::as_str) == Some("server") => {
            bench_server::run(&rest[1..])
        }
        "bench" if rest.first().map(String::as_str) == Some("site") => bench_site::run(&rest[1..]),
        "bench" => bench::run(rest),
        "serve" => serve::run(rest),
        "build" => build_site::run(rest),
        other => {
            let _ = rest;
            bail!("unknown command `{other}`\n\n{USAGE}")
        }
    }
}
