//! The bilingual site: its links, its pages in each language without
//! JavaScript, a reader's session in a real browser, and Lighthouse's
//! audits.

mod browser;
mod lighthouse;
mod links;
mod localized;
mod tools;

pub fn trials() -> Vec<libtest_mimic::Trial> {
    let mut trials = links::trials();
    trials.extend(localized::trials());
    trials.extend(browser::trials());
    trials.extend(lighthouse::trials());
    trials.extend(tools::trials());
    trials
}
