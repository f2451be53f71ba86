//! Integration tests: the `newsgraph` binary as users run it. One test binary; each module
//! is a chapter.

mod common;

mod build;
mod compare;
mod discover;
mod errors;
mod exports;
mod gazetteer;
mod hostile;
mod inputs;
mod properties;
mod scale;
mod store;
mod tag;
