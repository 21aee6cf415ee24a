//! What the standard output of a graceful-shutdown run may say.
//!
//! [`story_problems`] holds for every run that can happen: it checks the
//! order the code imposes (one thread's lines in program order, a join
//! returning only after its worker ended). [`NarratedClaim`]s are what the
//! text says about the one run it shows; [`claim_problems`] checks a run
//! against them.

use crate::server::source::{Event, ServerSource};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The events of a run, with the index of the line of each.
#[derive(Debug, Clone, Default)]
pub struct Story {
    /// `(line index, event)` in output order.
    pub events: Vec<(usize, Event)>,
}

impl Story {
    /// Reads the lines; the problems list every line that is no message of
    /// the listing.
    pub fn read<S: AsRef<str>>(lines: &[S], source: &ServerSource) -> (Self, Vec<String>) {
        let mut story = Self::default();
        let mut problems = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            match source.event(line.as_ref()) {
                Some(event) => story.events.push((index, event)),
                None => problems.push(format!(
                    "line {} {:?} is none of the listing's messages",
                    index + 1,
                    line.as_ref()
                )),
            }
        }
        (story, problems)
    }

    /// The line indexes of the events `wanted` selects.
    fn lines_of(&self, wanted: impl Fn(&Event) -> bool) -> Vec<usize> {
        self.events
            .iter()
            .filter(|(_, event)| wanted(event))
            .map(|(index, _)| *index)
            .collect()
    }

    /// The workers that got a job, in output order.
    pub fn job_workers(&self) -> Vec<usize> {
        self.events
            .iter()
            .filter_map(|(_, event)| match event {
                Event::Job { worker } => Some(*worker),
                _ => None,
            })
            .collect()
    }

    /// The line of `Shutting down worker <worker>`.
    pub fn joining(&self, worker: usize) -> Option<usize> {
        self.only(|event| *event == Event::Joining { worker })
    }

    /// The line of `Worker <worker> was told to terminate.`.
    pub fn terminated(&self, worker: usize) -> Option<usize> {
        self.only(|event| *event == Event::Terminated { worker })
    }

    /// The lines of every terminate message.
    pub fn all_terminated(&self) -> Vec<usize> {
        self.lines_of(|event| matches!(event, Event::Terminated { .. }))
    }

    fn only(&self, wanted: impl Fn(&Event) -> bool) -> Option<usize> {
        match self.lines_of(wanted).as_slice() {
            [only] => Some(*only),
            _ => None,
        }
    }
}

