//! A load generator for the book's servers (`cargo xtask bench pools`):
//! `clients` threads on 127.0.0.1, each sending one `GET` at a time with
//! the [`http_client`] of the server tests and reading the answer until
//! the server closes the connection. It stops by itself: no request starts
//! after `duration` or once `max_requests` have started, and every answer
//! is awaited until `request_timeout` at most. Latencies go into an
//! `hdrhistogram` (microseconds), whose percentiles the report quotes.

use crate::server::http_client;
use anyhow::{bail, Context, Result};
use hdrhistogram::Histogram;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The longest latency the histogram holds, in microseconds (a minute).
const HIGHEST_MICROS: u64 = 60_000_000;

/// What to send.
#[derive(Debug, Clone)]
pub struct Load {
    /// Clients sending at the same time.
    pub clients: usize,
    /// One request in `slow_every` is `GET /sleep` (0: none).
    pub slow_every: usize,
    /// No request starts after this long.
    pub duration: Duration,
    /// No request starts once this many have started, all clients together.
    pub max_requests: u64,
    /// The longest wait for one answer.
    pub request_timeout: Duration,
}

/// What came back.
#[derive(Debug)]
pub struct Measured {
    /// The latency of each complete `200 OK` answer, in microseconds.
    pub latencies: Histogram<u64>,
    /// Requests refused, reset, timed out or answered wrongly.
    pub failed: u64,
    /// From the first request to the last answer.
    pub elapsed: Duration,
}

impl Measured {
    /// Complete answers per second.
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }

    /// The latency at `quantile` (0.5, 0.99), in milliseconds.
    pub fn millis_at(&self, quantile: f64) -> f64 {
        self.latencies.value_at_quantile(quantile) as f64 / 1000.0
    }
}

/// The path client `client` asks for in its request number `request`:
/// `/sleep` for one request in `slow_every`, staggered across clients so
/// the slow ones do not all come first.
pub fn path(load: &Load, client: usize, request: u64) -> &'static str {
    let slow =
        load.slow_every > 0 && (request + client as u64).is_multiple_of(load.slow_every as u64);
    if slow {
        "/sleep"
    } else {
        "/"
    }
}

/// Sends `load` to the server at `address`, whose good answers carry
/// `page`.
pub fn run(address: SocketAddr, page: &[u8], load: &Load) -> Result<Measured> {
    if !address.ip().is_loopback() {
        bail!("the load generator only sends to the loopback interface, not to {address}");
    }
    let started = Instant::now();
    let stop_at = started + load.duration;
    let begun = AtomicU64::new(0);
    let results = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..load.clients)
            .map(|client| {
                let begun = &begun;
                scope.spawn(move || -> Result<(Histogram<u64>, u64)> {
                    let mut latencies = Histogram::new_with_bounds(1, HIGHEST_MICROS, 3)?;
                    let mut failed = 0;
                    for request in 0.. {
                        if Instant::now() >= stop_at
                            || begun.fetch_add(1, Ordering::SeqCst) >= load.max_requests
                        {
                            break;
                        }
                        let path = path(load, client, request);
                        let sent = Instant::now();
                        let answer = http_client::send_get(address, path).and_then(|mut stream| {
                            http_client::read_until_closed(&mut stream, sent + load.request_timeout)
                        });
                        let good = answer.is_ok_and(|received| {
                            http_client::ok_response_problems(path, &received, page).is_empty()
                        });
                        if good {
                            let micros = sent.elapsed().as_micros() as u64;
                            latencies.saturating_record(micros.clamp(1, HIGHEST_MICROS));
                        } else {
                            failed += 1;
                            // A server that went away refuses at once: do not spin.
                            std::thread::sleep(Duration::from_millis(10));
                        }
                    }
                    Ok((latencies, failed))
                })
            })
            .collect();
        clients
            .into_iter()
            .map(|client| client.join().expect("a load client panicked"))
            .collect::<Vec<_>>()
    });
    let elapsed = started.elapsed();
    let mut latencies = Histogram::new_with_bounds(1, HIGHEST_MICROS, 3)?;
    let mut failed = 0;
    for result in results {
        let (client_latencies, client_failed) = result?;
        latencies
            .add(&client_latencies)
            .context("merging the clients' histograms")?;
        failed += client_failed;
    }
    Ok(Measured {
        latencies,
        failed,
        elapsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_request_in_n_is_slow_staggered_across_clients() {
        let load = Load {
            clients: 4,
            slow_every: 4,
            duration: Duration::ZERO,
            max_requests: 0,
            request_timeout: Duration::ZERO,
        };
        let paths: Vec<_> = (0..8).map(|request| path(&load, 1, request)).collect();
        assert_eq!(paths, ["/", "/", "/", "/sleep", "/", "/", "/", "/sleep"]);
        let first: Vec<_> = (0..4).map(|client| path(&load, client, 0)).collect();
        assert_eq!(first, ["/sleep", "/", "/", "/"]);
        let fast = Load {
            slow_every: 0,
            ..load
        };
        assert!((0..8).all(|request| path(&fast, 0, request) == "/"));
    }
}
