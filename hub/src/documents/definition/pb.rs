//! A Pabulib `.pb` instance (https://pabulib.org/format) read as a meeting's
//! proposals, for rehearsals with real data: every project of `PROJECTS`
//! becomes a proposal (`project_id` → id, `name` → title, `cost`,
//! `category`, `description`, `proposer`, `neighborhood` or `district` →
//! location). The instance's votes, selection and budget are not used: the
//! rules come from the meeting file. The file is `;`-separated with CSV
//! quoting, section by section (`META`, `PROJECTS`, `VOTES`).

use yuanzhuo_protocol::words::{fill_in, reader};
use yuanzhuo_protocol::{Level, Proposal};

use super::table::{fold_id, id_problem, Table, TableReport};
use super::{both, grouped, At, DefinitionError, Problem};

/// Pabulib's cost for a project withdrawn after the vote, never fundable.
const SENTINEL_COST: f64 = 999_999_999.0;

pub fn parse_pb(bytes: &[u8]) -> Result<Table, DefinitionError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| error(vec![Problem::said(At::File, reader::PB_NOT_UTF8, &[])]))?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(b';').from_reader(text.as_bytes());
    let mut section = String::new();
    let mut header: Option<Vec<String>> = None;
    let mut meta: Vec<(String, String)> = vec![];
    let mut problems = vec![];
    let mut notes = vec![];
    let mut proposals: Vec<Proposal> = vec![];
    let mut lines = vec![];
    let mut header_line = 0;
    let mut seen = std::collections::HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let at = e.position().map(|p| At::Line(p.line() as usize)).unwrap_or(At::File);
                problems.push(Problem::said(at, reader::PB_MALFORMED, &[("error", &e)]));
                break;
            }
        };
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let first = cells[0].to_ascii_lowercase();
        if cells.len() == 1 && matches!(first.as_str(), "meta" | "projects" | "votes") {
            section = first;
            header = None;
            continue;
        }
        if header.is_none() {
            header = Some(cells.iter().map(|c| c.to_ascii_lowercase()).collect());
            if section == "projects" {
                header_line = line;
            }
            continue;
        }
        let columns = header.as_deref().unwrap_or(&[]);
        let get = |name: &str| -> String {
            columns.iter().position(|h| h == name).and_then(|i| cells.get(i)).cloned().unwrap_or_default()
        };
        match section.as_str() {
            "meta" => meta.push((cells[0].clone(), cells.get(1).cloned().unwrap_or_default())),
            "projects" => {
                let at = At::Line(line);
                let id = get("project_id");
                if id.is_empty() {
                    problems.push(Problem::said(at, reader::PB_NO_PROJECT_ID, &[]));
                    continue;
                }
                if let Some((zh, en)) = id_problem(&id) {
                    problems.push(Problem::new(at, zh, en));
                    continue;
                }
                if let Some(first) = seen.insert(fold_id(&id), id.clone()) {
                    problems.push(Problem::said(at, reader::PB_ID_TWICE, &[("id", &id), ("first", &first)]));
                    continue;
                }
                let raw = get("cost");
                let Ok(cost) = raw.replace(',', ".").parse::<f64>() else {
                    problems.push(Problem::said(at, reader::PB_COST_NOT_A_NUMBER, &[("id", &id), ("raw", &raw)]));
                    continue;
                };
                if !(0.0..1e15).contains(&cost) {
                    problems.push(Problem::said(at, reader::PB_COST_NOT_AN_AMOUNT, &[("id", &id), ("raw", &raw)]));
                    continue;
                }
                if cost == SENTINEL_COST {
                    notes.push(both(reader::PB_WITHDRAWN, &[("line", &line), ("id", &id)]));
                    continue;
                }
                let yuan = cost.round();
                if (cost - yuan).abs() >= 0.005 {
                    notes.push(both(
                        reader::PB_ROUNDED,
                        &[("line", &line), ("id", &id), ("raw", &raw), ("yuan", &yuan)],
                    ));
                }
                let mut title = get("name");
                if title.is_empty() {
                    title = fill_in(reader::PB_UNNAMED.zh, &[("id", &id)]);
                }
                let location = [get("neighborhood"), get("district"), get("subunit")]
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .unwrap_or_default();
                proposals.push(Proposal {
                    id,
                    title,
                    description: get("description"),
                    location,
                    category: get("category"),
                    proposer: get("proposer"),
                    cost: yuan as u64,
                    level: Level::Community,
                });
                lines.push(line);
            }
            _ => {}
        }
    }
    if !problems.is_empty() {
        return Err(error(problems));
    }
    if proposals.is_empty() {
        return Err(super::empty_file());
    }
    let meta_of = |k: &str| meta.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str()).unwrap_or("");
    let place: Vec<&str> =
        ["country", "unit", "subunit", "instance"].iter().map(|k| meta_of(k)).filter(|v| !v.is_empty()).collect();
    let values: [(&str, &dyn std::fmt::Display); 3] =
        [("place", &place.join(", ")), ("budget", &meta_of("budget")), ("currency", &meta_of("currency"))];
    notes.insert(0, both(reader::PB_INSTANCE, &values));
    let total: u64 = proposals.iter().map(|p| p.cost).sum();
    notes.push(both(reader::PB_TOTAL, &[("total", &grouped(total))]));
    Ok(Table {
        proposals,
        warnings: vec![],
        report: TableReport {
            file: String::new(),
            sheet: None,
            header_row: header_line,
            columns: vec![],
            notes,
            rows: lines,
            by_line: true,
        },
    })
}

fn error(problems: Vec<Problem>) -> DefinitionError {
    DefinitionError::Proposals { file: String::new(), sheet: None, problems }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pb_instance_becomes_proposals() {
        let pb = "META\nkey;value\ndescription;Municipal PB in Wieliczka\ncountry;Poland\nunit;Wieliczka\ninstance;2020\nbudget;2500\n\
                  PROJECTS\nproject_id;cost;votes;name;category;selected\n\
                  1;600;3;\"Park; phase II\";culture,education;1\n\
                  2;800,5;2;\"\"\"Konikowo\"\" playground\";sport;0\n\
                  4;999999999;0;Withdrawn;;0\n\
                  VOTES\nvoter_id;vote\n1;1,2\n";
        let t = parse_pb(pb.as_bytes()).unwrap();
        let got: Vec<(&str, &str, u64, &str)> =
            t.proposals.iter().map(|p| (p.id.as_str(), p.title.as_str(), p.cost, p.category.as_str())).collect();
        assert_eq!(
            got,
            [("1", "Park; phase II", 600, "culture,education"), ("2", "\"Konikowo\" playground", 801, "sport")]
        );
        assert_eq!(t.report.rows, [10, 11]);
        assert!(t.report.notes.iter().any(|n| n.contains("999999999")), "{:?}", t.report.notes);
        assert!(t.report.notes[0].contains("Poland, Wieliczka, 2020"), "{:?}", t.report.notes);
    }

    #[test]
    fn bad_projects_are_refused_with_their_line() {
        let pb = "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\nP1;abc\np1;5\nP1;6\n";
        let e = parse_pb(pb.as_bytes()).unwrap_err().to_string();
        assert!(e.contains("line 6: project P1: cost \"abc\" is not a number"), "{e}");
        assert!(e.contains("line 8: duplicate project_id P1 (the same id as p1)"), "{e}");
    }
}
