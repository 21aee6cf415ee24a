//! Rust source as a flat list of tokens with their lines, read with
//! proc-macro2 (the tokenizer of the compiler's proc macros; its
//! `span-locations` feature gives the lines).
//!
//! Groups are flattened into an opening delimiter, their tokens and a
//! closing delimiter. Comments are not tokens; doc comments are
//! `#[doc = "..."]` attributes, whose text is a string literal. Each
//! identifier knows whether it sits in a path (next to `::`) or inside a
//! `use` item: that is where a std homonym (`thread`) names the std module.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use std::fmt;
use std::str::FromStr;

/// What a literal is, when its text does not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteralKind {
    /// `"..."` or `r"..."`: text the translation may change.
    String,
    /// `b"..."` or `br"..."`.
    ByteString,
    /// `c"..."` or `cr"..."`.
    CString,
    /// Numbers, characters and bytes: compared by their text.
    Other,
}

impl LiteralKind {
    /// True for the literals whose text a translation may change.
    pub fn is_text(self) -> bool {
        !matches!(self, LiteralKind::Other)
    }
}

/// The kind of one flat token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// An identifier or keyword (`r#` kept as written).
    Ident(String),
    /// A punctuation character; `joint` when glued to the next one (`::`).
    Punct { ch: char, joint: bool },
    /// The opening delimiter of a group.
    Open(char),
    /// The closing delimiter of a group.
    Close(char),
    /// A literal and its text.
    Literal { kind: LiteralKind, text: String },
}

/// One token and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The token.
    pub kind: TokenKind,
    /// 1-based line.
    pub line: usize,
    /// Next to `::` (`thread::spawn`, `std::thread`).
    pub in_path: bool,
    /// Inside a `use` item (up to its `;`).
    pub in_use: bool,
}

impl Token {
    /// The identifier, if the token is one.
    pub fn ident(&self) -> Option<&str> {
        match &self.kind {
            TokenKind::Ident(name) => Some(name),
            _ => None,
        }
    }

    /// True where a std homonym may keep its English name.
    pub fn names_a_path(&self) -> bool {
        self.in_path || self.in_use
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenKind::Ident(name) => write!(f, "{name}"),
            TokenKind::Punct { ch, .. } | TokenKind::Open(ch) | TokenKind::Close(ch) => {
                write!(f, "{ch}")
            }
            TokenKind::Literal { text, .. } => {
                const MAX: usize = 40;
                if text.chars().count() > MAX {
                    let short: String = text.chars().take(MAX).collect();
                    write!(f, "{short}…")
                } else {
                    write!(f, "{text}")
                }
            }
        }
    }
}

/// A file that proc-macro2 cannot tokenize.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenizeError {
    /// 1-based line of the error.
    pub line: usize,
    /// What proc-macro2 says.
    pub message: String,
}

/// The flat tokens of Rust source text.
pub fn tokenize(source: &str) -> Result<Vec<Token>, TokenizeError> {
    let stream = TokenStream::from_str(source).map_err(|error| TokenizeError {
        line: error.span().start().line,
        message: error.to_string(),
    })?;
    let mut tokens = Vec::new();
    flatten(stream, &mut tokens);
    mark_paths(&mut tokens);
    mark_use_items(&mut tokens);
    Ok(tokens)
}

fn flatten(stream: TokenStream, out: &mut Vec<Token>) {
    let token = |kind, line| Token {
        kind,
        line,
        in_path: false,
        in_use: false,
    };
    for tree in stream {
        match tree {
            TokenTree::Ident(ident) => out.push(token(
                TokenKind::Ident(ident.to_string()),
                ident.span().start().line,
            )),
            TokenTree::Punct(punct) => out.push(token(
                TokenKind::Punct {
                    ch: punct.as_char(),
                    joint: punct.spacing() == Spacing::Joint,
                },
                punct.span().start().line,
            )),
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                out.push(token(
                    TokenKind::Literal {
                        kind: literal_kind(&text),
                        text,
                    },
                    literal.span().start().line,
                ))
            }
            TokenTree::Group(group) => {
                let delimiters = match group.delimiter() {
                    Delimiter::Parenthesis => Some(('(', ')')),
                    Delimiter::Brace => Some(('{', '}')),
                    Delimiter::Bracket => Some(('[', ']')),
                    Delimiter::None => None,
                };
                if let Some((open, _)) = delimiters {
                    out.push(token(TokenKind::Open(open), group.span_open().start().line));
                }
                flatten(group.stream(), out);
                if let Some((_, close)) = delimiters {
                    out.push(token(
                        TokenKind::Close(close),
                        group.span_close().start().line,
                    ));
                }
            }
        }
    }
}

