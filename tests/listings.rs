//! One test per listing crate of every language (work in progress).

fn main() -> std::process::ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    libtest_mimic::run(&args, Vec::new()).exit_code()
}
