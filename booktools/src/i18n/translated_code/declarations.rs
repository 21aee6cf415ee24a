//! The names the listings of one language declare, read with syn: types,
//! enum variants, fields, functions and methods, type aliases, traits,
//! constants, modules, generic parameters and local bindings (`let`,
//! parameters, closure parameters, `for` and `match` patterns), and the
//! package name. Each type also knows its members (fields, variants,
//! associated items of its `impl` blocks), and the package knows the items
//! of its library, so a path such as `Worker::new` can be resolved.
//!
//! `use` items import names, they declare none. Code inside macro calls
//! (`println!`) is not parsed.

use crate::listings::Listing;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The library file of a listing crate, whose items the package exports.
const LIBRARY_FILE: &str = "src/lib.rs";

/// The declared names of one language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declarations {
    /// Every declared name.
    pub names: BTreeSet<String>,
    /// Owner (a type, a trait, the package) -> its members.
    pub members: BTreeMap<String, BTreeSet<String>>,
}

impl Declarations {
    /// The names declared by every `.rs` file of `listings` (one language).
    /// A file syn cannot parse is an error naming its file and line.
    pub fn of_listings(listings: &[Listing]) -> Result<Self> {
        let mut declarations = Self::default();
        for listing in listings {
            declarations.names.insert(listing.package.clone());
            for entry in walkdir::WalkDir::new(&listing.dir)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|entry| !(entry.depth() > 0 && entry.file_name() == "target"))
            {
                let entry = entry.with_context(|| format!("listing {}", listing.dir.display()))?;
                let path = entry.path();
                if !entry.file_type().is_file()
                    || path.extension().is_none_or(|extension| extension != "rs")
                {
                    continue;
                }
                let file = parse_file(path)?;
                if path.strip_prefix(&listing.dir).ok() == Some(Path::new(LIBRARY_FILE)) {
                    declarations
                        .members
                        .entry(listing.package.clone())
                        .or_default()
                        .extend(file.items.iter().filter_map(item_name));
                }
                declarations.add_file(file);
            }
        }
        Ok(declarations)
    }

    /// The names declared in Rust source text.
    pub fn of_source(source: &str) -> syn::Result<Self> {
        let mut declarations = Self::default();
        declarations.add_file(syn::parse_file(source)?);
        Ok(declarations)
    }

    fn add_file(&mut self, file: syn::File) {
        Collector { into: self }.file(&file);
    }

    /// True when the listings declare `name`.
    pub fn declares(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    /// The members of `owner`, if it is a type, trait or package of the
    /// listings.
    pub fn members_of(&self, owner: &str) -> Option<&BTreeSet<String>> {
        self.members.get(owner)
    }

    fn member(&mut self, owner: &str, name: &syn::Ident) {
        let name = name.to_string();
        self.names.insert(name.clone());
        self.members
            .entry(owner.to_string())
            .or_default()
            .insert(name);
    }

    fn name(&mut self, name: &syn::Ident) {
        self.names.insert(name.to_string());
    }
}

fn parse_file(path: &Path) -> Result<syn::File> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    syn::parse_file(&text).map_err(|error| {
        let start = error.span().start();
        anyhow::anyhow!(
            "{}:{}: syn cannot parse this listing file: {error}",
            path.display(),
            start.line
        )
    })
}

/// The name an item declares, if any.
fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(item) => &item.ident,
        syn::Item::Enum(item) => &item.ident,
        syn::Item::Fn(item) => &item.sig.ident,
        syn::Item::Mod(item) => &item.ident,
        syn::Item::Static(item) => &item.ident,
        syn::Item::Struct(item) => &item.ident,
        syn::Item::Trait(item) => &item.ident,
        syn::Item::Type(item) => &item.ident,
        syn::Item::Union(item) => &item.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

/// The last segment of a type path (`ThreadPool` in `impl Drop for ThreadPool`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Walks a parsed file for declarations (syn's `visit` feature is not
/// enabled in the workspace, so the walk is written out: items, their
/// signatures and bodies, and every pattern of every expression).
struct Collector<'a> {
    into: &'a mut Declarations,
}

