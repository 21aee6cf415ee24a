//! A readable line diff (longest common subsequence), for stale transcripts.

/// How many unchanged lines are shown around a change.
const CONTEXT: usize = 2;

enum Step<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The differences between `old` and `new` as `-`/`+` lines with a little
/// context, each hunk headed by `@@ <old line> @@`; empty when equal.
pub fn diff(old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let steps = steps(&old_lines, &new_lines);
    let changed: Vec<bool> = steps.iter().map(|s| !matches!(s, Step::Same(_))).collect();
    let near_change = |index: usize| {
        let from = index.saturating_sub(CONTEXT);
        let to = (index + CONTEXT + 1).min(steps.len());
        changed[from..to].iter().any(|&c| c)
    };

    let mut text = String::new();
    let mut old_line = 1;
    let mut in_hunk = false;
    for (index, step) in steps.iter().enumerate() {
        if near_change(index) {
            if !in_hunk {
                text.push_str(&format!("@@ line {old_line} @@\n"));
                in_hunk = true;
            }
            let (mark, line) = match step {
                Step::Same(line) => (' ', line),
                Step::Removed(line) => ('-', line),
                Step::Added(line) => ('+', line),
            };
            text.push_str(&format!("{mark}{line}\n"));
        } else {
            in_hunk = false;
        }
        if !matches!(step, Step::Added(_)) {
            old_line += 1;
        }
    }
    if old.ends_with('\n') != new.ends_with('\n') && !old.is_empty() && !new.is_empty() {
        text.push_str("(the two differ in the final newline)\n");
    }
    text
}

fn steps<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Step<'a>> {
    // lengths[i][j]: longest common subsequence of old[i..] and new[j..].
    let mut lengths = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lengths[i][j] = if old[i] == new[j] {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut steps = Vec::new();
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            steps.push(Step::Same(old[i]));
            i += 1;
            j += 1;
        } else if i < old.len() && (j == new.len() || lengths[i + 1][j] >= lengths[i][j + 1]) {
            steps.push(Step::Removed(old[i]));
            i += 1;
        } else {
            steps.push(Step::Added(new[j]));
            j += 1;
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nc\nD\ne\nf\ng\n";
        assert_eq!(diff(old, new), "@@ line 2 @@\n b\n c\n-d\n+D\n e\n f\n");
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(diff("x\ny\n", "x\ny\n"), "");
    }

    #[test]
    fn additions_at_the_end() {
        assert_eq!(diff("a\n", "a\nb\n"), "@@ line 1 @@\n a\n+b\n");
    }
}
