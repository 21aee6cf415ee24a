//! What a web-server listing prints and how it is set up, read from the
//! listing's own source, so the checks of a run hold for every language
//! without naming a single message.
//!
//! The six `println!` messages of the graceful shutdown are told apart by
//! where they stand in the code, which is the same in every translation:
//! - `src/bin/main.rs`: its only `println!` is the shutdown notice
//!   (`Shutting down.`);
//! - `src/lib.rs`, inside `impl Drop for ...`: in order, the terminate-send
//!   line, the all-workers line, then the per-worker join line (the one with
//!   a placeholder);
//! - `src/lib.rs`, elsewhere: the two worker lines with a placeholder; the
//!   one whose block ends the loop with `break` is the terminate line, the
//!   other the job line.
//!
//! The server's address (`TcpListener::bind("...")`), the pool size
//! (`::new(<n>)`), the slow request's pause (`Duration::from_secs(<n>)`) and
//! the number of connections served (`.take(<n>)`) come from
//! `src/bin/main.rs` as well ([`ServerSetup`] alone for a server that never
//! shuts down).

use anyhow::{bail, Context, Result};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use regex::Regex;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The library of a listing crate, relative to the crate.
pub const LIB_FILE: &str = "src/lib.rs";

/// The binary of a listing crate, relative to the crate.
pub const MAIN_FILE: &str = "src/bin/main.rs";

/// What a line of the server's standard output says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// A worker got a job (`Worker 0 got a job; executing.`).
    Job { worker: usize },
    /// `main` left its loop (`Shutting down.`).
    ShuttingDown,
    /// The pool starts sending terminate messages.
    SendingTerminate,
    /// The pool starts joining the workers.
    ShuttingDownAll,
    /// The pool joins one worker (`Shutting down worker 0`).
    Joining { worker: usize },
    /// A worker got a terminate message.
    Terminated { worker: usize },
}

/// The kinds of [`Event`], one per `println!` of the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// See [`Event::Job`].
    Job,
    /// See [`Event::ShuttingDown`].
    ShuttingDown,
    /// See [`Event::SendingTerminate`].
    SendingTerminate,
    /// See [`Event::ShuttingDownAll`].
    ShuttingDownAll,
    /// See [`Event::Joining`].
    Joining,
    /// See [`Event::Terminated`].
    Terminated,
}

impl Role {
    /// Whether its message names a worker.
    fn names_a_worker(self) -> bool {
        matches!(self, Role::Job | Role::Joining | Role::Terminated)
    }

    fn event(self, worker: Option<usize>) -> Option<Event> {
        Some(match (self, worker) {
            (Role::Job, Some(worker)) => Event::Job { worker },
            (Role::Joining, Some(worker)) => Event::Joining { worker },
            (Role::Terminated, Some(worker)) => Event::Terminated { worker },
            (Role::ShuttingDown, None) => Event::ShuttingDown,
            (Role::SendingTerminate, None) => Event::SendingTerminate,
            (Role::ShuttingDownAll, None) => Event::ShuttingDownAll,
            _ => return None,
        })
    }
}

/// One `println!` format string turned into a line matcher.
#[derive(Debug, Clone)]
pub struct LinePattern {
    /// What the line says.
    pub role: Role,
    /// The format string, as the source writes it once unescaped.
    pub format: String,
    /// `^literal(\d+)literal$`.
    matcher: Regex,
}

impl LinePattern {
    fn new(role: Role, format: String, origin: &str) -> Result<Self> {
        let pieces = format_pieces(&format)
            .with_context(|| format!("{origin}: reading the format string {format:?}"))?;
        let placeholders = pieces.iter().filter(|piece| piece.is_none()).count();
        let expected = usize::from(role.names_a_worker());
        if placeholders != expected {
            bail!(
                "{origin}: the {role:?} message {format:?} has {placeholders} placeholder(s), expected {expected}"
            );
        }
        let mut pattern = String::from("^");
        for piece in &pieces {
            match piece {
                Some(literal) => pattern.push_str(&regex::escape(literal)),
                None => pattern.push_str(r"(\d+)"),
            }
        }
        pattern.push('$');
        Ok(Self {
            role,
            format,
            matcher: Regex::new(&pattern).context("building a line matcher")?,
        })
    }

    /// The event of `line` when this pattern matches it.
    pub fn event(&self, line: &str) -> Option<Event> {
        let captures = self.matcher.captures(line)?;
        let worker = match captures.get(1) {
            Some(number) => Some(number.as_str().parse().ok()?),
            None => None,
        };
        self.role.event(worker)
    }

    /// The line this pattern prints for `worker` (or with no worker).
    pub fn render(&self, worker: Option<usize>) -> String {
        let number = worker.map(|worker| worker.to_string()).unwrap_or_default();
        format_pieces(&self.format)
            .unwrap_or_default()
            .into_iter()
            .map(|piece| piece.unwrap_or_else(|| number.clone()))
            .collect()
    }
}

