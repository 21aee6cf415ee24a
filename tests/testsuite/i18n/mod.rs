//! The translations: catalogs, translated code, and the translator's workflow.

mod spelling;
mod translated_code;
mod translation;
mod translation_workflow;

pub fn trials() -> Vec<libtest_mimic::Trial> {
    let mut trials = translation::trials();
    trials.extend(spelling::trials());
    trials.extend(translated_code::trials());
    trials.extend(translation_workflow::trials());
    trials
}
