//! The code wrapped around a block to compile it (skeptic templates): an
//! empty `main` after a library, the listing's library after a program,
//! `fn main` around code written in the chapter.

use super::origin::{FileRole, ListingFile, Origin};
use anyhow::{Context, Result};

/// Code wrapped around a block to make it a program, as a skeptic template
/// (`skt-<name>`): `before` + the block's code + `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The template's name (`library`, `binary`, `main`).
    pub name: String,
    /// Code put before the block.
    pub before: String,
    /// Code put after the block.
    pub after: String,
}

impl Template {
    /// The template as skeptic reads it: a `format!` string with `{}` where
    /// the block goes.
    pub fn skeptic_text(&self) -> String {
        format!(
            "{}{{}}{}",
            escape_braces(&self.before),
            escape_braces(&self.after)
        )
    }
}

fn escape_braces(code: &str) -> String {
    code.replace('{', "{{").replace('}', "}}")
}

/// The code wrapped around a block, from the file it shows.
pub(super) fn template_for(origin: &Origin, complete: &str) -> Result<Option<Template>> {
    match origin {
        Origin::Inline => Ok((!complete.contains("fn main")).then(|| Template {
            name: "main".to_string(),
            before: "fn main() {\n".to_string(),
            after: "}\n".to_string(),
        })),
        Origin::Listing(file) => match file.role() {
            FileRole::Library => Ok(Some(Template {
                name: "library".to_string(),
                before: String::new(),
                after: format!(
                    "\n// Added for the test: {} of `{}` compiled as a program.\nfn main() {{}}\n",
                    file.file.display(),
                    file.package
                ),
            })),
            FileRole::Binary => binary_template(file),
        },
    }
}

/// The code added after a program: its listing's library as a module named
/// like the crate (`mod salutations { ... }`), so `use salutations::...`
/// resolves to this listing's library; and an empty module for the crate of
/// each other language (`mod hello {}`), so a program of one language that
/// uses another language's crate does not compile, even where a crate of
/// that name is available (skeptic passes every dependency of the root
/// package, which may include a listing crate, to rustc; a local module
/// takes precedence over such a crate).
fn binary_template(file: &ListingFile) -> Result<Option<Template>> {
    let mut after = String::new();
    let library = file.crate_dir.join("src/lib.rs");
    if library.is_file() {
        let code = std::fs::read_to_string(&library)
            .with_context(|| format!("reading {}", library.display()))?;
        let module = file.package.replace('-', "_");
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
    Ok((!after.is_empty()).then(|| Template {
        name: "binary".to_string(),
        before: String::new(),
        after,
    }))
}