/// How a web-server listing is set up, from its `src/bin/main.rs`.
#[derive(Debug, Clone)]
pub struct ServerSetup {
    /// The crate folder.
    pub crate_dir: PathBuf,
    /// `TcpListener::bind("<address>")`.
    pub address: String,
    /// The size given to the pool's `new`.
    pub pool_size: usize,
    /// How long the slow request (`GET /sleep`) sleeps.
    pub slow_request_pause: Duration,
}

impl ServerSetup {
    /// Reads `src/bin/main.rs` of the crate at `crate_dir`.
    pub fn read(crate_dir: &Path) -> Result<Self> {
        let main = SourceFile::read(&crate_dir.join(MAIN_FILE))?;
        Self::from_main(crate_dir, &main)
    }

    fn from_main(crate_dir: &Path, main: &SourceFile) -> Result<Self> {
        Ok(Self {
            crate_dir: crate_dir.to_path_buf(),
            address: main.only_call_argument("bind", ArgumentKind::String)?,
            pool_size: main.only_number_argument("new", "pool size")?,
            slow_request_pause: Duration::from_secs(
                main.only_number_argument("from_secs", "pause")?,
            ),
        })
    }

    /// The socket address of [`Self::address`].
    pub fn socket_address(&self) -> Result<std::net::SocketAddr> {
        crate::server::http_client::socket_address(&self.address)
    }

    /// The page a successful request returns (`hello.html`), as served.
    pub fn hello_page(&self) -> Result<Vec<u8>> {
        let path = self.crate_dir.join("hello.html");
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    }
}

/// A listing whose server shuts down gracefully, as its source describes it.
#[derive(Debug, Clone)]
pub struct ServerSource {
    /// Address, pool size and pause.
    pub setup: ServerSetup,
    /// Every message of the shutdown story, one per [`Role`].
    pub patterns: Vec<LinePattern>,
    /// How many connections `main` accepts before it shuts down
    /// (`incoming().take(<n>)`).
    pub connection_limit: usize,
}

impl ServerSource {
    /// Reads `src/lib.rs` and `src/bin/main.rs` of the crate at `crate_dir`.
    pub fn read(crate_dir: &Path) -> Result<Self> {
        let lib = SourceFile::read(&crate_dir.join(LIB_FILE))?;
        let main = SourceFile::read(&crate_dir.join(MAIN_FILE))?;
        let mut patterns = Vec::new();

        let in_main = main.prints();
        let [shutting_down] = in_main.as_slice() else {
            bail!(
                "{}: expected exactly one `println!` (the shutdown notice), found {}",
                main.path.display(),
                in_main.len()
            );
        };
        patterns.push(main.pattern(Role::ShuttingDown, shutting_down)?);

        let in_lib = lib.prints();
        let (in_drop, in_workers): (Vec<&Print>, Vec<&Print>) =
            in_lib.iter().partition(|print| print.in_drop_impl);
        let [sending, all, joining] = in_drop.as_slice() else {
            bail!(
                "{}: expected three `println!` in `impl Drop` (send, all workers, one worker), found {}",
                lib.path.display(),
                in_drop.len()
            );
        };
        patterns.push(lib.pattern(Role::SendingTerminate, sending)?);
        patterns.push(lib.pattern(Role::ShuttingDownAll, all)?);
        patterns.push(lib.pattern(Role::Joining, joining)?);
        let (terminated, jobs): (Vec<_>, Vec<_>) =
            in_workers.into_iter().partition(|print| print.block_breaks);
        let ([terminated], [job]) = (terminated.as_slice(), jobs.as_slice()) else {
            bail!(
                "{}: expected two worker `println!` outside `impl Drop`, one of them in the block that `break`s, found {} and {}",
                lib.path.display(),
                terminated.len(),
                jobs.len()
            );
        };
        patterns.push(lib.pattern(Role::Job, job)?);
        patterns.push(lib.pattern(Role::Terminated, terminated)?);

        Ok(Self {
            setup: ServerSetup::from_main(crate_dir, &main)?,
            patterns,
            connection_limit: main.only_number_argument("take", "connection limit")?,
        })
    }

    /// The event of one line of the server's standard output.
    pub fn event(&self, line: &str) -> Option<Event> {
        self.patterns.iter().find_map(|pattern| pattern.event(line))
    }

    /// The pattern of `role`.
    pub fn pattern(&self, role: Role) -> &LinePattern {
        self.patterns
            .iter()
            .find(|pattern| pattern.role == role)
            .expect("ServerSource::read gives every role a pattern")
    }
}

