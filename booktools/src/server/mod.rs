//! Real runs of the listings' web servers: the binary, the address to
//! oneself, an HTTP client that tells a reset from a close, and the story.

pub mod http_client;
pub mod listing_binary;
pub mod load;
pub mod pool_bench;
pub mod port;
pub mod shutdown_run;
pub mod shutdown_story;
pub mod source;
pub mod transcript;
