//! Search in the language of each page. mdBook 0.5 indexes every book with
//! elasticlunr's English pipeline: a French reader typing `arret` (for
//! « arrêt ») or `interblocage` (written « d’interblocage ») finds nothing.
//! So after mdBook renders a language, its index is rebuilt from mdBook's own
//! documents with the language's analysis, data in
//! `theme/search/<language>.toml` ([`ANALYSIS_DIR`]): tokens cut at anything
//! but a word character ([`tokenize`]), composed (NFC), an elided word
//! (`d'`, `qu'`...) stripped, stop words dropped, then stemmed (Snowball,
//! `rust-stemmers`) before folding (NFKD without marks, plus the language's
//! `folding`), so the stemmer sees the words it was written for (`requêtes`
//! → `requêt` → `requet`, and `requetes` → `requet`).
//!
//! The browser runs the same analysis on the query: `theme/search/analysis.js`,
//! the same Snowball algorithms from lunr-languages (vendored) and the
//! language's data go into `searchindex.js` ahead of the index, so
//! elasticlunr finds the analysis registered when it loads the index. The
//! browser test checks that both sides give the same tokens.

use crate::languages::BookLayout;
use crate::Problem;
use anyhow::{bail, Context, Result};
use elasticlunr::pipeline::{Pipeline, PipelineFn};
use elasticlunr::{IndexBuilder, Language};
use mdbook_listings::directive::line_of_offset;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The folder of `theme/` holding each language's analysis, its browser
/// side and the vendored stemmers.
pub const ANALYSIS_DIR: &str = "search";

/// The search index of the language built into `language_dir`:
/// `searchindex.js`, or `searchindex-<hash>.js` when mdBook hashes file
/// names (its default); the rebuilt index keeps that name, which the pages
/// and `searcher.js` refer to.
pub fn index_file(language_dir: &Path) -> Result<PathBuf> {
    let listing = std::fs::read_dir(language_dir)
        .with_context(|| format!("listing {}", language_dir.display()))?;
    let found: Vec<PathBuf> = (listing.flatten().map(|entry| entry.path()))
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            name == "searchindex.js" || name.starts_with("searchindex-") && name.ends_with(".js")
        })
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "expected one search index in {}, found {found:?} (is `output.html.search` on?)",
            language_dir.display()
        ),
    }
}

/// The fields mdBook indexes, in its order.
const FIELDS: [&str; 3] = ["title", "body", "breadcrumbs"];

/// The stemmers an analysis can name: `porter` is elasticlunr's own (the
/// stemmer mdBook's English index always had, in elasticlunr-rs and in
/// elasticlunr.js); the others are Snowball algorithms, with the code of
/// their file in lunr-languages. Only the algorithms whose lunr-languages
/// code agrees with `rust-stemmers` are listed (see the vendored README).
const SNOWBALL: &[(&str, rust_stemmers::Algorithm, &str)] = {
    use rust_stemmers::Algorithm::*;
    &[
        ("danish", Danish, "da"),
        ("dutch", Dutch, "nl"),
        ("finnish", Finnish, "fi"),
        ("french", French, "fr"),
        ("german", German, "de"),
        ("italian", Italian, "it"),
        ("norwegian", Norwegian, "no"),
        ("romanian", Romanian, "ro"),
        ("russian", Russian, "ru"),
        ("spanish", Spanish, "es"),
        ("swedish", Swedish, "sv"),
        ("turkish", Turkish, "tr"),
    ]
};

/// `theme/search/<language>.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct AnalysisFile {
    stemmer: toml::Spanned<String>,
    elisions: Vec<String>,
    #[serde(default)]
    folding: BTreeMap<String, String>,
    stop_words: Vec<String>,
}

enum Stemmer {
    /// elasticlunr's Porter stemmer, as elasticlunr-rs has it, for words
    /// written in ASCII.
    Porter(Box<dyn PipelineFn>),
    Snowball {
        stemmer: rust_stemmers::Stemmer,
        /// The code of its lunr-languages file (`fr`: `lunr.fr.min.js`).
        lunr_code: &'static str,
    },
}