/// A `println!` found in a source file.
#[derive(Debug, Clone)]
struct Print {
    /// The unescaped format string.
    format: String,
    /// 1-based line, for messages.
    line: usize,
    /// Inside the body of `impl Drop for ...`.
    in_drop_impl: bool,
    /// Its enclosing `{ ... }` block also holds a `break`.
    block_breaks: bool,
}

/// The argument type sought by [`SourceFile::only_call_argument`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArgumentKind {
    String,
    Integer,
}

/// A tokenized Rust source file.
struct SourceFile {
    path: PathBuf,
    tokens: TokenStream,
}

impl SourceFile {
    fn read(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let tokens: TokenStream = text
            .parse()
            .map_err(|error| anyhow::anyhow!("{}: cannot tokenize: {error}", path.display()))?;
        Ok(Self {
            path: path.to_path_buf(),
            tokens,
        })
    }

    fn pattern(&self, role: Role, print: &Print) -> Result<LinePattern> {
        LinePattern::new(
            role,
            print.format.clone(),
            &format!("{}:{}", self.path.display(), print.line),
        )
    }

    /// Every `println!("...", ...)`, in source order.
    fn prints(&self) -> Vec<Print> {
        let mut prints = Vec::new();
        collect_prints(self.tokens.clone(), false, false, &mut prints);
        prints
    }

    /// The integer argument of the only call `name(<integer>)` of the file.
    fn only_number_argument<T: std::str::FromStr>(&self, name: &str, what: &str) -> Result<T> {
        let digits = self.only_call_argument(name, ArgumentKind::Integer)?;
        match digits.parse() {
            Ok(number) => Ok(number),
            Err(_) => bail!(
                "{}: the {what} `{digits}` is out of range",
                self.path.display()
            ),
        }
    }

    /// The literal argument of the only call `name(<literal>)` of the file.
    fn only_call_argument(&self, name: &str, kind: ArgumentKind) -> Result<String> {
        let mut found = Vec::new();
        collect_call_arguments(self.tokens.clone(), name, kind, &mut found);
        match found.as_slice() {
            [only] => Ok(only.clone()),
            _ => bail!(
                "{}: expected exactly one `{name}(<{kind:?} literal>)`, found {}",
                self.path.display(),
                found.len()
            ),
        }
    }
}

fn collect_prints(stream: TokenStream, in_drop: bool, block_breaks: bool, out: &mut Vec<Print>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut drop_body_ahead = false;
    for (index, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(ident) if ident == "impl" => {
                drop_body_ahead = is_drop_impl_header(&tokens[index + 1..]);
            }
            TokenTree::Ident(ident) if ident == "println" => {
                let call = (tokens.get(index + 1), tokens.get(index + 2));
                if let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(arguments))) = call {
                    if bang.as_char() == '!' {
                        if let Some(format) = first_string_literal(arguments.stream()) {
                            out.push(Print {
                                format,
                                line: ident.span().start().line,
                                in_drop_impl: in_drop,
                                block_breaks,
                            });
                        }
                    }
                }
            }
            TokenTree::Group(group) => {
                let is_block = group.delimiter() == Delimiter::Brace;
                let enters_drop = is_block && drop_body_ahead;
                if is_block {
                    drop_body_ahead = false;
                }
                let breaks = if is_block {
                    holds_break(group.stream())
                } else {
                    block_breaks
                };
                collect_prints(group.stream(), in_drop || enters_drop, breaks, out);
            }
            _ => {}
        }
    }
}

/// `Drop for Name` (up to the body) follows an `impl`.
fn is_drop_impl_header(after_impl: &[TokenTree]) -> bool {
    let header = after_impl.iter().take_while(
        |token| !matches!(token, TokenTree::Group(group) if group.delimiter() == Delimiter::Brace),
    );
    let names: Vec<String> = header
        .filter_map(|token| match token {
            TokenTree::Ident(ident) => Some(ident.to_string()),
            _ => None,
        })
        .collect();
    names
        .windows(2)
        .any(|pair| pair[0] == "Drop" && pair[1] == "for")
}

/// A `break` at the top level of a block.
fn holds_break(block: TokenStream) -> bool {
    block
        .into_iter()
        .any(|token| matches!(token, TokenTree::Ident(ident) if ident == "break"))
}

fn first_string_literal(arguments: TokenStream) -> Option<String> {
    match arguments.into_iter().next()? {
        TokenTree::Literal(literal) => match syn::Lit::new(literal) {
            syn::Lit::Str(string) => Some(string.value()),
            _ => None,
        },
        _ => None,
    }
}

