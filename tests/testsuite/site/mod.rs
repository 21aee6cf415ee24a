//! The bilingual site: its links, and a reader's session in a real browser.

mod browser;
mod links;

pub fn trials() -> Vec<libtest_mimic::Trial> {
    let mut trials = links::trials();
    trials.extend(browser::trials());
    trials
}
