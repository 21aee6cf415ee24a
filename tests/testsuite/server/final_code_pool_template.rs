//! The thread pool of the chapter's final code as a library: the
//! `tests/pool.rs` of a crate that depends on `no-listing-08-final-code`,
//! written by `server::final_code_pool::<language>`, its English names
//! (`hello`, `ThreadPool`, `execute`) taken through the glossary. A drop
//! that never returns fails the test at its deadline instead of hanging it.

use hello::ThreadPool as Pool;
use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc, Barrier, Mutex};
use std::thread;
use std::time::Duration;

/// The pool size of the tests, the size `main` uses.
const WORKERS: usize = 4;

/// Jobs submitted after the first `WORKERS` ones; one in six is slow.
const MORE_JOBS: usize = 60;

/// The longest any wait of these tests may take.
const DEADLINE: Duration = Duration::from_secs(30);

/// Counts the worker threads that exited: a thread-local, dropped when its
/// thread ends.
struct ExitWitness(Arc<AtomicUsize>);

impl Drop for ExitWitness {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

thread_local! {
    static WITNESS: RefCell<Option<ExitWitness>> = const { RefCell::new(None) };
}

/// Drops `pool` on a helper thread; fails if that does not return in time.
fn drop_in_time(pool: Pool) {
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        drop(pool);
        let _ = done.send(());
    });
    (finished.recv_timeout(DEADLINE)).expect("dropping the pool did not return in time");
}

/// The first `WORKERS` jobs wait for each other at a barrier (so they must
/// run on `WORKERS` threads at once, or the drop never returns); once the
/// drop returned, every job ran and every worker thread ended.
#[test]
fn drop_waits_for_every_job_and_every_worker() {
    let barrier = Arc::new(Barrier::new(WORKERS));
    let (completed, exited) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let threads = Arc::new(Mutex::new(HashSet::new()));
    let pool = Pool::new(WORKERS);
    for job in 0..WORKERS + MORE_JOBS {
        let (barrier, completed) = (Arc::clone(&barrier), Arc::clone(&completed));
        let (exited, threads) = (Arc::clone(&exited), Arc::clone(&threads));
        pool.execute(move || {
            threads.lock().unwrap().insert(thread::current().id());
            WITNESS.with(|witness| {
                witness.borrow_mut().get_or_insert_with(|| ExitWitness(exited));
            });
            if job < WORKERS {
                barrier.wait();
            } else if job % 6 == 0 {
                thread::sleep(Duration::from_millis(30));
            }
            completed.fetch_add(1, SeqCst);
        });
    }

    drop_in_time(pool);

    // Everything below was true the moment `drop` returned.
    let (done, jobs) = (completed.load(SeqCst), WORKERS + MORE_JOBS);
    assert_eq!(done, jobs, "drop returned before every job ran");
    let threads = threads.lock().unwrap().len();
    assert_eq!(threads, WORKERS, "jobs ran on {threads} threads");
    let ended = exited.load(SeqCst);
    assert_eq!(ended, WORKERS, "drop returned before every worker thread ended");
}

#[test]
fn dropping_an_idle_pool_returns() {
    drop_in_time(Pool::new(WORKERS));
}

/// The documented panic is the `assert!` on the size.
#[test]
#[should_panic(expected = "assertion failed")]
fn new_panics_on_a_zero_size() {
    let _ = Pool::new(0);
}