fn collect_call_arguments(
    stream: TokenStream,
    name: &str,
    kind: ArgumentKind,
    out: &mut Vec<String>,
) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(ident) if ident == name => {
                let Some(TokenTree::Group(arguments)) = tokens.get(index + 1) else {
                    continue;
                };
                let arguments: Vec<TokenTree> = arguments.stream().into_iter().collect();
                let [TokenTree::Literal(literal)] = arguments.as_slice() else {
                    continue;
                };
                match (syn::Lit::new(literal.clone()), kind) {
                    (syn::Lit::Str(string), ArgumentKind::String) => out.push(string.value()),
                    (syn::Lit::Int(integer), ArgumentKind::Integer) => {
                        out.push(integer.base10_digits().to_string())
                    }
                    _ => {}
                }
            }
            TokenTree::Group(group) => collect_call_arguments(group.stream(), name, kind, out),
            _ => {}
        }
    }
}

/// The pieces of a `format!` string: `Some(literal)` or `None` for a
/// placeholder (`{}`, `{id}`, `{0:?}`); `{{` and `}}` are literal braces.
fn format_pieces(format: &str) -> Result<Vec<Option<String>>> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                if !literal.is_empty() {
                    pieces.push(Some(std::mem::take(&mut literal)));
                }
                if !chars.by_ref().any(|c| c == '}') {
                    bail!("unclosed `{{`");
                }
                pieces.push(None);
            }
            '}' => bail!("unmatched `}}`"),
            other => literal.push(other),
        }
    }
    if !literal.is_empty() {
        pieces.push(Some(literal));
    }
    Ok(pieces)
}

/// A small listing with every message, for the tests of this crate:
/// 3 workers, 2 connections, a 2 s pause.
#[cfg(test)]
pub(crate) fn sample_source() -> ServerSource {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/bin")).unwrap();
    std::fs::write(dir.path().join(LIB_FILE), tests::LIB).unwrap();
    std::fs::write(dir.path().join(MAIN_FILE), tests::MAIN).unwrap();
    ServerSource::read(dir.path()).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) const LIB: &str = r#"
impl Drop for Pool {
    fn drop(&mut self) {
        println!("Send {{all}}.");
        for _ in &self.workers { self.sender.send(Message::Stop).unwrap(); }
        println!("All.");
        for worker in &mut self.workers {
            println!("Join {}", worker.id);
        }
    }
}
impl Worker {
    fn new(id: usize) -> Worker {
        let thread = thread::spawn(move || loop {
            match message {
                Message::Job(job) => {
                    println!("W{id} job\u{a0};");
                    job();
                }
                Message::Stop => {
                    println!("W{id} stop");
                    break;
                }
            }
        });
        Worker { id, thread: Some(thread) }
    }
}
"#;

    pub(super) const MAIN: &str = r#"
fn main() {
    let listener = TcpListener::bind("127.0.0.1:7878").unwrap();
    let pool = Pool::new(3);
    for stream in listener.incoming().take(2) {}
    println!("Bye.");
}
fn slow() { thread::sleep(Duration::from_secs(2)); }
"#;

    #[test]
    fn roles_come_from_the_place_of_each_print() {
        let source = sample_source();
        assert_eq!(source.event("Send {all}."), Some(Event::SendingTerminate));
        assert_eq!(source.event("All."), Some(Event::ShuttingDownAll));
        assert_eq!(source.event("Join 2"), Some(Event::Joining { worker: 2 }));
        assert_eq!(
            source.event("W1 job\u{a0};"),
            Some(Event::Job { worker: 1 })
        );
        assert_eq!(
            source.event("W0 stop"),
            Some(Event::Terminated { worker: 0 })
        );
        assert_eq!(source.event("Bye."), Some(Event::ShuttingDown));
        assert_eq!(source.event("W1 job ;"), None, "the no-break space matters");
        assert_eq!(source.event("Join x"), None);
        assert_eq!(source.pattern(Role::Joining).render(Some(3)), "Join 3");
    }

    #[test]
    fn setup_comes_from_main() {
        let source = sample_source();
        assert_eq!(source.setup.address, "127.0.0.1:7878");
        assert_eq!(source.setup.socket_address().unwrap().port(), 7878);
        assert_eq!(source.setup.pool_size, 3);
        assert_eq!(source.setup.slow_request_pause, Duration::from_secs(2));
        assert_eq!(source.connection_limit, 2);
    }

    #[test]
    fn a_missing_print_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/bin")).unwrap();
        std::fs::write(dir.path().join(LIB_FILE), LIB).unwrap();
        std::fs::write(dir.path().join(MAIN_FILE), "fn main() {}").unwrap();
        let error = format!("{:#}", ServerSource::read(dir.path()).unwrap_err());
        assert!(error.contains("src/bin/main.rs"), "{error}");
        assert!(error.contains("println!"), "{error}");
    }

    #[test]
    fn format_strings_split_on_placeholders() {
        assert_eq!(
            format_pieces("a {x} b {{c}} {0:?}").unwrap(),
            vec![
                Some("a ".to_string()),
                None,
                Some(" b {c} ".to_string()),
                None
            ]
        );
        assert!(format_pieces("a } b").is_err());
    }
}
