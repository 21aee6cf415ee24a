//! How close two messages are, to carry a translation over to an edited
//! message.
//!
//! The score is the Dice coefficient of the longest common subsequence of
//! words: `2 × LCS / (words of a + words of b)`, from 0 (nothing in common)
//! to 1 (the same words in the same order). Words, not characters: a
//! paragraph of the book has a few hundred characters but under a hundred
//! words, and a reworded sentence keeps most of its words in order.

/// A message at least this close to a removed one inherits its translation,
/// marked fuzzy (GNU `msgmerge` uses the same threshold on characters).
pub const FUZZY_THRESHOLD: f64 = 0.6;

/// The similarity of `a` and `b`, in `0.0..=1.0`.
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<&str> = a.split_whitespace().collect();
    let b: Vec<&str> = b.split_whitespace().collect();
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    2.0 * longest_common_subsequence(&a, &b) as f64 / total as f64
}

/// The best score `a` and `b` could reach, from their lengths alone: lets a
/// search skip candidates that cannot reach the threshold.
pub fn upper_bound(a: &str, b: &str) -> f64 {
    let a = a.split_whitespace().count();
    let b = b.split_whitespace().count();
    if a + b == 0 {
        return 1.0;
    }
    2.0 * a.min(b) as f64 / (a + b) as f64
}

/// Length of the longest common subsequence (two rows of the usual table).
fn longest_common_subsequence(a: &[&str], b: &[&str]) -> usize {
    let mut previous = vec![0; b.len() + 1];
    let mut current = vec![0; b.len() + 1];
    for word in a {
        for (j, other) in b.iter().enumerate() {
            current[j + 1] = if word == other {
                previous[j] + 1
            } else {
                current[j].max(previous[j + 1])
            };
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_messages_score_one_and_disjoint_ones_zero() {
        assert_eq!(similarity("a b c", "a b c"), 1.0);
        assert_eq!(similarity("a b c", "d e f"), 0.0);
        assert_eq!(similarity("", ""), 1.0);
    }

    #[test]
    fn an_edited_sentence_stays_above_the_threshold() {
        let old = "We then call join on each worker thread so it finishes its work.";
        let new = "We then call join on each worker thread so it can finish its work.";
        assert!(
            similarity(old, new) >= FUZZY_THRESHOLD,
            "{}",
            similarity(old, new)
        );
        let other = "The server accepts only two requests before it stops.";
        assert!(similarity(old, other) < FUZZY_THRESHOLD);
    }

    #[test]
    fn order_matters() {
        assert_eq!(similarity("a b", "b a"), 0.5);
    }

    #[test]
    fn the_upper_bound_is_never_below_the_score() {
        for (a, b) in [("a b c d", "a b"), ("x", "x y z"), ("a b", "c d")] {
            assert!(upper_bound(a, b) >= similarity(a, b));
        }
        assert!(upper_bound("a", "a b c d e f") < FUZZY_THRESHOLD);
    }
}