/// The kind of a literal from its text.
fn literal_kind(text: &str) -> LiteralKind {
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| text.starts_with(p));
    if starts(&["\"", "r\"", "r#"]) {
        LiteralKind::String
    } else if starts(&["b\"", "br\"", "br#"]) {
        LiteralKind::ByteString
    } else if starts(&["c\"", "cr\"", "cr#"]) {
        LiteralKind::CString
    } else {
        LiteralKind::Other
    }
}

/// Is the token at `index` the first colon of a `::`?
fn is_path_separator(tokens: &[Token], index: usize) -> bool {
    matches!(
        (
            tokens.get(index).map(|t| &t.kind),
            tokens.get(index + 1).map(|t| &t.kind)
        ),
        (
            Some(TokenKind::Punct {
                ch: ':',
                joint: true
            }),
            Some(TokenKind::Punct { ch: ':', .. })
        )
    )
}

fn mark_paths(tokens: &mut [Token]) {
    for index in 0..tokens.len() {
        if tokens[index].ident().is_none() {
            continue;
        }
        let before = index >= 2 && is_path_separator(tokens, index - 2);
        let after = is_path_separator(tokens, index + 1);
        tokens[index].in_path = before || after;
    }
}

/// Marks the tokens from each `use` keyword to the `;` at its depth.
fn mark_use_items(tokens: &mut [Token]) {
    let mut depth: usize = 0;
    // Depth of the open `use` item, if any.
    let mut open_use: Option<usize> = None;
    for token in tokens.iter_mut() {
        match &token.kind {
            TokenKind::Open(_) => depth += 1,
            TokenKind::Close(_) => {
                depth = depth.saturating_sub(1);
                if open_use.is_some_and(|at| depth < at) {
                    open_use = None;
                }
            }
            TokenKind::Ident(name) if name == "use" && open_use.is_none() => {
                open_use = Some(depth);
            }
            TokenKind::Punct { ch: ';', .. } if open_use == Some(depth) => {
                token.in_use = true;
                open_use = None;
                continue;
            }
            _ => {}
        }
        if open_use.is_some() {
            token.in_use = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(tokens: &[Token]) -> Vec<(&str, bool, bool)> {
        tokens
            .iter()
            .filter_map(|t| t.ident().map(|name| (name, t.in_path, t.in_use)))
            .collect()
    }

    #[test]
    fn flattens_groups_with_lines() {
        let tokens = tokenize("fn f() {\n    g(\"a\", 1);\n}\n").unwrap();
        let kinds: Vec<String> = tokens.iter().map(|t| t.kind.to_string()).collect();
        assert_eq!(
            kinds,
            ["fn", "f", "(", ")", "{", "g", "(", "\"a\"", ",", "1", ")", ";", "}"]
        );
        let lines: Vec<usize> = tokens.iter().map(|t| t.line).collect();
        assert_eq!(lines, [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3]);
    }

    #[test]
    fn doc_comments_are_attributes_and_comments_vanish() {
        let tokens = tokenize("// note\n/// Doc.\nfn f() {}\n").unwrap();
        let kinds: Vec<String> = tokens.iter().map(|t| t.kind.to_string()).collect();
        assert_eq!(kinds[..6], ["#", "[", "doc", "=", "\" Doc.\"", "]"]);
        assert_eq!(tokens[0].line, 2);
        assert!(matches!(
            tokens[4].kind,
            TokenKind::Literal {
                kind: LiteralKind::String,
                ..
            }
        ));
    }

    #[test]
    fn literal_kinds() {
        for (text, kind) in [
            ("\"a\"", LiteralKind::String),
            ("r#\"a\"#", LiteralKind::String),
            ("b\"a\"", LiteralKind::ByteString),
            ("c\"a\"", LiteralKind::CString),
            ("b'a'", LiteralKind::Other),
            ("'a'", LiteralKind::Other),
            ("1024", LiteralKind::Other),
        ] {
            assert_eq!(literal_kind(text), kind, "{text}");
        }
    }

    #[test]
    fn path_and_use_positions() {
        let source = "use std::{sync::mpsc, thread};\nlet thread = thread::spawn(f);\nx.thread";
        let tokens = tokenize(source).unwrap();
        assert_eq!(
            idents(&tokens),
            [
                ("use", false, true),
                ("std", true, true),
                ("sync", true, true),
                ("mpsc", true, true),
                ("thread", false, true),
                ("let", false, false),
                ("thread", false, false),
                ("thread", true, false),
                ("spawn", true, false),
                ("f", false, false),
                ("x", false, false),
                ("thread", false, false),
            ]
        );
    }

    #[test]
    fn a_lex_error_has_its_line() {
        let error = tokenize("fn f() {\n  \"open\n").unwrap_err();
        assert!(error.line >= 1, "{error:?}");
    }
}
