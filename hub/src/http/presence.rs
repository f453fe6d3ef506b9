//! Who is connected right now: live, authenticated WebSocket connections
//! counted per role and per table seat (chair of table 2, the all-tables
//! adviser…). The organiser's console shows it so that a missing chair or a
//! projector that dropped off the Wi-Fi is noticed before it matters.
//!
//! Counts only, never who: a voter is one of "voters connected", and the
//! log is not involved (presence is not part of the meeting's record).

use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use yuanzhuo_protocol::*;

/// One seat a token occupies: its role, its table, and whether it covers
/// every table (the all-tables adviser).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seat {
    pub role: Role,
    pub table: Option<TableNo>,
    pub all_tables: bool,
}

impl Seat {
    pub fn of(you: &Identity) -> Seat {
        Seat { role: you.role, table: you.table, all_tables: you.all_tables }
    }
}

/// Live connections per seat. Connecting and leaving are rare next to the
/// meeting's traffic (a phone connects once), so one mutex is plenty.
#[derive(Default)]
pub struct Presence {
    seats: Arc<Mutex<BTreeMap<Seat, u32>>>,
    /// Staff cards connected from each network address ("organiser",
    /// "counter-1"…): a desk card claimed from the organiser's address is
    /// shown as such to the room.
    staff: StaffAddresses,
}

/// Held by a connection while it lives; leaving the seat when dropped means
/// every way a connection can end (close, error, panic, shutdown) counts.
pub struct Here {
    seats: Arc<Mutex<BTreeMap<Seat, u32>>>,
    seat: Seat,
    staff: Option<(StaffAddresses, IpAddr, String)>,
}

/// Staff cards connected, by network address.
type StaffAddresses = Arc<Mutex<HashMap<IpAddr, Vec<String>>>>;

impl Drop for Here {
    fn drop(&mut self) {
        let mut seats = self.seats.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = seats.get_mut(&self.seat) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                seats.remove(&self.seat);
            }
        }
        if let Some((staff, ip, label)) = &self.staff {
            let mut staff = staff.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(labels) = staff.get_mut(ip) {
                if let Some(i) = labels.iter().position(|l| l == label) {
                    labels.swap_remove(i);
                }
                if labels.is_empty() {
                    staff.remove(ip);
                }
            }
        }
    }
}

impl Presence {
    /// Take a seat from `ip`; a staff card (`label`) is also known by its address.
    pub fn enter(&self, seat: Seat, ip: IpAddr, label: Option<String>) -> Here {
        let mut seats = self.seats.lock().unwrap_or_else(|p| p.into_inner());
        *seats.entry(seat).or_insert(0) += 1;
        let staff = label.map(|label| {
            self.staff.lock().unwrap_or_else(|p| p.into_inner()).entry(ip).or_default().push(label.clone());
            (self.staff.clone(), ip, label)
        });
        Here { seats: self.seats.clone(), seat, staff }
    }

    /// The staff cards connected from `ip`, but `not` (sorted, each once).
    pub fn labels_at(&self, ip: IpAddr, not: &str) -> Vec<String> {
        let staff = self.staff.lock().unwrap_or_else(|p| p.into_inner());
        let mut out: Vec<String> =
            staff.get(&ip).map(|l| l.iter().filter(|x| *x != not).cloned().collect()).unwrap_or_default();
        out.sort();
        out.dedup();
        out
    }

