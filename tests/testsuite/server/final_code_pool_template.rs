//! The thread pool of the chapter's final code as a library: copied into
//! the `tests/` folder of a temporary copy of `no-listing-08-final-code`
//! by `server::final_code_pool::<language>` (tests/testsuite/server), its
//! English names (`hello`, `ThreadPool`, `execute`) taken through the
//! glossary. Not compiled as part of the suite.
//!
//! - a pool of 4 runs many jobs, some slow, on 4 different threads at once;
//!   dropping it returns only after every job ran and every worker thread
//!   ended (each worker thread carries a thread-local witness whose
//!   destructor runs when the thread exits);
//! - dropping an idle pool returns (bounded wait);
//! - `new(0)` panics, as its documentation says.
//!
//! A drop that never returns fails the test at its deadline instead of
//! hanging it.

use hello::ThreadPool as Pool;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

/// The pool size of the tests, the size `main` uses.
const WORKERS: usize = 4;

/// Quick and slow jobs submitted after the first `WORKERS` ones.
const MORE_JOBS: usize = 60;

/// Every `SLOW_EVERY`-th job sleeps `SLOW_JOB`.
const SLOW_EVERY: usize = 6;
const SLOW_JOB: Duration = Duration::from_millis(30);

/// The longest any wait of these tests may take.
const DEADLINE: Duration = Duration::from_secs(30);

/// Counts the worker threads that exited: dropped with the thread's
/// locals, when the thread ends.
struct ExitWitness(Arc<AtomicUsize>);

impl Drop for ExitWitness {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    static WITNESS: RefCell<Option<ExitWitness>> = const { RefCell::new(None) };
}

/// What the jobs of one test record.
#[derive(Default)]
struct Record {
    completed: AtomicUsize,
    exited: Arc<AtomicUsize>,
    threads: Mutex<HashSet<ThreadId>>,
    arrived: Mutex<usize>,
    all_arrived: Condvar,
}

impl Record {
    /// Called at the start of every job, on the worker thread.
    fn enter(&self) {
        self.threads.lock().unwrap().insert(thread::current().id());
        WITNESS.with(|witness| {
            witness
                .borrow_mut()
                .get_or_insert_with(|| ExitWitness(Arc::clone(&self.exited)));
        });
    }

    /// Blocks until `WORKERS` jobs are in here at once (so on `WORKERS`
    /// different threads); false if that never happens before the deadline.
    fn meet(&self) -> bool {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.all_arrived.notify_all();
        let (arrived, timeout) = self
            .all_arrived
            .wait_timeout_while(arrived, DEADLINE, |arrived| *arrived < WORKERS)
            .unwrap();
        drop(arrived);
        !timeout.timed_out()
    }
}

/// Runs `drop_it` on a helper thread; fails if it does not return in time.
fn returns_within(
    deadline: Duration,
    drop_it: impl FnOnce() + Send + 'static,
) -> Result<(), String> {
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        drop_it();
        let _ = done.send(());
    });
    finished
        .recv_timeout(deadline)
        .map_err(|_| format!("dropping the pool did not return within {deadline:?}"))
}

#[test]
fn drop_waits_for_every_job_and_every_worker() {
    let record = Arc::new(Record::default());
    let met = Arc::new(AtomicUsize::new(0));
    let pool = Pool::new(WORKERS);
    for _ in 0..WORKERS {
        let (record, met) = (Arc::clone(&record), Arc::clone(&met));
        pool.execute(move || {
            record.enter();
            if record.meet() {
                met.fetch_add(1, Ordering::SeqCst);
            }
            record.completed.fetch_add(1, Ordering::SeqCst);
        });
    }
    for job in 0..MORE_JOBS {
        let record = Arc::clone(&record);
        pool.execute(move || {
            record.enter();
            if job % SLOW_EVERY == 0 {
                thread::sleep(SLOW_JOB);
            }
            record.completed.fetch_add(1, Ordering::SeqCst);
        });
    }

    returns_within(DEADLINE, move || drop(pool)).unwrap();

    // Everything below was true the moment `drop` returned.
    assert_eq!(
        met.load(Ordering::SeqCst),
        WORKERS,
        "the first {WORKERS} jobs never ran at the same time"
    );
    assert_eq!(
        record.completed.load(Ordering::SeqCst),
        WORKERS + MORE_JOBS,
        "drop returned before every job ran"
    );
    let threads = record.threads.lock().unwrap().len();
    assert_eq!(threads, WORKERS, "jobs ran on {threads} threads");
    assert_eq!(
        record.exited.load(Ordering::SeqCst),
        WORKERS,
        "drop returned before every worker thread ended"
    );
}

#[test]
fn dropping_an_idle_pool_returns() {
    let pool = Pool::new(WORKERS);
    returns_within(DEADLINE, move || drop(pool)).unwrap();
}

/// The documented panic is the `assert!` on the size.
#[test]
#[should_panic(expected = "assertion failed")]
fn new_panics_on_a_zero_size() {
    let _ = Pool::new(0);
}
