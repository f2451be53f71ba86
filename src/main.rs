//! The `newsgraph` binary: all of it is in the library's `cli` module.

// mimalloc: loading a 300k-alias gazetteer and tagging make millions of small allocations,
// where glibc's allocator spent a quarter of the time (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(newsgraph::cli::main());
}
