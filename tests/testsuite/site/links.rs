//! The built site, every language (the source language at the root, the
//! others under `<code>/`): every internal link and `#anchor` of every page
//! resolves, resolved as a browser does, `<base href>` included.

use booktools::site::links::check_site_links;
use graceful_shutdown_book::book_fixture::TempBook;
use graceful_shutdown_book::site_fixture::BuiltSite;

fn every_internal_link_and_anchor_of_the_built_site_resolves() {
    let site = BuiltSite::of_repository().unwrap();
    let checked =
        check_site_links(site.dir(), &site.plan.site_url).unwrap_or_else(|e| panic!("{e:#}"));
    // Every page links its style sheets, scripts, table of contents and
    // heading anchors: a handful of links would mean pages went missing.
    let pages = walkdir::WalkDir::new(site.dir())
        .into_iter()
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "html"))
        .count();
    assert!(
        checked > 10 * pages,
        "only {checked} internal links in {pages} pages"
    );
    for language in &site.plan.languages {
        let dir = site.language_dir(language);
        for page in [
            "index.html",
            "ch20-03-graceful-shutdown-and-cleanup.html",
            "404.html",
        ] {
            assert!(
                dir.join(page).is_file(),
                "no {page} in the `{language}` site"
            );
        }
    }
}

fn a_link_to_a_missing_anchor_fails_the_check_in_every_language() {
    let book = TempBook::copy_of_repository().unwrap();
    // A paragraph the catalog does not translate stays as written, link
    // included, in every language.
    let front_page = book.root().join("src/README.md");
    let mut text = std::fs::read_to_string(&front_page).unwrap();
    text.push_str("\nSee [the end](ch20-03-graceful-shutdown-and-cleanup.md#no-such-heading).\n");
    std::fs::write(&front_page, text).unwrap();
    let site = BuiltSite::of_book(book.root()).unwrap();
    let error = check_site_links(site.dir(), &site.plan.site_url)
        .unwrap_err()
        .to_string();
    for language in &site.plan.languages {
        let page = format!("{}index.html", site.plan.url_path(language));
        let line = format!(
            "{page}: <a href=\"ch20-03-graceful-shutdown-and-cleanup.html#no-such-heading\">: \
             {}ch20-03-graceful-shutdown-and-cleanup.html has no id `no-such-heading`",
            site.plan.url_path(language)
        );
        assert!(error.contains(&line), "no {line:?} in:\n{error}");
    }
}

crate::trials!(
    every_internal_link_and_anchor_of_the_built_site_resolves,
    a_link_to_a_missing_anchor_fails_the_check_in_every_language
);
