//! Mojibake: UTF-8 text that was decoded as a single-byte code page
//! (Windows-1252, Windows-1254, Latin-1) and saved again as UTF-8, as the
//! seed of this book once was (`Ã©` for `é`, `â€™` for `’`, `Â` + no-break
//! space for a lone no-break space), and U+FFFD, the mark of bytes a decoder
//! could not read.

use crate::Problem;
use anyhow::{Context, Result};
use std::path::PathBuf;
use walkdir::WalkDir;

/// What Windows-1252 shows for the bytes 0x80..=0x9F (the continuation
/// bytes of UTF-8 that are not Latin-1 characters).
const CP1252_HIGH: &str = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

/// The first mojibake sequence of `line` and its column (1-based).
pub fn find_mojibake(line: &str) -> Option<(usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    for (index, &c) in chars.iter().enumerate() {
        let next = chars.get(index + 1).copied();
        let found = match (c, next) {
            ('\u{FFFD}', _) => Some(c.to_string()),
            // `Ã` + Latin-1: the two bytes of é, è, à, ç, ô...
            ('Ã', Some(n)) if ('\u{80}'..='\u{FF}').contains(&n) || CP1252_HIGH.contains(n) => {
                Some(format!("{c}{n}"))
            }
            // `Å` + a continuation byte (0x80..=0xBF) decoded: œ, Œ, š...
            ('Å', Some(n)) if ('\u{80}'..='\u{BF}').contains(&n) || CP1252_HIGH.contains(n) => {
                Some(format!("{c}{n}"))
            }
            // `â€`: the first two bytes of ’ “ ” – — …
            ('â', Some('€')) => Some("â€".to_string()),
            // `Â` + space or Latin-1 symbol: a no-break space, «, », °...
            ('Â', Some(n)) if n == ' ' || ('\u{A0}'..='\u{BF}').contains(&n) => {
                Some(format!("{c}{n}"))
            }
            _ => None,
        };
        if let Some(sequence) = found {
            return Some((index + 1, sequence));
        }
    }
    None
}

/// `sequence` with its invisible characters written `<U+00A0>`.
fn visible(sequence: &str) -> String {
    sequence
        .chars()
        .map(|c| {
            if c.is_whitespace() || c.is_control() || c == '\u{FFFD}' {
                format!("<U+{:04X}>", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Every file under `folders`, sorted, `target/` folders aside.
pub fn files_under(folders: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for folder in folders {
        let walk = WalkDir::new(folder)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| entry.file_name() != "target");
        for entry in walk {
            let entry = entry.with_context(|| format!("walking {}", folder.display()))?;
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

/// Every text file (no NUL byte) of `folders` is UTF-8 without mojibake.
pub fn check_text_files(folders: &[PathBuf]) -> Result<Vec<Problem>> {
    let mut problems = Vec::new();
    for path in files_under(folders)? {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        if bytes.contains(&0) {
            continue;
        }
        for (index, raw) in bytes.split(|&byte| byte == b'\n').enumerate() {
            let message = match std::str::from_utf8(raw) {
                Err(error) => format!(
                    "not UTF-8 (byte {:#04x} at byte {} of the line)",
                    raw[error.valid_up_to()],
                    error.valid_up_to() + 1
                ),
                Ok(line) => match find_mojibake(line) {
                    Some((column, sequence)) => format!(
                        "mojibake `{}` at column {column} (UTF-8 decoded as a single-byte code page, or U+FFFD)",
                        visible(&sequence)
                    ),
                    None => continue,
                },
            };
            problems.push(Problem::at(&path, index + 1, message));
        }
    }
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_double_encoded_french_and_accepts_clean_text() {
        for (line, sequence) in [
            ("Le code de l'encart rÃ©pond", Some("Ã©")),
            ("Ã€ partir de lÃ ", Some("Ã€")),
            ("Fichier\u{C2}\u{A0}: src/lib.rs", Some("Â\u{A0}")),
            ("Fichier Â : src/lib.rs", Some("Â ")),
            ("we\u{E2}\u{20AC}\u{2122}re", Some("â€")),
            ("cÅ“ur", Some("Å“")),
            ("broken \u{FFFD} byte", Some("\u{FFFD}")),
            (
                "À partir de là, ils ont tous reçu le message d'extinction.",
                None,
            ),
            (
                "Fichier\u{A0}: src/lib.rs — « Arrêt propre »\u{A0}; cœur, Ça",
                None,
            ),
            (
                "We’re “done” – Ã is a letter of Portuguese: SÃO PAULO",
                None,
            ),
        ] {
            let found = find_mojibake(line).map(|(_, s)| s);
            assert_eq!(found.as_deref(), sequence, "{line}");
        }
    }
}