/// Every way `lines` (the standard output of one run) breaks the rules
/// that hold for any run of the listing; empty when it is a possible run.
pub fn story_problems<S: AsRef<str>>(lines: &[S], source: &ServerSource) -> Vec<String> {
    let (story, mut problems) = Story::read(lines, source);
    let workers = source.setup.pool_size;
    let line = |index: usize| index + 1;

    let jobs = story.job_workers();
    let distinct: BTreeSet<usize> = jobs.iter().copied().collect();
    if jobs.len() != source.connection_limit || distinct.len() != jobs.len() {
        problems.push(format!(
            "expected {} job lines from {} different workers, found workers {jobs:?}",
            source.connection_limit, source.connection_limit
        ));
    }
    if let Some(worker) = jobs.iter().find(|worker| **worker >= workers) {
        problems.push(format!("worker {worker} is not in the pool 0..{workers}"));
    }

    let exactly_one = |problems: &mut Vec<String>, event: Event| -> Option<usize> {
        let found = story.lines_of(|e| *e == event);
        match found.as_slice() {
            [only] => Some(*only),
            _ => {
                problems.push(format!(
                    "expected one {event:?} line, found {}",
                    found.len()
                ));
                None
            }
        }
    };
    let shutting_down = exactly_one(&mut problems, Event::ShuttingDown);
    let sending = exactly_one(&mut problems, Event::SendingTerminate);
    let all = exactly_one(&mut problems, Event::ShuttingDownAll);
    if let (Some(shutting_down), Some(sending)) = (shutting_down, sending) {
        if shutting_down > sending {
            problems.push(format!(
                "main's shutdown notice (line {}) must precede the terminate messages (line {})",
                line(shutting_down),
                line(sending)
            ));
        }
    }
    if let (Some(sending), Some(all)) = (sending, all) {
        if sending > all {
            problems.push(format!(
                "the pool sends the terminate messages (line {}) before it joins (line {})",
                line(sending),
                line(all)
            ));
        }
    }

    let joins = story.lines_of(|event| matches!(event, Event::Joining { .. }));
    let join_order: Vec<usize> = story
        .events
        .iter()
        .filter_map(|(_, event)| match event {
            Event::Joining { worker } => Some(*worker),
            _ => None,
        })
        .collect();
    if join_order != (0..workers).collect::<Vec<_>>() {
        problems.push(format!(
            "the pool joins workers 0..{workers} in order, found {join_order:?}"
        ));
    }
    if let (Some(all), Some(first_join)) = (all, joins.first()) {
        if *first_join < all {
            problems.push(format!(
                "a worker is joined (line {}) before \"shutting down all workers\" (line {})",
                line(*first_join),
                line(all)
            ));
        }
    }

    for worker in 0..workers {
        let told = story.lines_of(|event| *event == Event::Terminated { worker });
        let [told] = told.as_slice() else {
            problems.push(format!(
                "worker {worker} must be told to terminate exactly once, found {} times",
                told.len()
            ));
            continue;
        };
        if let Some(sending) = sending {
            if *told < sending {
                problems.push(format!(
                    "worker {worker} terminated (line {}) before any terminate message was sent (line {})",
                    line(*told),
                    line(sending)
                ));
            }
        }
        if let Some(next_join) = story.joining(worker + 1) {
            if *told > next_join {
                problems.push(format!(
                    "worker {worker} terminated (line {}) after its join returned (worker {} joined at line {})",
                    line(*told),
                    worker + 1,
                    line(next_join)
                ));
            }
        }
        for job in story.lines_of(|event| *event == Event::Job { worker }) {
            if job > *told {
                problems.push(format!(
                    "worker {worker} got a job (line {}) after it terminated (line {})",
                    line(job),
                    line(*told)
                ));
            }
        }
    }
    problems
}

/// One sentence of the text about the run it shows, and what it states.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarratedClaim {
    /// The English sentence (or part of it), verbatim.
    pub quote: String,
    /// The set of workers that got the requests.
    #[serde(default)]
    pub workers_with_a_job: Option<Vec<usize>>,
    /// The pool tried to join this worker before any worker had received
    /// a terminate message (its join line precedes every terminate line).
    #[serde(default)]
    pub joined_before_any_terminate: Option<usize>,
    /// This worker had not received its terminate message when the pool
    /// tried to join it (its terminate line follows its join line).
    #[serde(default)]
    pub not_terminated_when_joined: Option<usize>,
    /// When the pool came to join this worker, every worker had received
    /// its terminate message.
    #[serde(default)]
    pub all_terminated_before_joining: Option<usize>,
    /// At least this many job lines come before `main`'s shutdown notice
    /// (the workers got the requests, then the server stopped accepting).
    #[serde(default)]
    pub job_lines_before_shutdown_notice: Option<usize>,
}

impl NarratedClaim {
    /// Whether it states anything.
    pub fn states_something(&self) -> bool {
        self.workers_with_a_job.is_some()
            || self.joined_before_any_terminate.is_some()
            || self.not_terminated_when_joined.is_some()
            || self.all_terminated_before_joining.is_some()
            || self.job_lines_before_shutdown_notice.is_some()
    }

    /// The part of the claim a run has settled once both jobs were handed
    /// to workers and `main` announced the shutdown (which workers got the
    /// jobs, and the job lines before the notice); `None` when the claim
    /// states nothing of that kind. Whatever the pool does afterwards is
    /// left out.
    pub fn settled_when_jobs_are_handed_out(&self) -> Option<NarratedClaim> {
        let part = NarratedClaim {
            quote: self.quote.clone(),
            workers_with_a_job: self.workers_with_a_job.clone(),
            joined_before_any_terminate: None,
            not_terminated_when_joined: None,
            all_terminated_before_joining: None,
            job_lines_before_shutdown_notice: self.job_lines_before_shutdown_notice,
        };
        part.states_something().then_some(part)
    }
}

