use hello::ThreadPool;
use std::{
    cell::RefCell,
    collections::HashSet,
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc,
    },
    thread::{self, ThreadId},
    time::{Duration, Instant},
};

/// The longest a test waits for something that should happen at once.
const PATIENCE: Duration = Duration::from_secs(10);

/// Waits until `done` returns `true`, for at most `PATIENCE`; returns
/// whether it did.
fn wait_until(done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        if Instant::now() > deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(1));
    }
    true
}

/// Sends `jobs` jobs that wait for each other: each one returns only once
/// all of them have started. Returns the threads they ran on, or panics if
/// they could not all run at the same time.
fn run_at_once(pool: &ThreadPool, jobs: usize) -> HashSet<ThreadId> {
    let started = Arc::new(AtomicUsize::new(0));
    let (sender, receiver) = mpsc::channel();
    for _ in 0..jobs {
        let started = Arc::clone(&started);
        let sender = sender.clone();
        pool.execute(move || {
            started.fetch_add(1, Ordering::SeqCst);
            let all_started = wait_until(|| started.load(Ordering::SeqCst) == jobs);
            let id = thread::current().id();
            sender.send((id, all_started)).unwrap();
        });
    }
    let mut threads = HashSet::new();
    for _ in 0..jobs {
        let (thread, all_started) = receiver.recv_timeout(PATIENCE * 2).unwrap();
        assert!(all_started, "the jobs did not all run at the same time");
        threads.insert(thread);
    }
    threads
}

#[test]
fn every_job_runs() {
    let pool = ThreadPool::build(4).unwrap();
    let done = Arc::new(AtomicUsize::new(0));

    for _ in 0..100 {
        let done = Arc::clone(&done);
        pool.execute(move || {
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(pool);

    assert_eq!(done.load(Ordering::SeqCst), 100);
}

#[test]
fn jobs_run_on_size_threads_at_once() {
    let pool = ThreadPool::build(4).unwrap();

    assert_eq!(run_at_once(&pool, 4).len(), 4);

    let mut threads = HashSet::new();
    for _ in 0..5 {
        threads.extend(run_at_once(&pool, 4));
    }
    assert_eq!(threads.len(), 4);
}

/// Adds one to its counter when dropped.
struct CountOnDrop(Arc<AtomicUsize>);

impl Drop for CountOnDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    /// Dropped when its thread exits.
    static ON_EXIT: RefCell<Option<CountOnDrop>> = const { RefCell::new(None) };
}

#[test]
fn dropping_the_pool_finishes_the_jobs_and_joins_every_worker() {
    let pool = ThreadPool::build(4).unwrap();
    let started = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let exited = Arc::new(AtomicUsize::new(0));

    for _ in 0..4 {
        let started = Arc::clone(&started);
        let finished = Arc::clone(&finished);
        let exited = Arc::clone(&exited);
        pool.execute(move || {
            ON_EXIT.with(|on_exit| *on_exit.borrow_mut() = Some(CountOnDrop(exited)));
            started.fetch_add(1, Ordering::SeqCst);
            wait_until(|| started.load(Ordering::SeqCst) == 4);
            thread::sleep(Duration::from_millis(200));
            finished.fetch_add(1, Ordering::SeqCst);
        });
    }
    assert!(wait_until(|| started.load(Ordering::SeqCst) == 4));
    drop(pool);

    assert_eq!(finished.load(Ordering::SeqCst), 4);
    assert_eq!(exited.load(Ordering::SeqCst), 4);
}

#[test]
fn a_panicking_job_does_not_cost_a_worker() {
    let pool = ThreadPool::build(2).unwrap();

    pool.execute(|| panic!("this job fails"));

    assert_eq!(run_at_once(&pool, 2).len(), 2);
}