struct Inner {
    language: String,
    stemmer_name: String,
    stemmer: Stemmer,
    elisions: BTreeSet<String>,
    /// In file order, applied after decomposition.
    folding: Vec<(String, String)>,
    /// Folded ([`Inner::fold`]).
    stop_words: BTreeSet<String>,
}

/// One language's search analysis (see the module documentation).
#[derive(Clone)]
pub struct Analysis(Rc<Inner>);

impl Analysis {
    /// The analysis of `language` from `theme/search/<language>.toml` of
    /// the book at `root`; `None` without that file (the language keeps
    /// mdBook's English index).
    pub fn load(root: &Path, language: &str) -> Result<Option<Analysis>> {
        let path = (BookLayout::load(root)?.theme_dir)
            .join(ANALYSIS_DIR)
            .join(format!("{language}.toml"));
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
        };
        Self::parse(&text, &path, language).map(Some)
    }

    /// Reads an analysis file's `text` (`path` names it in errors).
    pub fn parse(text: &str, path: &Path, language: &str) -> Result<Analysis> {
        let file: AnalysisFile = toml::from_str(text).map_err(|error| {
            let line = error
                .span()
                .map_or(1, |span| line_of_offset(text, span.start));
            anyhow::anyhow!("{}", Problem::at(path, line, error.message().to_string()))
        })?;
        let name = file.stemmer.get_ref().clone();
        let stemmer = if name == "porter" {
            let english = elasticlunr::lang::English::new().make_pipeline();
            let porter = (english.queue.into_iter())
                .find(|function| function.name() == "stemmer")
                .context("elasticlunr's English pipeline has no `stemmer`")?;
            Stemmer::Porter(porter)
        } else if let Some((_, algorithm, lunr_code)) =
            SNOWBALL.iter().find(|(known, _, _)| *known == name)
        {
            Stemmer::Snowball {
                stemmer: rust_stemmers::Stemmer::create(*algorithm),
                lunr_code,
            }
        } else {
            let line = line_of_offset(text, file.stemmer.span().start);
            let known: Vec<&str> = SNOWBALL.iter().map(|(name, _, _)| *name).collect();
            let message = format!(
                "unknown stemmer `{name}`: `porter` or one of {}",
                known.join(", ")
            );
            bail!("{}", Problem::at(path, line, message));
        };
        let mut inner = Inner {
            language: language.to_string(),
            stemmer_name: name,
            stemmer,
            elisions: file.elisions.into_iter().collect(),
            folding: file.folding.into_iter().collect(),
            stop_words: BTreeSet::new(),
        };
        inner.stop_words = file
            .stop_words
            .iter()
            .map(|word| inner.fold(word))
            .collect();
        Ok(Analysis(Rc::new(inner)))
    }

    /// The tokens of `text` as the index holds them.
    pub fn analyze(&self, text: &str) -> Vec<String> {
        tokenize(text)
            .iter()
            .filter_map(|token| self.0.analyze_token(token))
            .collect()
    }

    /// The label of the analysis in the index's pipeline, under which the
    /// browser registers its side.
    pub fn pipeline_label(&self) -> String {
        format!("bookAnalysis-{}", self.0.language)
    }
}

/// Cuts `text` into lower-case tokens at anything but a letter, a digit, a
/// mark, `_` or an apostrophe (`'` or `’`). elasticlunr.js splits the query
/// the same way (`analysis.js` sets its separator to the complement of
/// these: `char::is_alphanumeric` is `\p{Alphabetic}` or `\p{N}`).
pub fn tokenize(text: &str) -> Vec<String> {
    text.split(|c: char| !is_word_char(c))
        .filter(|token| !token.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c) || matches!(c, '_' | '\'' | '’')
}

