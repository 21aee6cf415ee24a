//! What the standard output of a graceful-shutdown run may say.
//!
//! [`story_problems`] holds for every run that can happen: it checks the
//! order the code imposes (one thread's lines in program order, a join
//! returning only after its worker ended). [`NarratedClaim`]s are what the
//! text says about the one run it shows; [`claim_problems`] checks a run
//! against them.

use crate::server::source::{Event, Kind, ServerSource};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The events of a run, with the line number of each.
struct Story(Vec<(usize, Event)>);

impl Story {
    /// Reads the lines, numbered from `first_line` (where they stand in
    /// their file); the problems list every line that is no message.
    fn read<S: AsRef<str>>(
        lines: &[S],
        first_line: usize,
        source: &ServerSource,
    ) -> (Self, Vec<String>) {
        let (mut events, mut problems) = (Vec::new(), Vec::new());
        for (line, text) in (first_line..).zip(lines.iter().map(AsRef::as_ref)) {
            match source.event(text) {
                Some(event) => events.push((line, event)),
                None => problems.push(format!(
                    "line {line} {text:?} is none of the listing's messages"
                )),
            }
        }
        (Self(events), problems)
    }

    /// The lines of the `kind` events (of `worker` only, if given).
    fn lines(&self, kind: Kind, worker: Option<usize>) -> Vec<usize> {
        let found = self
            .0
            .iter()
            .filter(|(_, e)| e.kind == kind && (worker.is_none() || e.worker == worker));
        found.map(|(line, _)| *line).collect()
    }

    /// The workers the `kind` events name, in order.
    fn workers(&self, kind: Kind) -> Vec<usize> {
        (self.0.iter())
            .filter(|(_, e)| e.kind == kind)
            .filter_map(|(_, e)| e.worker)
            .collect()
    }

    /// The line of the `kind` message (of `worker`), if there is exactly one.
    fn only(&self, kind: Kind, worker: Option<usize>) -> Option<usize> {
        match self.lines(kind, worker)[..] {
            [only] => Some(only),
            _ => None,
        }
    }
}

/// Every way `lines` (the standard output of one run, its first line at
/// line `first_line` of its file) breaks the rules that hold for any run of
/// the listing; empty when it is a possible run.
pub fn story_problems<S: AsRef<str>>(
    lines: &[S],
    first_line: usize,
    source: &ServerSource,
) -> Vec<String> {
    let (story, mut problems) = Story::read(lines, first_line, source);
    let (workers, connections) = (source.workers, source.connections);
    let jobs = story.workers(Kind::Job);
    let distinct: BTreeSet<usize> = jobs.iter().copied().collect();
    if jobs.len() != connections || distinct.len() != jobs.len() {
        problems.push(format!(
            "expected {connections} job lines from as many workers, found workers {jobs:?}"
        ));
    }
    if jobs.iter().any(|worker| *worker >= workers) {
        problems.push(format!(
            "a worker of {jobs:?} is not in the pool 0..{workers}"
        ));
    }
    let mut single = |kind| {
        let found = story.lines(kind, None);
        if found.len() != 1 {
            let message = source.message(kind);
            problems.push(format!(
                "expected one line {message:?}, found {}",
                found.len()
            ));
        }
        found.first().copied()
    };
    let notice = single(Kind::ShuttingDown);
    let sending = single(Kind::SendingTerminate);
    let all = single(Kind::ShuttingDownAll);
    let join_order = story.workers(Kind::Joining);
    if join_order != (0..workers).collect::<Vec<_>>() {
        problems.push(format!(
            "the pool joins workers 0..{workers} in order, found {join_order:?}"
        ));
    }
    // Each pair: the first line must come before the second.
    let first_join = story.lines(Kind::Joining, None).first().copied();
    let terminates = "the terminate messages";
    let mut order = vec![
        ("main's shutdown notice", notice, terminates, sending),
        (terminates, sending, "the joins", all),
        (
            "\"shutting down all workers\"",
            all,
            "the first join",
            first_join,
        ),
    ];
    for worker in 0..workers {
        let [told] = story.lines(Kind::Terminated, Some(worker))[..] else {
            let times = story.lines(Kind::Terminated, Some(worker)).len();
            problems.push(format!(
                "worker {worker} must be told to terminate exactly once, found {times} times"
            ));
            continue;
        };
        let next_join = story.only(Kind::Joining, Some(worker + 1));
        order.push((terminates, sending, "a worker terminates", Some(told)));
        order.push((
            "a worker terminates",
            Some(told),
            "its join returns",
            next_join,
        ));
        for job in story.lines(Kind::Job, Some(worker)) {
            order.push((
                "a worker's job",
                Some(job),
                "its terminate message",
                Some(told),
            ));
        }
    }
    for (first, first_line, second, second_line) in order {
        if let (Some(a), Some(b)) = (first_line, second_line) {
            if a > b {
                problems.push(format!(
                    "{first} must come before {second} (lines {a} and {b})"
                ));
            }
        }
    }
    problems
}

