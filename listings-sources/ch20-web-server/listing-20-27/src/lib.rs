//! A thread pool: a fixed number of threads that run the jobs you give it.
//!
//! Create a pool with [`ThreadPool::new`], hand it closures with
//! [`ThreadPool::execute`], and drop it to wait for every job to finish.

#![warn(missing_docs)]

use std::{
    panic::{self, AssertUnwindSafe},
    sync::{mpsc, Arc, Mutex},
    thread,
};

/// A fixed number of threads that run the jobs sent with
/// [`execute`](ThreadPool::execute).
///
/// Each job runs on one of the pool's threads, so at most `size` jobs run at
/// the same time; the others wait their turn in the order they were sent.
/// Dropping the pool waits until every job sent so far has run, then shuts
/// down every thread.
///
/// # Examples
///
/// ```
/// use hello::ThreadPool;
/// use std::sync::mpsc;
///
/// let pool = ThreadPool::new(2);
/// let (sender, receiver) = mpsc::channel();
///
/// for number in 1..=3 {
///     let sender = sender.clone();
///     pool.execute(move || sender.send(number * number).unwrap());
/// }
/// drop(sender);
///
/// let mut squares: Vec<i32> = receiver.iter().collect();
/// squares.sort();
/// assert_eq!(squares, [1, 4, 9]);
/// ```
pub struct ThreadPool {
    workers: Vec<Worker>,
    sender: mpsc::Sender<Message>,
}

type Job = Box<dyn FnOnce() + Send + 'static>;

enum Message {
    NewJob(Job),
    Terminate,
}

impl ThreadPool {
    /// Create a new ThreadPool.
    ///
    /// The size is the number of threads in the pool.
    ///
    /// # Panics
    ///
    /// The `new` function will panic if the size is zero.
    ///
    /// ```should_panic
    /// use hello::ThreadPool;
    ///
    /// let pool = ThreadPool::new(0);
    /// ```
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0);

        let (sender, receiver) = mpsc::channel();

        let receiver = Arc::new(Mutex::new(receiver));

        let mut workers = Vec::with_capacity(size);

        for id in 0..size {
            workers.push(Worker::new(id, Arc::clone(&receiver)));
        }

        ThreadPool { workers, sender }
    }

    /// Sends the closure `f` to the pool, where one of the threads will
    /// run it.
    ///
    /// `execute` returns at once: the job runs as soon as a thread is free.
    ///
    /// # Examples
    ///
    /// ```
    /// use hello::ThreadPool;
    /// use std::sync::{
    ///     atomic::{AtomicUsize, Ordering},
    ///     Arc,
    /// };
    ///
    /// let count = Arc::new(AtomicUsize::new(0));
    /// let pool = ThreadPool::new(4);
    ///
    /// for _ in 0..8 {
    ///     let count = Arc::clone(&count);
    ///     pool.execute(move || {
    ///         count.fetch_add(1, Ordering::SeqCst);
    ///     });
    /// }
    /// drop(pool);
    ///
    /// assert_eq!(count.load(Ordering::SeqCst), 8);
    /// ```
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let job = Box::new(f);

        self.sender.send(Message::NewJob(job)).unwrap();
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        println!("Sending terminate message to all workers.");

        for _ in &self.workers {
            self.sender.send(Message::Terminate).unwrap();
        }

        println!("Shutting down all workers.");

        for worker in &mut self.workers {
            println!("Shutting down worker {}", worker.id);

            if let Some(thread) = worker.thread.take() {
                thread.join().unwrap();
            }
        }
    }
}

struct Worker {
    id: usize,
    thread: Option<thread::JoinHandle<()>>,
}

// ANCHOR: worker
impl Worker {
    fn new(id: usize, receiver: Arc<Mutex<mpsc::Receiver<Message>>>) -> Worker {
        let thread = thread::spawn(move || loop {
            let message = receiver.lock().unwrap().recv().unwrap();

            match message {
                Message::NewJob(job) => {
                    println!("Worker {id} got a job; executing.");

                    if panic::catch_unwind(AssertUnwindSafe(job)).is_err() {
                        println!("Worker {id} recovered from a panicking job.");
                    }
                }
                Message::Terminate => {
                    println!("Worker {id} was told to terminate.");

                    break;
                }
            }
        });

        Worker {
            id,
            thread: Some(thread),
        }
    }
}
// ANCHOR_END: worker

// ANCHOR: unit-tests
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_worker_has_its_own_id() {
        let pool = ThreadPool::new(3);

        let ids: Vec<usize> = pool.workers.iter().map(|w| w.id).collect();

        assert_eq!(ids, [0, 1, 2]);
    }

    #[test]
    #[should_panic(expected = "size > 0")]
    fn new_panics_on_zero() {
        ThreadPool::new(0);
    }
}
// ANCHOR_END: unit-tests
