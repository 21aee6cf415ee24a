// Our thread pool (the chapter's final code, compiled here from its own
// file) and rayon's `ThreadPool`, put through the same situations.
#[path = "../../no-listing-08-final-code/src/lib.rs"]
mod book;

use rayon::ThreadPoolBuilder;
use std::{
    os::unix::process::ExitStatusExt,
    panic::{self, AssertUnwindSafe},
    process::{Command, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc, Condvar, Mutex,
    },
    thread,
    time::{Duration, Instant},
};

const SIZE: usize = 4;
const JOBS: usize = 8;
const PATIENCE: Duration = Duration::from_secs(3);
const DEADLINE: Duration = Duration::from_secs(30);

// Jobs that wait for each other: each one waits until `SIZE` jobs are
// running at once, or until `PATIENCE` has passed.
#[derive(Default)]
struct Meeting {
    counts: Mutex<Counts>,
    changed: Condvar,
}

#[derive(Default)]
struct Counts {
    running: usize,
    most: usize,
    finished: usize,
}

impl Meeting {
    fn attend(&self) {
        let mut counts = self.counts.lock().unwrap();
        counts.running += 1;
        counts.most = counts.most.max(counts.running);
        self.changed.notify_all();
        let (mut counts, _) = self
            .changed
            .wait_timeout_while(counts, PATIENCE, |counts| counts.most < SIZE)
            .unwrap();
        counts.running -= 1;
        counts.finished += 1;
        self.changed.notify_all();
    }

    // The most jobs that ran at once, once `jobs` jobs have finished.
    fn most_at_once(&self, jobs: usize) -> usize {
        let counts = self.counts.lock().unwrap();
        let (counts, _) = self
            .changed
            .wait_timeout_while(counts, DEADLINE, |counts| counts.finished < jobs)
            .unwrap();
        assert_eq!(counts.finished, jobs);
        counts.most
    }
}

#[test]
fn both_pools_run_four_jobs_at_once() {
    let meeting = Arc::new(Meeting::default());
    let pool = book::ThreadPool::new(SIZE);
    for _ in 0..SIZE {
        let meeting = Arc::clone(&meeting);
        pool.execute(move || meeting.attend());
    }
    assert_eq!(meeting.most_at_once(SIZE), SIZE);

    let meeting = Arc::new(Meeting::default());
    let pool = ThreadPoolBuilder::new().num_threads(SIZE).build().unwrap();
    assert_eq!(pool.current_num_threads(), SIZE);
    for _ in 0..SIZE {
        let meeting = Arc::clone(&meeting);
        pool.spawn(move || meeting.attend());
    }
    assert_eq!(meeting.most_at_once(SIZE), SIZE);
}

#[test]
fn size_zero_panics_in_our_pool_and_means_one_per_cpu_in_rayon() {
    assert!(panic::catch_unwind(|| book::ThreadPool::new(0)).is_err());

    let pool = ThreadPoolBuilder::new().num_threads(0).build().unwrap();
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        let cpus = thread::available_parallelism().unwrap().get();
        assert_eq!(pool.current_num_threads(), cpus);
    }
}

#[test]
fn after_a_panic_our_pool_runs_three_jobs_at_once_and_its_drop_panics() {
    let pool = book::ThreadPool::new(SIZE);
    pool.execute(|| panic!("a job panics"));
    let meeting = Arc::new(Meeting::default());
    for _ in 0..SIZE {
        let meeting = Arc::clone(&meeting);
        pool.execute(move || meeting.attend());
    }
    assert_eq!(meeting.most_at_once(SIZE), SIZE - 1);

    let dropped = panic::catch_unwind(AssertUnwindSafe(|| drop(pool)));
    assert!(dropped.is_err());
}

#[test]
fn after_a_panic_rayon_with_a_handler_runs_four_jobs_at_once() {
    let (sender, panicked) = mpsc::channel();
    let pool = ThreadPoolBuilder::new()
        .num_threads(SIZE)
        .panic_handler(move |_| sender.send(()).unwrap())
        .build()
        .unwrap();
    pool.spawn(|| panic!("a job panics"));
    panicked.recv_timeout(DEADLINE).unwrap();
    let meeting = Arc::new(Meeting::default());
    for _ in 0..SIZE {
        let meeting = Arc::clone(&meeting);
        pool.spawn(move || meeting.attend());
    }
    assert_eq!(meeting.most_at_once(SIZE), SIZE);
}

#[test]
fn without_a_handler_a_panic_aborts_rayon() {
    if std::env::var_os("ROBUSTNESS_CHILD").is_some() {
        let pool = ThreadPoolBuilder::new().num_threads(SIZE).build().unwrap();
        pool.spawn(|| panic!("a job panics"));
        thread::sleep(PATIENCE);
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "without_a_handler_a_panic_aborts_rayon"])
        .env("ROBUSTNESS_CHILD", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the child test never ended");
        }
        thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.signal(), Some(6)); // SIGABRT
}

#[test]
fn dropping_our_pool_waits_for_every_queued_job() {
    let finished = Arc::new(AtomicUsize::new(0));
    let pool = book::ThreadPool::new(SIZE);
    for _ in 0..JOBS {
        let finished = Arc::clone(&finished);
        pool.execute(move || {
            thread::sleep(Duration::from_millis(50));
            finished.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(pool);
    assert_eq!(finished.load(Ordering::SeqCst), JOBS);
}

#[test]
fn dropping_rayon_returns_at_once_and_queued_jobs_still_run() {
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let finished = Arc::new(AtomicUsize::new(0));
    let (sender, exited) = mpsc::channel();
    let pool = ThreadPoolBuilder::new()
        .num_threads(SIZE)
        .exit_handler(move |_| sender.send(()).unwrap())
        .build()
        .unwrap();
    for _ in 0..JOBS {
        let (gate, finished) = (Arc::clone(&gate), Arc::clone(&finished));
        pool.spawn(move || {
            let (open, opened) = &*gate;
            let open = open.lock().unwrap();
            let _open = opened.wait_timeout_while(open, DEADLINE, |open| !*open);
            finished.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(pool);
    assert_eq!(finished.load(Ordering::SeqCst), 0);

    let (open, opened) = &*gate;
    *open.lock().unwrap() = true;
    opened.notify_all();
    for _ in 0..SIZE {
        exited.recv_timeout(DEADLINE).unwrap();
    }
    assert_eq!(finished.load(Ordering::SeqCst), JOBS);
}
