//! The bilingual site: its links, its pages in each language without
//! JavaScript, and a reader's session in a real browser.

mod browser;
mod links;
mod localized;

pub fn trials() -> Vec<libtest_mimic::Trial> {
    let mut trials = links::trials();
    trials.extend(localized::trials());
    trials.extend(browser::trials());
    trials
}
