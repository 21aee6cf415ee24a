//! Real server runs and the transcripts the book shows.

mod shutdown;
mod transcript;

use std::path::Path;

pub fn trials(root: &Path) -> Vec<libtest_mimic::Trial> {
    let mut trials = shutdown::trials(root);
    trials.extend(transcript::trials(root));
    trials
}