/// Every claim of `claims` the run `lines` contradicts.
pub fn claim_problems<S: AsRef<str>>(
    lines: &[S],
    source: &ServerSource,
    claims: &[NarratedClaim],
) -> Vec<String> {
    let (story, _) = Story::read(lines, source);
    let mut problems = Vec::new();
    for claim in claims {
        let mut fails = |what: String| {
            problems.push(format!("the text says \"{}\", but {what}", claim.quote));
        };
        if let Some(expected) = &claim.workers_with_a_job {
            let expected: BTreeSet<usize> = expected.iter().copied().collect();
            let found: BTreeSet<usize> = story.job_workers().into_iter().collect();
            if found != expected {
                fails(format!("workers {found:?} got the jobs"));
            }
        }
        if let Some(worker) = claim.joined_before_any_terminate {
            let first_terminate = story.all_terminated().into_iter().min();
            match (story.joining(worker), first_terminate) {
                (Some(join), Some(terminate)) if join < terminate => {}
                (join, terminate) => fails(format!(
                    "the join of worker {worker} is at line {:?} and the first terminate message at line {:?}",
                    join.map(|i| i + 1),
                    terminate.map(|i| i + 1)
                )),
            }
        }
        if let Some(worker) = claim.not_terminated_when_joined {
            match (story.joining(worker), story.terminated(worker)) {
                (Some(join), Some(terminate)) if join < terminate => {}
                (join, terminate) => fails(format!(
                    "the join of worker {worker} is at line {:?} and its terminate message at line {:?}",
                    join.map(|i| i + 1),
                    terminate.map(|i| i + 1)
                )),
            }
        }
        if let Some(expected) = claim.job_lines_before_shutdown_notice {
            match story.only(|event| *event == Event::ShuttingDown) {
                None => fails("there is no single shutdown notice".to_string()),
                Some(notice) => {
                    let before = story
                        .lines_of(|event| matches!(event, Event::Job { .. }))
                        .into_iter()
                        .filter(|job| *job < notice)
                        .count();
                    if before < expected {
                        fails(format!(
                            "{before} job line(s) come before the shutdown notice (line {}), \
                             not at least {expected}",
                            notice + 1
                        ));
                    }
                }
            }
        }
        if let Some(worker) = claim.all_terminated_before_joining {
            let last_terminate = story.all_terminated().into_iter().max();
            let complete = story.all_terminated().len() == source.setup.pool_size;
            match (story.joining(worker), last_terminate) {
                (Some(join), Some(terminate)) if complete && terminate < join => {}
                (join, terminate) => fails(format!(
                    "the join of worker {worker} is at line {:?} and the last terminate message at line {:?}",
                    join.map(|i| i + 1),
                    terminate.map(|i| i + 1)
                )),
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
    const RUN: [&str; 10] = [
        "W0 job\u{a0};",
        "W2 job\u{a0};",
        "Bye.",
        "Send {all}.",
        "All.",
        "Join 0",
        "W1 stop",
        "W2 stop",
        "W0 stop",
        "Join 1",
    ];

    fn run() -> Vec<String> {
        let mut lines: Vec<String> = RUN.iter().map(|line| line.to_string()).collect();
        lines.push("Join 2".to_string());
        lines
    }

    #[test]
    fn a_possible_run_has_no_problem() {
        assert_eq!(
            story_problems(&run(), &sample_source()),
            Vec::<String>::new()
        );
    }

    #[test]
    fn impossible_runs_are_caught() {
        let source = sample_source();
        let swap = |lines: &mut Vec<String>, a: &str, b: &str| {
            let i = lines.iter().position(|l| l == a).unwrap();
            let j = lines.iter().position(|l| l == b).unwrap();
            lines.swap(i, j);
        };
        let mut late = run();
        swap(&mut late, "W0 stop", "Join 1");
        assert_eq!(story_problems(&late, &source).len(), 1, "{late:?}");

        let mut early = run();
        swap(&mut early, "W1 stop", "Send {all}.");
        assert!(!story_problems(&early, &source).is_empty());

        let mut twice = run();
        twice.push("W1 stop".to_string());
        assert!(!story_problems(&twice, &source).is_empty());

        let mut same_worker = run();
        same_worker[1] = "W0 job\u{a0};".to_string();
        assert!(!story_problems(&same_worker, &source).is_empty());

        let mut stranger = run();
        stranger.push("hello".to_string());
        assert!(!story_problems(&stranger, &source).is_empty());

        let mut out_of_order = run();
        swap(&mut out_of_order, "Join 1", "Join 2");
        assert!(!story_problems(&out_of_order, &source).is_empty());
    }

    fn claim(text: &str) -> NarratedClaim {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn claims_are_checked_against_the_run() {
        let source = sample_source();
        let true_claims = [
            claim("quote = 'q'\nworkers_with_a_job = [2, 0]"),
            claim("quote = 'q'\njoined_before_any_terminate = 0"),
            claim("quote = 'q'\nnot_terminated_when_joined = 0"),
            claim("quote = 'q'\nall_terminated_before_joining = 1"),
            claim("quote = 'q'\njob_lines_before_shutdown_notice = 2"),
        ];
        assert_eq!(
            claim_problems(&run(), &source, &true_claims),
            Vec::<String>::new()
        );
        let false_claims = [
            claim("quote = 'q'\nworkers_with_a_job = [0, 1]"),
            claim("quote = 'q'\njoined_before_any_terminate = 1"),
            claim("quote = 'q'\nnot_terminated_when_joined = 2"),
            claim("quote = 'q'\nall_terminated_before_joining = 0"),
            claim("quote = 'q'\njob_lines_before_shutdown_notice = 3"),
        ];
        let problems = claim_problems(&run(), &source, &false_claims);
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].contains("the text says \"q\""), "{problems:?}");
    }

    #[test]
    fn job_lines_after_the_notice_do_not_count() {
        let source = sample_source();
        let mut late_job = run();
        // `main` left its loop before the second worker printed its job.
        late_job.swap(1, 2);
        assert_eq!(story_problems(&late_job, &source), Vec::<String>::new());
        let both = [claim("quote = 'q'\njob_lines_before_shutdown_notice = 2")];
        let first = [claim("quote = 'q'\njob_lines_before_shutdown_notice = 1")];
        assert_eq!(
            claim_problems(&late_job, &source, &first),
            Vec::<String>::new()
        );
        assert_eq!(claim_problems(&late_job, &source, &both).len(), 1);
        let mut no_notice = run();
        no_notice.retain(|line| line != "Bye.");
        assert_eq!(claim_problems(&no_notice, &source, &first).len(), 1);
    }

    #[test]
    fn the_settled_part_leaves_out_the_pool() {
        let mixed =
            claim("quote = 'q'\nworkers_with_a_job = [0, 2]\njoined_before_any_terminate = 0");
        let settled = mixed.settled_when_jobs_are_handed_out().unwrap();
        assert_eq!(settled.workers_with_a_job, Some(vec![0, 2]));
        assert_eq!(settled.joined_before_any_terminate, None);
        let pool_only = claim("quote = 'q'\nnot_terminated_when_joined = 0");
        assert_eq!(pool_only.settled_when_jobs_are_handed_out(), None);
        let order = claim("quote = 'q'\njob_lines_before_shutdown_notice = 2");
        assert_eq!(
            order.settled_when_jobs_are_handed_out(),
            Some(order.clone())
        );
    }

    #[test]
    fn unknown_claim_fields_are_rejected() {
        assert!(toml::from_str::<NarratedClaim>("quote = 'q'\nworkers = [1]").is_err());
        assert!(!claim("quote = 'q'").states_something());
    }
}
