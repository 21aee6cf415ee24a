//! Where a block is written in the book, which listing file it shows (read
//! from its include directive before mdBook's `links` expands it), and the
//! template that makes a program of it.

use super::Template;
use crate::languages::BookLayout;
use crate::listings::expectations::{listing_trees, FencedBlock};
use crate::listings::{package_field, Listing};
use anyhow::{bail, Context, Result};
use mdbook_listings::directive::find_directives;
use mdbook_listings::trees::normalize;
use std::path::{Path, PathBuf};

/// The listing file a block shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingFile {
    /// The listing crate of the page's language.
    pub listing: Listing,
    /// The file inside the crate (`src/lib.rs`).
    pub file: PathBuf,
    /// `[package] edition` of the crate (`2015` when unset).
    pub edition: String,
    /// The directive as the chapter has it before `links`.
    pub directive: String,
    /// The package names of the same listing in the other languages' trees
    /// (`hello` for a `salutations` listing).
    pub other_packages: Vec<String>,
}

/// Reads where the block comes from in the chapter before `links`: the
/// listing file of the page's language it includes, `None` for code written
/// in the chapter.
pub(super) fn origin_of(
    layout: &BookLayout,
    listings: &[Listing],
    language: &str,
    chapter: &Path,
    location: &str,
    source: &FencedBlock,
) -> Result<Option<ListingFile>> {
    let at = format!("{location} (`{language}` book)");
    let directive = match find_directives(&source.body).as_slice() {
        [] => return Ok(None),
        [only] if source.body.trim() == only.text(&source.body) => only.clone(),
        _ => bail!(
            "{at}: a Rust block must hold either code or exactly one include directive, and \
             nothing else; found:\n{}",
            source.body
        ),
    };
    let text = directive.text(&source.body).to_string();
    let written = Path::new(&directive.path);
    let in_root = match written.strip_prefix(&layout.root) {
        Ok(inside) => normalize(inside),
        Err(_) if written.is_absolute() => written.to_path_buf(),
        Err(_) => normalize(&chapter.parent().unwrap_or(Path::new("")).join(written)),
    };
    let tree_of_page = layout
        .language(language)
        .map_or("?", |l| l.tree_setting.as_str());
    let must =
        format!("a `{language}` page must show code of the `{language}` tree `{tree_of_page}`");
    let inside = match listing_trees(layout).locate(&in_root) {
        Some((tree_language, inside)) if tree_language == language => inside,
        Some((tree_language, _)) => bail!(
            "{at}: {text} shows {}, a file of the `{tree_language}` listing tree; {must}",
            in_root.display()
        ),
        None => bail!(
            "{at}: {text} shows {}, which is in no listing tree; {must}",
            in_root.display()
        ),
    };
    let tree = layout.root.join(tree_of_page);
    let file = tree.join(inside);
    let canonical = |path: &Path| {
        (path.canonicalize()).with_context(|| format!("resolving {}", path.display()))
    };
    let real_file = canonical(&file)?;
    if !real_file.starts_with(canonical(&tree)?) {
        bail!(
            "{at}: {text} shows {}, which is really {}, outside the `{language}` listing tree \
             `{tree_of_page}`",
            in_root.display(),
            real_file.display()
        );
    }
    let same_language = |l: &&Listing| l.language == language;
    let Some(listing) = (listings.iter().filter(same_language)).find(|l| file.starts_with(&l.dir))
    else {
        bail!(
            "{at}: {text} shows {}, which is in no listing crate (no \
             <chapter>/<listing>/Cargo.toml above it in the `{language}` tree)",
            in_root.display()
        );
    };
    let mut other_packages: Vec<String> = (listings.iter())
        .filter(|l| (&l.chapter, &l.name) == (&listing.chapter, &listing.name))
        .filter(|l| l.package != listing.package)
        .map(|l| l.package.clone())
        .collect();
    other_packages.sort();
    other_packages.dedup();
    let manifest = listing.dir.join("Cargo.toml");
    Ok(Some(ListingFile {
        file: file.strip_prefix(&listing.dir)?.to_path_buf(),
        edition: package_field(&manifest, "edition")?.unwrap_or_else(|| "2015".into()),
        listing: listing.clone(),
        directive: text,
        other_packages,
    }))
}

/// The code wrapped around a block, from the file it shows (`complete` is
/// its code with hidden lines unhidden).
///
/// A program (an integration test under `tests/` too, which gets an empty
/// `main`) gets its listing's library as a module named like the crate
/// (`mod salutations { ... }`), so `use salutations::...` resolves to this
/// listing's library, and an empty module for the crate of each other
/// language (`mod hello {}`), so a program of one language that uses another
/// language's crate does not compile, even where a crate of that name is
/// available (skeptic passes every dependency of the root package to rustc;
/// a local module takes precedence over such a crate).
pub(super) fn template_for(
    origin: Option<&ListingFile>,
    complete: &str,
) -> Result<Option<Template>> {
    let Some(file) = origin else {
        return Ok((!complete.contains("fn main")).then(|| Template {
            name: "main",
            before: "fn main() {\n".into(),
            after: "}\n".into(),
        }));
    };
    // An integration test uses the library as a program does, and has no
    // `main` of its own.
    let is_test = file.file.starts_with("tests");
    let is_program = file.file == Path::new("src/main.rs")
        || file.file.starts_with("src/bin")
        || file.file.starts_with("examples")
        || is_test;
    let main = format!(
        "\n// Added for the test: {} of `{}` compiled as a program.\nfn main() {{}}\n",
        file.file.display(),
        file.listing.package
    );
    if !is_program {
        let (name, before) = ("library", String::new());
        return Ok(Some(Template {
            name,
            before,
            after: main,
        }));
    }
    let mut after = if is_test { main } else { String::new() };
    let library = file.listing.dir.join("src/lib.rs");
    if library.is_file() {
        let code = std::fs::read_to_string(&library)
            .with_context(|| format!("reading {}", library.display()))?;
        let module = file.listing.package.replace('-', "_");
        after.push_str(&format!(
            "\n// Added for the test: the library of this listing ({}), as the crate \
             `{module}` the program uses.\nmod {module} {{\n{code}}}\n",
            library.display()
        ));
    }
    for other in &file.other_packages {
        let module = other.replace('-', "_");
        after.push_str(&format!(
            "\n// Added for the test: no crate `{module}` (another language's) here.\n\
             mod {module} {{}}\n"
        ));
    }
    Ok((!after.is_empty()).then_some(Template {
        name: "binary",
        before: String::new(),
        after,
    }))
}
