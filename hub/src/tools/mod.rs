//! Command-line tools beside `serve`: keeping a witness copy of a running
//! meeting's log (`witness`) and bringing a data folder back from one
//! (`restore`).

pub mod restore;
pub mod witness;