impl Inner {
    /// One token of [`tokenize`] as the index holds it; `None` when it is
    /// dropped (a stop word, nothing left once trimmed).
    fn analyze_token(&self, token: &str) -> Option<String> {
        let token: String = token
            .to_lowercase()
            .nfc()
            .collect::<String>()
            .replace('’', "'");
        let mut token = token.trim_matches('\'');
        if let Some((head, rest)) = token.split_once('\'') {
            if !rest.is_empty() && self.elisions.contains(head) {
                token = rest.trim_matches('\'');
            }
        }
        if token.is_empty() || self.stop_words.contains(&self.fold(token)) {
            return None;
        }
        let stemmed = match &self.stemmer {
            // The two ports of Porter's stemmer (elasticlunr-rs's, and
            // elasticlunr.js's in the browser) differ on letters beyond
            // ASCII (`straße`): they stem English words written in ASCII.
            Stemmer::Porter(porter) if token.is_ascii() => porter.filter(token.to_string())?,
            Stemmer::Porter(_) => token.to_string(),
            Stemmer::Snowball { stemmer, .. } => stemmer.stem(token).into_owned(),
        };
        let folded = self.fold(&stemmed);
        (!folded.is_empty()).then_some(folded)
    }

    /// Compatibility decomposition without its marks, then the language's
    /// own foldings.
    fn fold(&self, word: &str) -> String {
        let mut folded: String = word.nfkd().filter(|c| !is_combining_mark(*c)).collect();
        for (from, to) in &self.folding {
            folded = folded.replace(from.as_str(), to);
        }
        folded
    }
}

/// The analysis as elasticlunr-rs's language: [`tokenize`] and one
/// pipeline function, [`Analysis::pipeline_label`].
impl Language for Analysis {
    fn name(&self) -> String {
        self.pipeline_label()
    }

    fn code(&self) -> String {
        self.0.language.clone()
    }

    fn tokenize(&self, text: &str) -> Vec<String> {
        tokenize(text)
    }

    fn make_pipeline(&self) -> Pipeline {
        Pipeline {
            queue: vec![Box::new(self.clone())],
        }
    }
}

impl PipelineFn for Analysis {
    fn name(&self) -> String {
        self.pipeline_label()
    }

    fn filter(&self, token: String) -> Option<String> {
        self.0.analyze_token(&token)
    }
}

/// mdBook's `searchindex.js`: `window.search = Object.assign(window.search,
/// JSON.parse('<json>'));`, the JSON's `\` and `'` escaped.
const INDEX_START: &str = "window.search = Object.assign(window.search, JSON.parse('";
const INDEX_END: &str = "'));";

/// Rebuilds the search index mdBook wrote into `language_dir` with
/// `analysis`, and puts the browser side of the analysis in front of it
/// (`theme_dir` holds `analysis.js` and the vendored stemmers).
pub fn rebuild_index(language_dir: &Path, theme_dir: &Path, analysis: &Analysis) -> Result<()> {
    let path = index_file(language_dir)?;
    let written =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut search =
        read_index_js(&written).with_context(|| format!("reading {}", path.display()))?;
    let docs = search
        .pointer("/index/documentStore/docs")
        .and_then(serde_json::Value::as_object)
        .with_context(|| format!("{} has no documents (documentStore.docs)", path.display()))?;
    // In mdBook's order, by number.
    let docs: BTreeMap<usize, &serde_json::Value> = (docs.iter())
        .map(|(reference, doc)| {
            let number = reference.parse().ok().filter(|_| doc.is_object());
            let error = || {
                format!(
                    "{}: the document `{reference}` is not mdBook's",
                    path.display()
                )
            };
            Ok((number.with_context(error)?, doc))
        })
        .collect::<Result<_>>()?;
    let mut index = IndexBuilder::with_language(Box::new(analysis.clone()))
        .add_fields(FIELDS)
        .build();
    for (number, doc) in docs {
        let fields = FIELDS.map(|field| doc[field].as_str().unwrap_or(""));
        index.add_doc(&number.to_string(), fields);
    }
    search["index"] = serde_json::to_value(&index)?;

    let inner = &analysis.0;
    let snowball = match &inner.stemmer {
        Stemmer::Porter(_) => None,
        Stemmer::Snowball { lunr_code, .. } => Some(*lunr_code),
    };
    // `analysis.js`, the vendored stemmer, then what `bookSearch.install`
    // of `analysis.js` needs.
    let mut script = String::new();
    let stemmer = (snowball.into_iter())
        .flat_map(|code| ["stemmer.support", code])
        .map(|name| format!("lunr-languages/lunr.{name}.min.js"));
    let sources = std::iter::once("analysis.js".to_string()).chain(stemmer);
    for source in sources {
        let file = theme_dir.join(ANALYSIS_DIR).join(&source);
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        script.push_str(text.trim_end());
        script.push('\n');
    }
    let data = serde_json::json!({
        "language": inner.language,
        "label": analysis.pipeline_label(),
        "stemmer": inner.stemmer_name,
        "snowball": snowball,
        "elisions": inner.elisions,
        "folding": inner.folding,
        "stopWords": inner.stop_words,
    });
    script.push_str(&format!("window.bookSearch.install({data});\n"));
    let json = serde_json::to_string(&search)?;
    script.push_str(INDEX_START);
    script.push_str(&json.replace('\\', "\\\\").replace('\'', "\\'"));
    script.push_str(INDEX_END);
    std::fs::write(&path, &script).with_context(|| format!("writing {}", path.display()))
}

