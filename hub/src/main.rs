//! `hub`: serve a meeting, print its tokens, export it, verify it.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use hub::documents::publish::Doc;
use hub::http::server::{self, ServeOptions, DEFAULT_PORT};
use hub::meeting::store::Store;
use hub::meeting::tokens::TokenSheet;
use std::net::SocketAddr;
use std::path::PathBuf;
use yuanzhuo_protocol::words::{console, Words};

use hub::{said, told};

const DEFAULT_DATA: &str = "yuanzhuo-data";

#[derive(Parser)]
#[command(name = "hub", version, about = label(console::HUB_ABOUT))]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the meeting: WebSocket session, pages, durable log.
    Serve {
        /// Meeting file (TOML); default: the built-in demo meeting.
        #[arg(long)]
        meeting: Option<PathBuf>,
        /// Proposals (CSV or XLSX); default: the one the meeting file names.
        #[arg(long)]
        proposals: Option<PathBuf>,
        /// Data folder (created if missing).
        #[arg(long, default_value = DEFAULT_DATA)]
        data: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value_t = SocketAddr::from(([0, 0, 0, 0], DEFAULT_PORT)))]
        bind: SocketAddr,
        /// Most connections at once; more are refused with `server_full`.
        #[arg(long, default_value_t = 10_000)]
        max_connections: usize,
        /// Refuse the anonymous read-only `public` token.
        #[arg(long)]
        no_public: bool,
    },
    /// Check a meeting file and proposal list without creating anything:
    /// prints how the proposals table was read (sheet, header, every column,
    /// rows skipped, count, total, the first proposals) to compare with the
    /// spreadsheet, every warning, and OK only if nothing is in doubt.
    Check {
        #[arg(long)]
        meeting: Option<PathBuf>,
        /// Proposals (XLSX, CSV, or a Pabulib .pb for a rehearsal).
        #[arg(long)]
        proposals: Option<PathBuf>,
        /// The worksheet to read (default: the one whose content is a proposals table).
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Print the tokens, and issue voter cards (each issue is an entry of
    /// the log: how many, and from the opening of the vote, why).
    Tokens {
        #[arg(long, default_value = DEFAULT_DATA)]
        data: PathBuf,
        /// Used only when the data folder is new.
        #[arg(long)]
        meeting: Option<PathBuf>,
        #[arg(long)]
        proposals: Option<PathBuf>,
        /// Issue this many new voter cards and print them (exactly this many:
        /// a new data folder holds no other voter card).
        #[arg(long, default_value_t = 0)]
        voters: u32,
        /// Why cards are added: required once the vote is open, and shown to
        /// the room ("迟到居民").
        #[arg(long, default_value = "")]
        reason: String,
        /// Print every voter token minted so far.
        #[arg(long)]
        all_voters: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Base of the join links (default: this machine's LAN address).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Export the meeting: JSON (everything), CSV (the ranking), the log
    /// itself as JSON lines (for independent recounts), the results workbook
    /// (XLSX, needs --out), the printable results notice or letters to the
    /// proposers not selected (HTML), or a Pabulib .pb file for researchers.
    Export {
        #[arg(long, default_value = DEFAULT_DATA)]
        data: PathBuf,
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// The CSV's headers and words: Chinese (zh, the default) or
        /// English with the JSON export's codes (en).
        #[arg(long, value_enum, default_value_t = CsvLang::Zh)]
        lang: CsvLang,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print for the hall, A4 HTML, Chinese first, at any time (no count in
    /// them): numbered paper ballots, sticker-board posters, each table's
    /// handout, the minutes per table.
    Print {
        #[arg(value_enum)]
        what: PrintKind,
        #[arg(long, default_value = DEFAULT_DATA)]
        data: PathBuf,
        /// First ballot number (ballots only).
        #[arg(long)]
        from: Option<String>,
        /// Last ballot number, included (ballots only; at most 500 at a time).
        #[arg(long)]
        to: Option<String>,
        /// One table only (handouts and minutes; default: every table).
        #[arg(long)]
        table: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Draft the meeting's proposals list from the pre-screening record
    /// (预审记录): one proposal per meeting id it names, with the residents
    /// behind it; the costs are left for the clerk to fill in.
    Prescreen {
        /// The record (.xlsx or .csv): one row per resident's proposal.
        #[arg(long)]
        record: PathBuf,
        /// The worksheet to read (default: the one that holds a record).
        #[arg(long)]
        sheet: Option<String>,
        /// Where to write the draft list (CSV); default: standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check every hash of the log, recount, print the head hash.
    Verify {
        #[arg(long, default_value = DEFAULT_DATA)]
        data: PathBuf,
        /// A head hash seen earlier (e.g. photographed off the projector):
        /// confirm it is part of this log. At least 16 hex digits; spaces allowed.
        #[arg(long)]
        head: Option<String>,
    },
    /// Keep a full, verified copy of the log as it grows, from another
    /// machine (a scrutineer's card or the organiser's secret). Refuses, and
    /// says so, a hub that rewrites what the copy already holds.
    Witness {
        /// The hub's address, as it printed it: ws://HOST:PORT/ws.
        #[arg(long)]
        hub: String,
        /// A scrutineer's code (or the organiser's); or set YZ_TOKEN.
        #[arg(long, env = "YZ_TOKEN", hide_env_values = true)]
        token: String,
        /// The copy (JSON lines, as `hub export --format log`); continued if it exists.
        #[arg(long)]
        out: PathBuf,
    },
    /// Rebuild a data folder's log from a witness copy or a backup, checking
    /// every hash. Only lengthens a log: a folder holding a longer or a
    /// different log is refused. Stop the hub first.
    Restore {
        /// A witness copy (`hub witness`, the scrutineer's page, `hub export --format log`) or a `hub backup` file.
        #[arg(long, required_unless_present = "accept_loss")]
        from: Option<PathBuf>,
        #[arg(long, default_value = DEFAULT_DATA)]
        data: PathBuf,
        /// When no copy holds the rest: go on from the log as it stands,
        /// accepting that the entries it lacks are lost (said plainly).
        #[arg(long)]
        accept_loss: bool,
    },
    /// One consistent file holding the whole meeting (log, cards, key), also
    /// while the hub runs. `hub restore --from FILE --data NEW` brings it back.
    Backup {
        #[arg(long, default_value = DEFAULT_DATA)]
        data: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CsvLang {
    Zh,
    En,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum PrintKind {
    /// Numbered paper ballots (needs --from and --to).
    Ballots,
    /// Sticker-board posters, one proposal per page.
    Posters,
    /// Each table's handout: its proposals, costs and the advisers' notes.
    Handouts,
    /// The recorder's minutes per table, for the chair to sign.
    Minutes,
    /// The pre-screening record: every resident's proposal and what became of it.
    Record,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Json,
    Csv,
    Log,
    /// The results workbook (结果, 选票, 提案, 规则).
    Xlsx,
    /// The results notice (公示) for the notice board, HTML for A4.
    Notice,
    /// Letters to the proposers whose proposals were not selected, HTML, one per A4 page.
    Letters,
    /// Pabulib `.pb` (META / PROJECTS / VOTES).
    Pabulib,
    /// The contact list for calls and texts: every resident of the
    /// pre-screening record with their contact and what became of their
    /// proposal (internal: contacts are never in the public exports).
    Contacts,
}

/// An entry as a label, "中文 English".
fn label(w: Words) -> String {
    format!("{} {}", w.zh, w.en)
}

/// An option that must be a whole number (a ballot number, a table): said
/// in both languages when it is not, rather than in clap's English.
fn whole<T: std::str::FromStr>(name: &str, v: Option<String>) -> Result<Option<T>> {
    v.map(|v| {
        v.trim().parse::<T>().map_err(|_| {
            anyhow::anyhow!("{}", said(console::OPTION_NOT_WHOLE_NUMBER, &[("name", &name), ("value", &v)]))
        })
    })
    .transpose()
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "hub=info".into()))
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run(Cli::parse()) {
        eprintln!("{}: {e:#}", said(console::ERROR, &[]));
        let rewritten = e.downcast_ref::<hub::tools::witness::Rewritten>().is_some();
        std::process::exit(if rewritten { hub::tools::witness::EXIT_REWRITTEN } else { 1 });
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.cmd {
        Cmd::Serve { meeting, proposals, data, bind, max_connections, no_public } => {
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(server::serve(ServeOptions {
                data,
                meeting,
                proposals,
                bind,
                max_connections,
                allow_public: !no_public,
            }))
        }
        Cmd::Check { meeting, proposals, sheet } => {
            let options = hub::documents::definition::Options { sheet: sheet.clone() };
            let loaded = hub::documents::definition::load_with(meeting.as_deref(), proposals.as_deref(), &options)?;
            let d = &loaded.definition;
            let r = &d.rules;
            print!("{}", loaded.table.preview(&d.proposals, &r.budget.currency));
            if let (Some(s), Some(read)) = (&sheet, &loaded.table.sheet) {
                let sheet = said(console::SHEET_FOR_SERVING, &[("sheet", read), ("given", s)]);
                println!("{}: {sheet}", said(console::HINT, &[]));
            }
            for w in &loaded.warnings {
                println!("{}: {w}", said(console::ATTENTION, &[]));
            }
            if let Some(record) = &loaded.record {
                print!("{}", record.summary());
            }
            let (picks, choices) = (console::CHECK_PICKS_PER_TABLE, console::CHECK_MOST_CHOICES);
            println!(
                "{}: “{}” — {} {}, {} {}, {} {} {}, {} {} {}, {} {} {}\n{}: {}",
                said(console::CHECK_OK, &[]),
                d.meeting.name,
                r.tables.len(),
                label(console::TABLES_UNIT),
                d.proposals.len(),
                label(console::PROPOSALS_UNIT),
                picks.zh,
                r.picks_per_table,
                picks.en,
                choices.zh,
                r.max_choices,
                choices.en,
                label(console::CHECK_BUDGET),
                r.budget.amount,
                r.budget.currency,
                said(console::RULES_FINGERPRINT, &[]),
                yuanzhuo_engine::fingerprint(d),
            );
            Ok(())
        }
        Cmd::Tokens { data, meeting, proposals, voters, reason, all_voters, format, base_url } => {
            if voters as usize > yuanzhuo_engine::MAX_CARDS_AT_ONCE {
                bail!("{}", said(console::CARDS_AT_ONCE, &[("max", &yuanzhuo_engine::MAX_CARDS_AT_ONCE)]));
            }
            // While a hub serves the folder, the cards are issued by it (its
            // meeting task writes the log); otherwise here, under the folder's lock.
            let running = if data.join(hub::meeting::store::DB_FILE).exists() {
                hub::meeting::folder::serving(&data)
            } else {
                None
            };
            let mut _lock = None;
            // The join links point at the running hub, when one serves the folder.
            let serving_at = running.as_ref().map(|h| h.address.clone()).filter(|a| !a.is_empty());
            let (store, def, minted) = match running {
                Some(holder) => {
                    let store = Store::open_read_only(&data)?;
                    let def = server::stored_definition(&store)?;
                    if meeting.is_some() || proposals.is_some() {
                        let values: [(&str, &dyn std::fmt::Display); 2] =
                            [("pid", &holder.pid), ("path", &data.display())];
                        bail!("{}", told(console::MEETING_EXISTS_HUB_SERVING, &values));
                    }
                    let minted = if voters > 0 {
                        if voters > hub::http::admin::MAX_CARDS {
                            let max = hub::http::admin::MAX_CARDS;
                            bail!("{}", said(console::CARDS_AT_ONCE_WHILE_SERVING, &[("max", &max)]));
                        }
                        let serials = issue_through_hub(&store, &holder, voters, &reason)?;
                        let all = store.tokens()?;
                        all.into_iter().filter(|t| serials.contains(&t.serial)).collect()
                    } else {
                        vec![]
                    };
                    (store, def, minted)
                }
                None => {
                    std::fs::create_dir_all(&data)
                        .with_context(|| said(console::CANNOT_CREATE_DATA_FOLDER, &[("path", &data.display())]))?;
                    _lock = Some(hub::meeting::folder::Lock::acquire(&data)?);
                    let (mut store, def) =
                        server::prepare(&data, meeting.as_deref(), proposals.as_deref(), server::DemoVoters(0))?;
                    let minted =
                        if voters > 0 { hub::meeting::issue_offline(&mut store, voters, &reason)? } else { vec![] };
                    (store, def, minted)
                }
            };
            let all = store.tokens()?;
            let shown: Vec<_> = if all_voters {
                all.iter().filter(|t| t.role == yuanzhuo_protocol::Role::Voter).cloned().collect()
            } else {
                minted
            };
            let base = base_url
                .or(serving_at)
                .unwrap_or_else(|| server::public_base(SocketAddr::from(([0, 0, 0, 0], DEFAULT_PORT))));
            let sheet = TokenSheet::build(&def.rules, &def.meeting.name, base.trim_end_matches('/'), &all, &shown)?;
            match format {
                Format::Text => print!("{}", sheet.to_text()),
                Format::Json => println!("{}", serde_json::to_string_pretty(&sheet)?),
            }
            drop(store);
            Ok(())
        }
        Cmd::Export { data, format, lang, out } => {
            if matches!(format, ExportFormat::Xlsx) && out.is_none() {
                bail!("{}", said(console::XLSX_NEEDS_OUT, &[]));
            }
            let loaded = hub::documents::export::load(&data)?;
            let bytes = match format {
                ExportFormat::Json => {
                    (serde_json::to_string_pretty(&hub::documents::export::json(&loaded)?)? + "\n").into_bytes()
                }
                ExportFormat::Csv => {
                    let lang = match lang {
                        CsvLang::Zh => hub::documents::export::Lang::Zh,
                        CsvLang::En => hub::documents::export::Lang::En,
                    };
                    hub::documents::export::csv(&loaded, lang)?.into_bytes()
                }
                ExportFormat::Log => hub::documents::export::log_lines(&loaded)?.into_bytes(),
                ExportFormat::Xlsx => hub::documents::publish::render(&loaded, Doc::Xlsx)?,
                ExportFormat::Notice => hub::documents::publish::render(&loaded, Doc::Notice)?,
                ExportFormat::Letters => hub::documents::publish::render(&loaded, Doc::Letters)?,
                ExportFormat::Pabulib => hub::documents::publish::render(&loaded, Doc::Pabulib)?,
                ExportFormat::Contacts => {
                    eprintln!("{}", said(console::CONTACTS_ARE_INTERNAL, &[]));
                    hub::documents::export::contacts(&loaded, &data)?.into_bytes()
                }
            };
            match out {
                Some(p) => std::fs::write(&p, bytes)?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
            Ok(())
        }
        Cmd::Prescreen { record, sheet, out } => {
            let (csv, read) = hub::documents::definition::draft_list(&record, sheet.as_deref())?;
            eprint!("{}", read.summary());
            let n = csv.lines().count().saturating_sub(1);
            match &out {
                Some(p) => {
                    std::fs::write(p, &csv).with_context(|| said(console::CANNOT_WRITE, &[("path", &p.display())]))?
                }
                None => print!("{csv}"),
            }
            eprintln!("{}", told(console::PROPOSALS_DRAFTED, &[("n", &n), ("path", &record.display())]));
            Ok(())
        }
        Cmd::Print { what, data, from, to, table, out } => {
            use hub::documents::publish::hall::{Print, PrintOptions};
            let what = match what {
                PrintKind::Ballots => Print::Ballots,
                PrintKind::Posters => Print::Posters,
                PrintKind::Handouts => Print::Handouts,
                PrintKind::Minutes => Print::Minutes,
                PrintKind::Record => Print::Record,
            };
            if !Store::path_in(&data).exists() {
                bail!("{}", said(console::NO_MEETING_DATA_IN, &[("path", &data.display())]));
            }
            let from = whole("--from", from)?;
            let to = whole("--to", to)?;
            let table = match whole::<u32>("--table", table)? {
                Some(t) => Some(
                    yuanzhuo_protocol::TableNo::try_from(t)
                        .map_err(|_| anyhow::anyhow!("{}", said(console::NO_TABLE, &[("t", &t)])))?,
                ),
                None => None,
            };
            let loaded = hub::documents::export::load(&data)?;
            let html = hub::documents::publish::hall::render(&loaded, what, &PrintOptions { from, to, table })?;
            match out {
                Some(p) => std::fs::write(&p, html).with_context(|| format!("cannot write {}", p.display()))?,
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(html.as_bytes())?;
                }
            }
            Ok(())
        }
        Cmd::Verify { data, head } => {
            if !Store::path_in(&data).exists() {
                bail!("{}", said(console::NO_MEETING_DATA_IN, &[("path", &data.display())]));
            }
            print!("{}", hub::documents::export::verify(&data, head.as_deref())?);
            Ok(())
        }
        Cmd::Witness { hub, token, out } => {
            let rt = tokio::runtime::Runtime::new()?;
            rt.block_on(hub::tools::witness::run(hub::tools::witness::WitnessOptions { hub, token, out }))
        }
        Cmd::Restore { from, data, accept_loss } => {
            if let Some(from) = from {
                print!("{}", hub::tools::restore::restore(&from, &data)?);
            }
            if accept_loss {
                print!("{}", hub::tools::restore::accept_loss(&data)?);
            }
            Ok(())
        }
        Cmd::Backup { data, out } => {
            print!("{}", hub::tools::restore::backup(&data, &out)?);
            Ok(())
        }
    }
}

/// Issue voter cards through the hub serving the folder (`POST
/// /api/admin/voters` with the organiser's token, on this machine): the
/// serials of the cards it issued.
fn issue_through_hub(
    store: &Store,
    holder: &hub::meeting::folder::Holder,
    count: u32,
    reason: &str,
) -> Result<Vec<String>> {
    use std::io::{Read, Write};
    let organiser = store
        .tokens()?
        .into_iter()
        .find(|t| t.role == yuanzhuo_protocol::Role::Organiser)
        .with_context(|| said(console::NO_ORGANISER_CARD, &[]))?;
    // "http://192.168.1.5:8470": that address first, this machine's loopback next.
    let authority = holder.address.trim_start_matches("http://").trim_end_matches('/').to_string();
    let port = authority
        .rsplit(':')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .with_context(|| said(console::HUB_ADDRESS_NOT_YET_SAID, &[("pid", &holder.pid)]))?;
    let body = serde_json::json!({ "count": count, "reason": reason }).to_string();
    let mut tcp = std::net::TcpStream::connect(authority.as_str())
        .or_else(|_| std::net::TcpStream::connect((std::net::Ipv4Addr::LOCALHOST, port)))
        .with_context(|| said(console::CANNOT_REACH_HUB, &[("address", &authority), ("pid", &holder.pid)]))?;
    tcp.set_read_timeout(Some(std::time::Duration::from_secs(60)))?;
    write!(
        tcp,
        "POST /api/admin/voters HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        organiser.token,
        body.len()
    )?;
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).with_context(|| said(console::NO_ANSWER_FROM_HUB, &[]))?;
    let (head, text) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse::<u16>().ok()).unwrap_or(0);
    let v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    if status != 201 {
        let refused = console::HUB_REFUSED;
        let (zh, en) = (v["zh"].as_str().unwrap_or(refused.zh), v["en"].as_str().unwrap_or(refused.en));
        bail!("{zh} / {en} ({}; HTTP {status})", v["code"].as_str().unwrap_or("?"));
    }
    let serials: Vec<String> = v["cards"]
        .as_array()
        .map(|cards| cards.iter().filter_map(|c| c["serial"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    eprintln!("{}", said(console::HUB_ISSUED_CARDS, &[("pid", &holder.pid), ("n", &serials.len())]));
    Ok(serials)
}
