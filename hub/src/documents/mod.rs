//! What the meeting reads and writes as files: the organiser's meeting
//! file and proposal list (`definition`), the exports and their
//! verification from a data folder (`export`), and the printed documents
//! (`publish`). Uses the meeting's store and replay, never `http`.

pub mod definition;
pub mod export;
pub mod publish;