/// One sentence of the text about the run it shows, and what it states.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarratedClaim {
    /// The English sentence (or part of it), verbatim.
    pub quote: String,
    /// The set of workers that got the requests.
    pub workers_with_a_job: Option<Vec<usize>>,
    /// The join line of this worker precedes every terminate line.
    pub joined_before_any_terminate: Option<usize>,
    /// The terminate line of this worker follows its join line.
    pub not_terminated_when_joined: Option<usize>,
    /// Every worker's terminate line precedes this worker's join line.
    pub all_terminated_before_joining: Option<usize>,
    /// At least this many job lines come before `main`'s shutdown notice.
    pub job_lines_before_shutdown_notice: Option<usize>,
}

impl NarratedClaim {
    /// The part of the claim a run has settled once both jobs were handed
    /// to workers and `main` announced the shutdown: whatever the pool does
    /// afterwards is left out.
    pub fn settled_when_jobs_are_handed_out(&self) -> NarratedClaim {
        NarratedClaim {
            quote: self.quote.clone(),
            workers_with_a_job: self.workers_with_a_job.clone(),
            job_lines_before_shutdown_notice: self.job_lines_before_shutdown_notice,
            ..NarratedClaim::default()
        }
    }

    pub fn states_something(&self) -> bool {
        let quote = self.quote.clone();
        *self
            != NarratedClaim {
                quote,
                ..NarratedClaim::default()
            }
    }
}

