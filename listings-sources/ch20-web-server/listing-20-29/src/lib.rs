//! A thread pool: a fixed number of threads that run the jobs you give it.
//!
//! Create a pool with [`ThreadPool::build`], hand it closures with
//! [`ThreadPool::execute`], and drop it to wait for every job to finish.

#![warn(missing_docs)]

use std::{
    error::Error,
    fmt, io,
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
/// let pool = ThreadPool::build(2)?;
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
/// # Ok::<(), hello::PoolCreationError>(())
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
    /// Creates a pool of `size` threads.
    ///
    /// # Errors
    ///
    /// Returns [`PoolCreationError::ZeroThreads`] if `size` is zero, and
    /// [`PoolCreationError::Spawn`] if the system cannot start a thread.
    ///
    /// ```
    /// use hello::{PoolCreationError, ThreadPool};
    ///
    /// let result = ThreadPool::build(0);
    ///
    /// assert!(matches!(result, Err(PoolCreationError::ZeroThreads)));
    /// ```
    pub fn build(size: usize) -> Result<ThreadPool, PoolCreationError> {
        if size == 0 {
            return Err(PoolCreationError::ZeroThreads);
        }

        let (sender, receiver) = mpsc::channel();

        let receiver = Arc::new(Mutex::new(receiver));

        let mut workers = Vec::with_capacity(size);

        for id in 0..size {
            let worker = Worker::new(id, Arc::clone(&receiver));
            workers.push(worker.map_err(PoolCreationError::Spawn)?);
        }

        Ok(ThreadPool { workers, sender })
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
    /// let pool = ThreadPool::build(4)?;
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
    /// # Ok::<(), hello::PoolCreationError>(())
    /// ```
    pub fn execute<F>(&self, f: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let job = Box::new(f);

        self.sender
            .send(Message::NewJob(job))
            .expect("the workers outlive the pool's sender");
    }
}

/// The error [`ThreadPool::build`] returns when it cannot make a pool.
#[derive(Debug)]
pub enum PoolCreationError {
    /// The pool would have no thread to run its jobs.
    ZeroThreads,
    /// The system could not start one of the threads.
    Spawn(io::Error),
}

impl fmt::Display for PoolCreationError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            PoolCreationError::ZeroThreads => {
                write!(f, "a thread pool needs at least one thread")
            }
            PoolCreationError::Spawn(error) => {
                write!(f, "cannot start a thread: {error}")
            }
        }
    }
}

impl Error for PoolCreationError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            PoolCreationError::ZeroThreads => None,
            PoolCreationError::Spawn(error) => Some(error),
        }
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        println!("Sending terminate message to all workers.");

        for _ in &self.workers {
            self.sender
                .send(Message::Terminate)
                .expect("the workers outlive the pool's sender");
        }

        println!("Shutting down all workers.");

        for worker in &mut self.workers {
            println!("Shutting down worker {}", worker.id);

            if let Some(thread) = worker.thread.take() {
                thread
                    .join()
                    .expect("a worker catches the panics of its jobs");
            }
        }
    }
}

struct Worker {
    id: usize,
    thread: Option<thread::JoinHandle<()>>,
}

impl Worker {
    fn new(id: usize, receiver: Arc<Mutex<mpsc::Receiver<Message>>>) -> io::Result<Worker> {
        let builder = thread::Builder::new().name(format!("worker-{id}"));
        let thread = builder.spawn(move || loop {
            let message = receiver
                .lock()
                .expect("no thread panics while holding the receiver")
                .recv()
                .expect("the pool sends Terminate before dropping the sender");

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
        })?;

        Ok(Worker {
            id,
            thread: Some(thread),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_threads_are_named() {
        let pool = ThreadPool::build(1).unwrap();
        let (sender, receiver) = mpsc::channel();

        pool.execute(move || {
            let thread_name = thread::current().name().map(String::from);
            sender.send(thread_name).unwrap();
        });

        assert_eq!(receiver.recv().unwrap().as_deref(), Some("worker-0"));
    }

    #[test]
    fn build_refuses_zero_threads() {
        let error = ThreadPool::build(0).err().unwrap();

        assert!(matches!(error, PoolCreationError::ZeroThreads));
        assert_eq!(error.to_string(), "a thread pool needs at least one thread");
    }
}
