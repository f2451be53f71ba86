//! The `newsgraph` binary: all of it is in the library's `cli` module.

fn main() {
    std::process::exit(newsgraph::cli::main());
}