/// Every claim of `claims` the run `lines` contradicts.
pub fn claim_problems<S: AsRef<str>>(
    lines: &[S],
    first_line: usize,
    source: &ServerSource,
    claims: &[NarratedClaim],
) -> Vec<String> {
    let (story, _) = Story::read(lines, first_line, source);
    let terminated = story.lines(Kind::Terminated, None);
    let (first_terminate, last_terminate) =
        (terminated.first().copied(), terminated.last().copied());
    let every_worker_terminated = terminated.len() == source.workers;
    let before = |a: Option<usize>, b: Option<usize>| matches!((a, b), (Some(a), Some(b)) if a < b);
    let shown = |line: Option<usize>| line.map_or("none".to_string(), |line| line.to_string());
    let mut problems = Vec::new();
    for claim in claims {
        let mut fails = |what: String| {
            problems.push(format!("the text says \"{}\", but {what}", claim.quote));
        };
        if let Some(expected) = &claim.workers_with_a_job {
            let expected: BTreeSet<usize> = expected.iter().copied().collect();
            let found: BTreeSet<usize> = story.workers(Kind::Job).into_iter().collect();
            if found != expected {
                fails(format!("workers {found:?} got the jobs"));
            }
        }
        // Each: the worker, the terminate line its join is compared with,
        // and whether the join must come first.
        let told = |worker| story.only(Kind::Terminated, Some(worker));
        let joins = [
            (claim.joined_before_any_terminate).map(|w| (w, first_terminate, "the first", true)),
            (claim.not_terminated_when_joined).map(|w| (w, told(w), "its", true)),
            (claim.all_terminated_before_joining).map(|w| (w, last_terminate, "the last", false)),
        ];
        for (worker, terminate, which, join_first) in joins.into_iter().flatten() {
            let join = story.only(Kind::Joining, Some(worker));
            let holds = match join_first {
                true => before(join, terminate),
                false => every_worker_terminated && before(terminate, join),
            };
            if !holds {
                let (join, terminate) = (shown(join), shown(terminate));
                fails(format!(
                    "the join of worker {worker} and {which} terminate message are at lines {join} and {terminate}"
                ));
            }
        }
        if let Some(expected) = claim.job_lines_before_shutdown_notice {
            let Some(notice) = story.only(Kind::ShuttingDown, None) else {
                fails("there is no single shutdown notice".to_string());
                continue;
            };
            let count = (story.lines(Kind::Job, None).iter())
                .filter(|job| **job < notice)
                .count();
            if count < expected {
                fails(format!(
                    "{count} job line(s) come before the shutdown notice (line {notice}), not at least {expected}"
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::source::sample_source;

    /// A possible run of the sample listing (3 workers, 2 connections).
    const RUN: [&str; 11] = [
        "W0 job\u{a0};",
        "W2 job\u{a0};",
        "Bye.",
        "Send all.",
        "All.",
        "Join 0",
        "W1 stop",
        "W2 stop",
        "W0 stop",
        "Join 1",
        "Join 2",
    ];

    /// [`RUN`] with the lines `a` and `b` swapped.
    fn swapped(a: &str, b: &str) -> Vec<&'static str> {
        let mut lines = RUN.to_vec();
        let at = |line| RUN.iter().position(|l| *l == line).unwrap();
        lines.swap(at(a), at(b));
        lines
    }

    #[test]
    fn possible_runs_pass_and_impossible_ones_are_caught() {
        let source = sample_source();
        let problems = |lines: &[&str]| story_problems(lines, 1, &source).len();
        assert_eq!(problems(&RUN), 0);
        // `main` may leave its loop before the second worker printed its job.
        assert_eq!(problems(&swapped("W2 job\u{a0};", "Bye.")), 0);
        assert_eq!(problems(&swapped("W0 stop", "Join 1")), 1);
        for (a, b) in [
            ("W1 stop", "Send all."),
            ("Join 1", "Join 2"),
            ("Bye.", "Send all."),
            ("W2 job\u{a0};", "W2 stop"),
        ] {
            assert!(problems(&swapped(a, b)) > 0, "{a} {b}");
        }
        for (index, wrong) in [(10, "W1 stop"), (1, "W0 job\u{a0};")] {
            let mut lines = RUN.to_vec();
            lines.insert(index, wrong);
            assert!(problems(&lines) > 0, "{lines:?}");
        }
        // Each line is read with the data's messages, no-break space included.
        for wrong in ["W1 job ;", "Join x", "hello"] {
            let lines = [&RUN[..], &[wrong]].concat();
            let expected = format!("line 12 {wrong:?} is none of the listing's messages");
            assert_eq!(story_problems(&lines, 1, &source), [expected]);
        }
    }

    fn claim(text: &str) -> NarratedClaim {
        toml::from_str(&format!("quote = 'q'\n{text}")).unwrap()
    }

    #[test]
    fn claims_are_checked_against_the_run() {
        let source = sample_source();
        let late_job = swapped("W2 job\u{a0};", "Bye.");
        let without_notice: Vec<&str> = late_job.iter().copied().filter(|l| *l != "Bye.").collect();
        for (lines, text, holds) in [
            (&RUN[..], "workers_with_a_job = [2, 0]", true),
            (&RUN, "workers_with_a_job = [0, 1]", false),
            (&RUN, "joined_before_any_terminate = 0", true),
            (&RUN, "joined_before_any_terminate = 1", false),
            (&RUN, "not_terminated_when_joined = 0", true),
            (&RUN, "not_terminated_when_joined = 2", false),
            (&RUN, "all_terminated_before_joining = 1", true),
            (&RUN, "all_terminated_before_joining = 0", false),
            (&RUN, "job_lines_before_shutdown_notice = 2", true),
            (&RUN, "job_lines_before_shutdown_notice = 3", false),
            (&late_job, "job_lines_before_shutdown_notice = 1", true),
            (
                &without_notice,
                "job_lines_before_shutdown_notice = 1",
                false,
            ),
        ] {
            let problems = claim_problems(lines, 1, &source, &[claim(text)]);
            assert_eq!(problems.is_empty(), holds, "{text}: {problems:?}");
            assert!(problems.iter().all(|p| p.contains("the text says \"q\"")));
        }
    }

    #[test]
    fn claims_read_strictly_and_their_settled_part_leaves_out_the_pool() {
        let settled = claim("workers_with_a_job = [0, 2]\njoined_before_any_terminate = 0")
            .settled_when_jobs_are_handed_out();
        assert_eq!(settled.workers_with_a_job, Some(vec![0, 2]));
        assert_eq!(settled.joined_before_any_terminate, None);
        let pool_only = claim("not_terminated_when_joined = 0");
        assert!(!pool_only
            .settled_when_jobs_are_handed_out()
            .states_something());
        assert!(toml::from_str::<NarratedClaim>("quote = 'q'\nworkers = [1]").is_err());
        assert!(!claim("").states_something());
    }
}