    /// What the organiser's console shows, with every table of the meeting
    /// listed (zeros included) so that an empty seat is visible.
    pub fn report(&self, rules: &Rules) -> PresenceReport {
        let seats = self.seats.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut roles: BTreeMap<&'static str, u32> = [
            Role::Organiser,
            Role::Chair,
            Role::Recorder,
            Role::Adviser,
            Role::Voter,
            Role::Scrutineer,
            Role::Projector,
            Role::Public,
            Role::Counter,
            Role::Registrar,
            Role::Screen,
        ]
        .into_iter()
        .map(|r| (r.en(), 0))
        .collect();
        let mut tables: Vec<TablePresence> = rules
            .tables
            .iter()
            .enumerate()
            .map(|(i, name)| TablePresence {
                table: i as TableNo + 1,
                name: name.clone(),
                chair: 0,
                recorder: 0,
                adviser: 0,
            })
            .collect();
        let mut adviser_all = 0;
        let mut connections = 0;
        for (seat, n) in &seats {
            connections += n;
            *roles.entry(seat.role.en()).or_insert(0) += n;
            if seat.all_tables {
                adviser_all += n;
            }
            let Some(t) = seat.table.and_then(|t| tables.get_mut((t as usize).wrapping_sub(1))) else { continue };
            match seat.role {
                Role::Chair => t.chair += n,
                Role::Recorder => t.recorder += n,
                Role::Adviser => t.adviser += n,
                _ => {}
            }
        }
        PresenceReport { connections, roles, tables, adviser_all }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PresenceReport {
    /// Authenticated connections (a socket still saying hello is not counted).
    pub connections: u32,
    /// Per role (`"chair"`, `"voter"`…), every role listed.
    pub roles: BTreeMap<&'static str, u32>,
    /// Per table: connections of its chair, recorder and adviser cards.
    pub tables: Vec<TablePresence>,
    /// Connections of the all-tables adviser card.
    pub adviser_all: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TablePresence {
    pub table: TableNo,
    pub name: String,
    pub chair: u32,
    pub recorder: u32,
    pub adviser: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCAL: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    fn rules(tables: usize) -> Rules {
        Rules {
            tables: (1..=tables).map(|i| format!("第{i}桌")).collect(),
            picks_per_table: 3,
            max_choices: 10,
            discussion_minutes: 40,
            pitch_minutes: 3,
            budget: Budget { amount: 300_000, currency: "CNY".into() },
            allocation: Allocation::GreedySkip,
            tie_break: TieBreak::LowerCost,
            tally: TallyVisibility::Live,
            assignment: Assignment::SplitEvenly,
            board: Default::default(),
            registration: Default::default(),
        }
    }

    fn seat(role: Role, table: Option<TableNo>) -> Seat {
        Seat { role, table, all_tables: false }
    }

    #[test]
    fn counts_seats_while_held_and_forgets_them_when_dropped() {
        let p = Presence::default();
        let chair = p.enter(seat(Role::Chair, Some(2)), LOCAL, None);
        let chair_again = p.enter(seat(Role::Chair, Some(2)), LOCAL, None);
        let voters: Vec<Here> = (0..5).map(|_| p.enter(seat(Role::Voter, None), LOCAL, None)).collect();
        let all = p.enter(Seat { role: Role::Adviser, table: None, all_tables: true }, LOCAL, None);
        let r = p.report(&rules(3));
        assert_eq!(r.connections, 8);
        assert_eq!(r.roles["chair"], 2);
        assert_eq!(r.roles["voter"], 5);
        assert_eq!(r.roles["adviser"], 1);
        assert_eq!(r.roles["recorder"], 0);
        assert_eq!(r.adviser_all, 1);
        assert_eq!(r.tables.len(), 3);
        assert_eq!((r.tables[1].chair, r.tables[1].recorder, r.tables[1].adviser), (2, 0, 0));
        assert_eq!(r.tables[0].chair, 0);

        drop(chair);
        drop(voters);
        drop(all);
        let r = p.report(&rules(3));
        assert_eq!(r.connections, 1);
        assert_eq!(r.tables[1].chair, 1);
        assert_eq!(r.roles["voter"], 0);
        drop(chair_again);
        assert_eq!(p.report(&rules(3)).connections, 0);
        assert!(p.seats.lock().unwrap().is_empty(), "empty seats are removed");
    }

    #[test]
    fn a_seat_beyond_the_tables_is_counted_by_role_only() {
        let p = Presence::default();
        let _h = p.enter(seat(Role::Recorder, Some(9)), LOCAL, None);
        let _z = p.enter(seat(Role::Recorder, Some(0)), LOCAL, None);
        let r = p.report(&rules(2));
        assert_eq!(r.roles["recorder"], 2);
        assert!(r.tables.iter().all(|t| t.recorder == 0));
    }
}