impl Collector<'_> {
    fn file(&mut self, file: &syn::File) {
        for item in &file.items {
            self.item(item);
        }
    }

    fn item(&mut self, item: &syn::Item) {
        if let Some(name) = item_name(item) {
            self.into.names.insert(name);
        }
        match item {
            syn::Item::Struct(item) => {
                let owner = item.ident.to_string();
                self.into.members.entry(owner.clone()).or_default();
                self.generics(&item.generics);
                for field in &item.fields {
                    if let Some(ident) = &field.ident {
                        self.into.member(&owner, ident);
                    }
                }
            }
            syn::Item::Union(item) => {
                let owner = item.ident.to_string();
                self.generics(&item.generics);
                for field in &item.fields.named {
                    if let Some(ident) = &field.ident {
                        self.into.member(&owner, ident);
                    }
                }
            }
            syn::Item::Enum(item) => {
                let owner = item.ident.to_string();
                self.generics(&item.generics);
                for variant in &item.variants {
                    self.into.member(&owner, &variant.ident);
                    for field in &variant.fields {
                        if let Some(ident) = &field.ident {
                            self.into.name(ident);
                        }
                    }
                }
            }
            syn::Item::Fn(item) => {
                self.signature(&item.sig);
                self.block(&item.block);
            }
            syn::Item::Impl(item) => {
                self.generics(&item.generics);
                let owner = type_name(&item.self_ty);
                for impl_item in &item.items {
                    let ident = match impl_item {
                        syn::ImplItem::Fn(f) => {
                            self.signature(&f.sig);
                            self.block(&f.block);
                            &f.sig.ident
                        }
                        syn::ImplItem::Const(c) => {
                            self.expr(&c.expr);
                            &c.ident
                        }
                        syn::ImplItem::Type(t) => &t.ident,
                        _ => continue,
                    };
                    match &owner {
                        Some(owner) => self.into.member(owner, ident),
                        None => self.into.name(ident),
                    }
                }
            }
            syn::Item::Trait(item) => {
                let owner = item.ident.to_string();
                self.into.members.entry(owner.clone()).or_default();
                self.generics(&item.generics);
                for trait_item in &item.items {
                    let ident = match trait_item {
                        syn::TraitItem::Fn(f) => {
                            self.signature(&f.sig);
                            if let Some(block) = &f.default {
                                self.block(block);
                            }
                            &f.sig.ident
                        }
                        syn::TraitItem::Const(c) => &c.ident,
                        syn::TraitItem::Type(t) => &t.ident,
                        _ => continue,
                    };
                    self.into.member(&owner, ident);
                }
            }
            syn::Item::Type(item) => self.generics(&item.generics),
            syn::Item::Const(item) => self.expr(&item.expr),
            syn::Item::Static(item) => self.expr(&item.expr),
            syn::Item::Mod(item) => {
                for item in item.content.iter().flat_map(|(_, items)| items) {
                    self.item(item);
                }
            }
            _ => {}
        }
    }

    fn generics(&mut self, generics: &syn::Generics) {
        for param in &generics.params {
            match param {
                syn::GenericParam::Type(ty) => self.into.name(&ty.ident),
                syn::GenericParam::Const(c) => self.into.name(&c.ident),
                syn::GenericParam::Lifetime(_) => {}
            }
        }
    }

    fn signature(&mut self, signature: &syn::Signature) {
        self.into.name(&signature.ident);
        self.generics(&signature.generics);
        for input in &signature.inputs {
            if let syn::FnArg::Typed(typed) = input {
                self.pat(&typed.pat);
            }
        }
    }

    fn block(&mut self, block: &syn::Block) {
        for stmt in &block.stmts {
            match stmt {
                syn::Stmt::Local(local) => {
                    self.pat(&local.pat);
                    if let Some(init) = &local.init {
                        self.expr(&init.expr);
                        if let Some((_, diverge)) = &init.diverge {
                            self.expr(diverge);
                        }
                    }
                }
                syn::Stmt::Item(item) => self.item(item),
                syn::Stmt::Expr(expr, _) => self.expr(expr),
                syn::Stmt::Macro(_) => {}
            }
        }
    }

    /// Local bindings. A capitalised single-identifier pattern (`None`) is
    /// a constant or a variant, not a binding.
    fn pat(&mut self, pat: &syn::Pat) {
        match pat {
            syn::Pat::Ident(pat) => {
                let binding = pat
                    .ident
                    .to_string()
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase() || c == '_');
                if binding {
                    self.into.name(&pat.ident);
                }
                if let Some((_, sub)) = &pat.subpat {
                    self.pat(sub);
                }
            }
            syn::Pat::Or(pat) => pat.cases.iter().for_each(|case| self.pat(case)),
            syn::Pat::Paren(pat) => self.pat(&pat.pat),
            syn::Pat::Reference(pat) => self.pat(&pat.pat),
            syn::Pat::Slice(pat) => pat.elems.iter().for_each(|elem| self.pat(elem)),
            syn::Pat::Struct(pat) => pat.fields.iter().for_each(|field| self.pat(&field.pat)),
            syn::Pat::Tuple(pat) => pat.elems.iter().for_each(|elem| self.pat(elem)),
            syn::Pat::TupleStruct(pat) => pat.elems.iter().for_each(|elem| self.pat(elem)),
            syn::Pat::Type(pat) => self.pat(&pat.pat),
            _ => {}
        }
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e syn::Expr>) {
        for expr in exprs {
            self.expr(expr);
        }
    }

    fn expr(&mut self, expr: &syn::Expr) {
        use syn::Expr;
        match expr {
            Expr::Array(e) => self.exprs(&e.elems),
            Expr::Assign(e) => self.exprs([&*e.left, &*e.right]),
            Expr::Async(e) => self.block(&e.block),
            Expr::Await(e) => self.expr(&e.base),
            Expr::Binary(e) => self.exprs([&*e.left, &*e.right]),
            Expr::Block(e) => self.block(&e.block),
            Expr::Break(e) => self.exprs(e.expr.as_deref()),
            Expr::Call(e) => {
                self.expr(&e.func);
                self.exprs(&e.args);
            }
            Expr::Cast(e) => self.expr(&e.expr),
            Expr::Closure(e) => {
                e.inputs.iter().for_each(|input| self.pat(input));
                self.expr(&e.body);
            }
            Expr::Const(e) => self.block(&e.block),
            Expr::Field(e) => self.expr(&e.base),
            Expr::ForLoop(e) => {
                self.pat(&e.pat);
                self.expr(&e.expr);
                self.block(&e.body);
            }
            Expr::Group(e) => self.expr(&e.expr),
            Expr::If(e) => {
                self.expr(&e.cond);
                self.block(&e.then_branch);
                if let Some((_, otherwise)) = &e.else_branch {
                    self.expr(otherwise);
                }
            }
            Expr::Index(e) => self.exprs([&*e.expr, &*e.index]),
            Expr::Let(e) => {
                self.pat(&e.pat);
                self.expr(&e.expr);
            }
            Expr::Loop(e) => self.block(&e.body),
            Expr::Match(e) => {
                self.expr(&e.expr);
                for arm in &e.arms {
                    self.pat(&arm.pat);
                    if let Some((_, guard)) = &arm.guard {
                        self.expr(guard);
                    }
                    self.expr(&arm.body);
                }
            }
            Expr::MethodCall(e) => {
                self.expr(&e.receiver);
                self.exprs(&e.args);
            }
            Expr::Paren(e) => self.expr(&e.expr),
            Expr::Range(e) => self.exprs(e.start.iter().chain(&e.end).map(|e| &**e)),
            Expr::RawAddr(e) => self.expr(&e.expr),
            Expr::Reference(e) => self.expr(&e.expr),
            Expr::Repeat(e) => self.exprs([&*e.expr, &*e.len]),
            Expr::Return(e) => self.exprs(e.expr.as_deref()),
            Expr::Struct(e) => {
                self.exprs(e.fields.iter().map(|field| &field.expr));
                self.exprs(e.rest.as_deref());
            }
            Expr::Try(e) => self.expr(&e.expr),
            Expr::TryBlock(e) => self.block(&e.block),
            Expr::Tuple(e) => self.exprs(&e.elems),
            Expr::Unary(e) => self.expr(&e.expr),
            Expr::Unsafe(e) => self.block(&e.block),
            Expr::While(e) => {
                self.expr(&e.cond);
                self.block(&e.body);
            }
            Expr::Yield(e) => self.exprs(e.expr.as_deref()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_items_members_and_bindings() {
        let source = r#"
use std::thread;
pub struct Pool { workers: Vec<Worker>, sender: u8 }
type Job = Box<dyn FnOnce()>;
enum Message { NewJob(Job), Terminate, Named { inner: u8 } }
impl Pool {
    pub fn new<F: Fn()>(size: usize) -> Pool {
        let (sender, receiver) = (1, 2);
        for id in 0..size {}
        let run = |job: Job| job();
        match x { Some(found) => {}, None => {} }
        Pool { workers: vec![], sender }
    }
}
impl Drop for Pool { fn drop(&mut self) {} }
"#;
        let declarations = Declarations::of_source(source).unwrap();
        for name in [
            "Pool",
            "workers",
            "sender",
            "Job",
            "Message",
            "NewJob",
            "Terminate",
            "inner",
            "new",
            "F",
            "size",
            "receiver",
            "id",
            "run",
            "job",
            "found",
            "drop",
        ] {
            assert!(declarations.declares(name), "{name}: {declarations:?}");
        }
        for name in ["thread", "None", "Some", "x", "Worker", "std"] {
            assert!(!declarations.declares(name), "{name}");
        }
        let pool = declarations.members_of("Pool").unwrap();
        assert!(pool.contains("new") && pool.contains("drop") && pool.contains("workers"));
        let message = declarations.members_of("Message").unwrap();
        assert!(message.contains("Terminate") && !message.contains("inner"));
    }
}
