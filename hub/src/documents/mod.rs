//! What the meeting reads and writes as files: the organiser's meeting
//! file and proposal list (`definition`), the exports and their
//! verification from a data folder (`export`), and the printed documents
//! (`publish`). Uses the meeting's store and replay, never `http`.

pub mod definition;
pub mod export;
pub mod publish;

/// `files` of `hub/src/documents` as (path, code before its tests), for the
/// vocabulary tests.
#[cfg(test)]
fn code_of(hub: &std::path::Path, files: &[&str]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|f| {
            let path = hub.join("src/documents").join(f);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (format!("hub/src/documents/{f}"), text.split("#[cfg(test)]").next().unwrap_or_default().to_string())
        })
        .collect()
}
