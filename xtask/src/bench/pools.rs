//! `cargo xtask bench pools`: the load benchmark of "Going further". Each
//! server of `[pool_bench]` (the source language's listings, built once) is
//! started afresh for every load, so no `GET /sleep` left in a queue
//! slows the next run, and put under that load by
//! [`booktools::server::load`] on 127.0.0.1 (a [`PortLock`] keeps the
//! address to itself). The figures are written into every listing tree,
//! each in its language, with their fingerprint; the suite checks the
//! files (never the figures).

use anyhow::{Context, Result};
use booktools::languages::BookLayout;
use booktools::process::Running;
use booktools::server::listing_binary;
use booktools::server::load;
use booktools::server::pool_bench::{PoolBench, Recorded, Row};
use booktools::server::port::{PortLock, DEFAULT_LOCK_WAIT};
use booktools::server::{http_client, source::ServerSource};
use std::path::Path;
use std::time::{Duration, Instant};

/// The longest a server may take to accept its first connection.
const STARTUP: Duration = Duration::from_secs(30);

/// Runs the benchmark and records it.
pub fn run(root: &Path) -> Result<()> {
    let layout = BookLayout::load(root)?;
    let bench = PoolBench::load(root)?;
    let source = layout
        .language(&layout.source_language)
        .context("the source language")?;
    let listings = bench.server_listings(source)?;
    let mut rows = Vec::new();
    for listing in &listings {
        let server = ServerSource::load(root, listing)?;
        let page = server.hello_page()?;
        let target_dir = listing_binary::target_dir(root, listing_binary::SERVERS, listing);
        let binary = listing_binary::build(listing, &target_dir)?;
        let lock = PortLock::acquire(root, server.address, DEFAULT_LOCK_WAIT)?;
        for load in bench.loads() {
            let mut running =
                Running::start(listing_binary::server_command(listing, &binary), false)?;
            // The readiness probe: one request, answered before the run.
            let mut probe = http_client::send_get_when_listening(
                server.address,
                "/",
                Instant::now() + STARTUP,
                || running.ensure_running(),
            )?;
            http_client::read_until_closed(&mut probe, Instant::now() + STARTUP)?;
            let measured = load::run(server.address, &page, &load)?;
            let row = Row::new(&listing.name, &load, &measured);
            println!(
                "{:<28} {:>3} clients, GET /sleep every {:>2}: {:>8.1} req/s, p50 {:>8.1} ms, p99 {:>8.1} ms, {} failed",
                listing.name, row.clients, row.slow_every, row.per_second, row.p50_ms, row.p99_ms, row.failed
            );
            rows.push(row);
            running.kill();
            lock.wait_until_free(Instant::now() + Duration::from_secs(10))?;
        }
        drop(lock);
    }
    let recorded = Recorded {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        rows,
    };
    for language in &layout.languages {
        let path = bench.record_path(language);
        let text = bench.render(&layout, &language.code, &recorded)?;
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
