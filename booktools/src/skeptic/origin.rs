//! Where a block is written in the book, which listing file it shows (read
//! from its include directive before mdBook's `links` expands it), and the
//! template that makes a program of it.

use super::Template;
use crate::languages::BookLayout;
use crate::listings::expectations::FencedBlock;
use crate::listings::{file_name, package_field, package_name, Listing};
use anyhow::{bail, Context, Result};
use mdbook_listings::directive::find_directives;
use mdbook_listings::trees::{normalize, ListingTrees};
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
    trees: &ListingTrees,
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
    let inside = match trees.locate(&in_root) {
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
    let Some(crate_dir) = (file.ancestors().skip(1))
        .take_while(|dir| dir.starts_with(&tree) && *dir != tree)
        .find(|dir| dir.join("Cargo.toml").is_file())
    else {
        bail!(
            "{at}: {text} shows {}, which is in no listing crate (no Cargo.toml above it in \
             the `{language}` tree)",
            in_root.display()
        );
    };
    let manifest = crate_dir.join("Cargo.toml");
    let package = package_name(&manifest)?;
    let crate_in_tree = crate_dir.strip_prefix(&tree)?;
    let mut other_packages = Vec::new();
    for other in layout.languages.iter().filter(|l| l.code != language) {
        let manifest = other.tree.join(crate_in_tree).join("Cargo.toml");
        if manifest.is_file() {
            let name = package_name(&manifest)?;
            if name != package && !other_packages.contains(&name) {
                other_packages.push(name);
            }
        }
    }
    Ok(Some(ListingFile {
        listing: Listing {
            language: language.to_string(),
            chapter: file_name(crate_dir.parent().unwrap_or(crate_dir)),
            name: file_name(crate_dir),
            dir: crate_dir.to_path_buf(),
            package,
        },
        file: file.strip_prefix(crate_dir)?.to_path_buf(),
        edition: package_field(&manifest, "edition")?.unwrap_or_else(|| "2015".into()),
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
