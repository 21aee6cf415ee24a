use hello::ThreadPool;
use std::{error::Error, sync::mpsc};

/// Count the primes below this number.
const LIMIT: u64 = 1_000_000;

/// How many numbers each job checks.
const CHUNK: u64 = 100_000;

fn main() -> Result<(), Box<dyn Error>> {
    let pool = ThreadPool::build(4)?;
    let (sender, receiver) = mpsc::channel();

    for first in (0..LIMIT).step_by(CHUNK as usize) {
        let sender = sender.clone();
        pool.execute(move || {
            let found = (first..first + CHUNK).filter(|&n| is_prime(n)).count();
            // `main` keeps the receiver until every job has sent its result.
            sender.send((first, found)).unwrap();
        });
    }
    drop(sender);

    let mut results: Vec<(u64, usize)> = receiver.iter().collect();
    results.sort();

    for (first, found) in &results {
        println!("{first:>7} to {:>7}: {found:>5} primes", first + CHUNK - 1);
    }
    let total: usize = results.iter().map(|(_, found)| found).sum();
    println!("Below {LIMIT}: {total} primes");

    Ok(())
}

fn is_prime(n: u64) -> bool {
    n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0)
}