fn read_index_js(script: &str) -> Result<serde_json::Value> {
    let start = script
        .find(INDEX_START)
        .context("not mdBook's searchindex.js (no `JSON.parse('`)")?
        + INDEX_START.len();
    let end = script.rfind(INDEX_END).filter(|end| *end >= start);
    let escaped = &script[start..end.context("no `'));` after the index")?];
    // Every `\` escapes the character after it.
    let json = regex::Regex::new(r"(?s)\\(.)")?.replace_all(escaped, "$1");
    Ok(serde_json::from_str(&json)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn french() -> Analysis {
        let text = "stemmer = \"french\"\nelisions = [\"d\", \"l\", \"qu\"]\n\
                    folding = { \"œ\" = \"oe\" }\nstop-words = [\"de\", \"été\", \"l\"]\n";
        Analysis::parse(text, Path::new("fr.toml"), "fr").unwrap()
    }

    #[test]
    fn accents_elisions_and_inflections_meet() {
        let french = french();
        for (typed, text) in [
            ("arret", "arrêt"),
            ("requetes", "Requêtes"),
            ("demarrez", "Démarrer"),
            ("interblocage", "d’interblocage"),
            ("interblocage", "d'Interblocage"),
            ("coeur", "cœur"),
        ] {
            assert_eq!(
                french.analyze(typed),
                french.analyze(text),
                "{typed} / {text}"
            );
            assert_eq!(french.analyze(text).len(), 1, "{text}");
        }
        assert!(french.analyze("de ete l'").is_empty());
    }

    #[test]
    fn code_is_cut_at_punctuation() {
        assert_eq!(
            tokenize("GroupeTaches::new(4); self.worker_id"),
            ["groupetaches", "new", "4", "self", "worker_id"]
        );
    }

    #[test]
    fn an_unknown_stemmer_is_named_with_its_line() {
        let text = "elisions = []\nstop-words = []\nstemmer = \"klingon\"\n";
        let error = Analysis::parse(text, Path::new("x.toml"), "x")
            .err()
            .unwrap()
            .to_string();
        assert!(
            error.contains("x.toml:3") && error.contains("klingon"),
            "{error}"
        );
    }

    #[test]
    fn reads_back_what_mdbook_escapes() {
        let json = r#"{"a":"it's \"q\" \\ x"}"#;
        let script = format!(
            "{INDEX_START}{}{INDEX_END}",
            json.replace('\\', "\\\\").replace('\'', "\\'")
        );
        assert_eq!(
            read_index_js(&script).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }
}
