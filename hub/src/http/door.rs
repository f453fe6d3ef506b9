//! The door: who gets a socket, for how long before saying who they are,
//! and how many of each kind, so that a full hall of phones or a flood from
//! one address never locks out a voter, a chair or the organiser.
//!
//! Every TCP connection is a **visitor** from the moment it is accepted
//! until it authenticates on `/ws` (or closes): page loads, half-sent
//! requests and sockets that never say `hello` alike. Visitors have a small
//! budget of their own, overall and per address; when it is full the
//! *oldest* visitor gives way (from the same address first), never the
//! newcomer — a flood cannot keep a real phone from getting in, because a
//! real phone says `hello` within milliseconds while the flood's sockets
//! wait. A visitor on `/ws` has until [`AUTH_TIMEOUT_SECS`] after the TCP
//! accept to authenticate.
//!
//! An authenticated connection takes a **seat**: staff (organiser, chairs,
//! recorders, advisers, counters, scrutineers, the projector) have slots
//! kept for them on top of the connection cap; voters share the cap; the
//! anonymous `public` view has a small budget of its own and a per-address
//! limit. Beyond, `server_full` or `too_many_from_address`, close 1013.
//!
//! The open-files limit is raised at start to what these budgets need
//! ([`Limits::fit`]); where the system allows less, the budgets shrink
//! and the hub says so.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use yuanzhuo_protocol::words::console;
use yuanzhuo_protocol::{ErrorCode, Role, AUTH_TIMEOUT_SECS};

/// Staff slots kept on top of the connection cap: 30 tables × 3 seats,
/// counters, scrutineers, the organiser and projectors, each on a phone and
/// a laptop, with room to spare.
pub const STAFF_SLOTS: usize = 256;
/// Connections not yet authenticated (page loads, handshakes), at once.
pub const VISITORS: usize = 1024;
/// … of which from one address.
pub const VISITORS_PER_ADDRESS: usize = 128;
/// Anonymous `public` views at once (the landing page's live view).
pub const PUBLIC: usize = 500;
/// … of which from one address.
pub const PUBLIC_PER_ADDRESS: usize = 16;
/// File descriptors the hub needs besides its sockets (the log database,
/// its WAL, exports, the listener, standard streams).
pub const FD_RESERVE: usize = 64;
/// How long an HTTP request may take to send its headers, and how long a
/// kept-alive connection may sit idle between requests.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How many connections of each kind the hub takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Authenticated voters and public views (`--max-connections`).
    pub max_connections: usize,
    pub staff_slots: usize,
    pub visitors: usize,
    pub visitors_per_address: usize,
    pub public: usize,
    pub public_per_address: usize,
}

/// The open-files limit and what was done about it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileLimit {
    /// The soft limit the hub found at start.
    pub before: u64,
    /// The soft limit now.
    pub now: u64,
    /// What the full budgets need.
    pub needed: u64,
}

impl Limits {
    pub fn new(max_connections: usize) -> Limits {
        Limits {
            max_connections,
            staff_slots: STAFF_SLOTS,
            visitors: VISITORS,
            visitors_per_address: VISITORS_PER_ADDRESS,
            public: PUBLIC.min(max_connections),
            public_per_address: PUBLIC_PER_ADDRESS,
        }
    }

    /// Open files the budgets need at most.
    pub fn files_needed(&self) -> u64 {
        (self.max_connections + self.staff_slots + self.visitors + FD_RESERVE) as u64
    }

    /// Shrink the budgets to `files` open files (the system's limit), if
    /// they need more: staff and visitors keep an eighth each at most, the
    /// crowd gets the rest.
    pub fn fit(&self, files: u64) -> Limits {
        if files >= self.files_needed() {
            return self.clone();
        }
        let room = (files as usize).saturating_sub(FD_RESERVE).max(8);
        let staff_slots = self.staff_slots.min(room / 8).max(1);
        let visitors = self.visitors.min(room / 8).max(2);
        let max_connections = self.max_connections.min(room.saturating_sub(staff_slots + visitors)).max(1);
        Limits {
            max_connections,
            staff_slots,
            visitors,
            visitors_per_address: self.visitors_per_address.min(visitors),
            public: self.public.min(max_connections),
            public_per_address: self.public_per_address,
        }
    }

    /// Raise the open-files limit to what these budgets need; returns the
    /// budgets that fit what the system allows, and what was found.
    pub fn raise_file_limit(&self) -> (Limits, FileLimit) {
        let needed = self.files_needed();
        let before = rlimit::getrlimit(rlimit::Resource::NOFILE).map(|(soft, _)| soft).unwrap_or(needed);
        let now = rlimit::increase_nofile_limit(needed).unwrap_or(before);
        (self.fit(now), FileLimit { before, now, needed })
    }
}

/// Whether a role has slots kept for it.
pub fn is_staff(role: Role) -> bool {
    !matches!(role, Role::Voter | Role::Public)
}

/// Counters for `/healthz` and the benchmarks: what the door turned away.
#[derive(Debug, Default)]
pub struct DoorStats {
    /// Visitors closed to make room for newer ones.
    pub evicted: AtomicU64,
    /// Sockets that did not authenticate in time.
    pub auth_timeouts: AtomicU64,
    /// Authenticated connections refused: the cap, or their kind's budget.
    pub refused_full: AtomicU64,
    /// `public` views refused: too many from one address.
    pub refused_address: AtomicU64,
    /// Frames refused by the rate limit.
    pub rate_limited: AtomicU64,
    /// Connections closed for silence (no pong).
    pub silent: AtomicU64,
}

impl DoorStats {
    pub fn json(&self) -> serde_json::Value {
        let n = |a: &AtomicU64| a.load(Ordering::Relaxed);
        serde_json::json!({
            "evicted": n(&self.evicted),
            "auth_timeouts": n(&self.auth_timeouts),
            "refused_full": n(&self.refused_full),
            "refused_address": n(&self.refused_address),
            "rate_limited": n(&self.rate_limited),
            "silent": n(&self.silent),
        })
    }
}

#[derive(Default)]
struct Inner {
    next: u64,
    /// Visitors by arrival order: the first is the oldest.
    visitors: BTreeMap<u64, (IpAddr, Arc<Signal>)>,
    by_address: HashMap<IpAddr, BTreeSet<u64>>,
    staff: usize,
    crowd: usize,
    public: usize,
    public_by_address: HashMap<IpAddr, usize>,
}

/// The door of one hub.
pub struct Door {
    limits: Limits,
    inner: Mutex<Inner>,
    /// TCP connections open (visitors and seated), for `/healthz`.
    pub open: AtomicUsize,
    pub stats: DoorStats,
    /// Refusals since the last log line about them, and when that was.
    refused_unsaid: AtomicU64,
    warned_at: Mutex<Option<Instant>>,
}

/// At most one log line about refused connections this often.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// Tells a visitor it has to go.
#[derive(Default)]
pub struct Signal {
    gone: AtomicBool,
    why: Mutex<Option<ErrorCode>>,
    notify: Notify,
}

impl Signal {
    fn fire(&self, why: ErrorCode) {
        *self.why.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
        self.gone.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Resolves when the visitor has been asked to leave, with the reason.
    pub async fn evicted(&self) -> ErrorCode {
        loop {
            let n = self.notify.notified();
            if self.gone.load(Ordering::SeqCst) {
                return self.why.lock().unwrap_or_else(|p| p.into_inner()).unwrap_or(ErrorCode::ServerFull);
            }
            n.await;
        }
    }
}

/// One TCP connection, from its accept until it closes. While it has not
/// authenticated it counts among the visitors; dropping it (the last clone)
/// frees its place.
pub struct Visitor {
    door: Arc<Door>,
    id: u64,
    pub address: IpAddr,
    pub accepted: Instant,
    pub signal: Arc<Signal>,
}

impl Visitor {
    /// When a WebSocket on this connection must have said `hello`.
    pub fn auth_deadline(&self) -> Instant {
        self.accepted + Duration::from_secs(AUTH_TIMEOUT_SECS)
    }

    /// No longer a visitor (it authenticated): it cannot be evicted any more.
    fn settle(&self) {
        let mut inner = self.door.lock();
        Door::forget(&mut inner, self.id, self.address);
    }
}

impl Drop for Visitor {
    fn drop(&mut self) {
        self.settle();
        self.door.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// An authenticated connection's place; given back when dropped.
pub struct Seat {
    door: Arc<Door>,
    kind: Kind,
    address: IpAddr,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Staff,
    Voter,
    Public,
}

impl Drop for Seat {
    fn drop(&mut self) {
        let mut inner = self.door.lock();
        match self.kind {
            Kind::Staff => inner.staff -= 1,
            Kind::Voter => inner.crowd -= 1,
            Kind::Public => {
                inner.crowd -= 1;
                inner.public -= 1;
                if let Some(n) = inner.public_by_address.get_mut(&self.address) {
                    *n -= 1;
                    if *n == 0 {
                        inner.public_by_address.remove(&self.address);
                    }
                }
            }
        }
    }
}

impl Door {
    pub fn new(limits: Limits) -> Arc<Door> {
        Arc::new(Door {
            limits,
            inner: Default::default(),
            open: Default::default(),
            stats: Default::default(),
            refused_unsaid: Default::default(),
            warned_at: Default::default(),
        })
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn forget(inner: &mut Inner, id: u64, address: IpAddr) {
        if inner.visitors.remove(&id).is_some() {
            if let Some(set) = inner.by_address.get_mut(&address) {
                set.remove(&id);
                if set.is_empty() {
                    inner.by_address.remove(&address);
                }
            }
        }
    }

    /// A TCP connection was accepted. Always let in; if that makes too many
    /// visitors from this address, or overall, the oldest one gives way.
    pub fn arrive(self: &Arc<Self>, address: IpAddr) -> Arc<Visitor> {
        self.open.fetch_add(1, Ordering::Relaxed);
        let signal = Arc::new(Signal::default());
        let mut inner = self.lock();
        inner.next += 1;
        let id = inner.next;
        inner.visitors.insert(id, (address, signal.clone()));
        inner.by_address.entry(address).or_default().insert(id);
        let mut evict = vec![];
        if let Some(set) = inner.by_address.get(&address) {
            if set.len() > self.limits.visitors_per_address {
                if let Some(&oldest) = set.first() {
                    evict.push((oldest, address, ErrorCode::TooManyFromAddress));
                }
            }
        }
        if evict.is_empty() && inner.visitors.len() > self.limits.visitors {
            if let Some((&oldest, (a, _))) = inner.visitors.first_key_value() {
                evict.push((oldest, *a, ErrorCode::ServerFull));
            }
        }
        for (old, a, why) in evict {
            if let Some((_, s)) = inner.visitors.get(&old) {
                s.fire(why);
            }
            Door::forget(&mut inner, old, a);
            self.stats.evicted.fetch_add(1, Ordering::Relaxed);
        }
        drop(inner);
        Arc::new(Visitor { door: self.clone(), id, address, accepted: Instant::now(), signal })
    }

    /// A visitor authenticated as `role`: give it a seat, or say why not.
    pub fn seat(self: &Arc<Self>, visitor: &Visitor, role: Role) -> Result<Seat, ErrorCode> {
        let l = &self.limits;
        let mut inner = self.lock();
        let over_staff = inner.staff.saturating_sub(l.staff_slots);
        let kind = match role {
            Role::Public => Kind::Public,
            Role::Voter => Kind::Voter,
            _ => Kind::Staff,
        };
        let room = match kind {
            // Staff use their kept slots first, then the crowd's.
            Kind::Staff => inner.staff < l.staff_slots || inner.crowd + over_staff < l.max_connections,
            Kind::Voter => inner.crowd + over_staff < l.max_connections,
            Kind::Public => inner.crowd + over_staff < l.max_connections && inner.public < l.public,
        };
        if !room {
            self.stats.refused_full.fetch_add(1, Ordering::Relaxed);
            return Err(ErrorCode::ServerFull);
        }
        if kind == Kind::Public
            && inner.public_by_address.get(&visitor.address).copied().unwrap_or(0) >= l.public_per_address
        {
            self.stats.refused_address.fetch_add(1, Ordering::Relaxed);
            return Err(ErrorCode::TooManyFromAddress);
        }
        match kind {
            Kind::Staff => inner.staff += 1,
            Kind::Voter => inner.crowd += 1,
            Kind::Public => {
                inner.crowd += 1;
                inner.public += 1;
                *inner.public_by_address.entry(visitor.address).or_insert(0) += 1;
            }
        }
        drop(inner);
        visitor.settle();
        Ok(Seat { door: self.clone(), kind, address: visitor.address })
    }

    /// Say in the log that connections are being refused, and why (at
    /// most once every ten seconds, with how many since the last time).
    pub fn warn_refused(&self, code: ErrorCode) {
        let n = self.refused_unsaid.fetch_add(1, Ordering::Relaxed) + 1;
        let mut at = self.warned_at.lock().unwrap_or_else(|p| p.into_inner());
        if at.is_some_and(|t| t.elapsed() < WARN_EVERY) {
            return;
        }
        *at = Some(Instant::now());
        self.refused_unsaid.store(0, Ordering::Relaxed);
        drop(at);
        let (crowd, staff, public) = {
            let inner = self.lock();
            (inner.crowd, inner.staff, inner.public)
        };
        let l = &self.limits;
        tracing::warn!(
            "{}",
            crate::said(
                console::REFUSING_CONNECTIONS,
                &[
                    ("code", &code.as_str()),
                    ("crowd", &crowd),
                    ("max", &l.max_connections),
                    ("staff", &staff),
                    ("kept", &l.staff_slots),
                    ("public", &public),
                    ("pmax", &l.public),
                    ("per", &l.public_per_address),
                    ("n", &n),
                ]
            )
        );
    }

    /// Authenticated connections (staff and crowd).
    pub fn seated(&self) -> usize {
        let inner = self.lock();
        inner.staff + inner.crowd
    }

    /// What `/healthz` shows of the door.
    pub fn json(&self) -> serde_json::Value {
        let inner = self.lock();
        let l = &self.limits;
        serde_json::json!({
            "open": self.open.load(Ordering::Relaxed),
            "visitors": inner.visitors.len(),
            "staff": inner.staff,
            "crowd": inner.crowd,
            "public": inner.public,
            "limits": {
                "max_connections": l.max_connections,
                "staff_slots": l.staff_slots,
                "visitors": l.visitors,
                "visitors_per_address": l.visitors_per_address,
                "public": l.public,
                "public_per_address": l.public_per_address,
            },
            "turned_away": self.stats.json(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 168, 1, last])
    }

    fn small() -> Limits {
        Limits {
            max_connections: 4,
            staff_slots: 2,
            visitors: 6,
            visitors_per_address: 3,
            public: 3,
            public_per_address: 2,
        }
    }

    #[test]
    fn the_oldest_visitor_from_a_crowded_address_gives_way() {
        let door = Door::new(small());
        let flood: Vec<_> = (0..3).map(|_| door.arrive(ip(9))).collect();
        assert!(flood.iter().all(|v| !v.signal.gone.load(Ordering::SeqCst)));
        let newcomer = door.arrive(ip(9));
        assert!(flood[0].signal.gone.load(Ordering::SeqCst), "the oldest goes");
        assert!(!flood[1].signal.gone.load(Ordering::SeqCst));
        assert!(!newcomer.signal.gone.load(Ordering::SeqCst), "never the newcomer");
        assert_eq!(*flood[0].signal.why.lock().unwrap(), Some(ErrorCode::TooManyFromAddress));
        // Other addresses are not touched.
        let other = door.arrive(ip(2));
        assert!(!other.signal.gone.load(Ordering::SeqCst));
        assert_eq!(door.stats.evicted.load(Ordering::Relaxed), 1);
        assert_eq!(door.json()["visitors"], 4);
    }

    #[test]
    fn a_full_door_lets_the_newcomer_in_and_the_oldest_out() {
        let door = Door::new(small());
        let early: Vec<_> = (1..=6).map(|i| door.arrive(ip(i))).collect();
        let late = door.arrive(ip(7));
        assert!(early[0].signal.gone.load(Ordering::SeqCst));
        assert!(early[1..].iter().all(|v| !v.signal.gone.load(Ordering::SeqCst)));
        assert!(!late.signal.gone.load(Ordering::SeqCst));
        assert_eq!(door.json()["visitors"], 6);
        drop(early);
        assert_eq!(door.json()["visitors"], 1);
        assert_eq!(door.open.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn staff_keep_their_slots_when_the_crowd_is_full() {
        let door = Door::new(small());
        let v: Vec<_> = (0..6).map(|i| door.arrive(ip(i))).collect();
        let voters: Vec<Seat> = v[..4].iter().map(|x| door.seat(x, Role::Voter).unwrap()).collect();
        assert_eq!(door.seat(&v[4], Role::Voter).err(), Some(ErrorCode::ServerFull));
        assert_eq!(door.seat(&v[4], Role::Public).err(), Some(ErrorCode::ServerFull));
        let org = door.seat(&v[4], Role::Organiser).unwrap();
        let chair = door.seat(&v[5], Role::Chair).unwrap();
        assert_eq!(door.json()["visitors"], 0, "seated: no longer visitors");
        // Past the kept slots, staff take the crowd's room, and there is none.
        let w = door.arrive(ip(40));
        assert_eq!(door.seat(&w, Role::Recorder).err(), Some(ErrorCode::ServerFull));
        drop(voters);
        let rec = door.seat(&w, Role::Recorder).unwrap();
        // One staff over the kept slots now counts against the crowd.
        let x: Vec<_> = (0..4).map(|i| door.arrive(ip(50 + i))).collect();
        let crowd: Vec<Seat> = x[..3].iter().map(|x| door.seat(x, Role::Voter).unwrap()).collect();
        assert_eq!(door.seat(&x[3], Role::Voter).err(), Some(ErrorCode::ServerFull));
        drop((org, chair, rec, crowd));
        assert_eq!(door.json()["staff"], 0);
        assert_eq!(door.json()["crowd"], 0);
    }

    #[test]
    fn public_views_have_their_own_budget_and_a_limit_per_address() {
        let door = Door::new(small());
        let v: Vec<_> = (0..6).map(|_| door.arrive(ip(3))).collect();
        let a = door.seat(&v[0], Role::Public).unwrap();
        let _b = door.seat(&v[1], Role::Public).unwrap();
        assert_eq!(door.seat(&v[2], Role::Public).err(), Some(ErrorCode::TooManyFromAddress));
        let w = door.arrive(ip(4));
        let _c = door.seat(&w, Role::Public).unwrap();
        let z = door.arrive(ip(5));
        assert_eq!(door.seat(&z, Role::Public).err(), Some(ErrorCode::ServerFull), "the public budget");
        // …while a voter still gets in.
        let _voter = door.seat(&z, Role::Voter).unwrap();
        drop(a);
        assert!(door.seat(&v[3], Role::Public).is_ok(), "a place freed");
        assert_eq!(door.stats.refused_address.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn budgets_shrink_to_the_open_files_allowed() {
        let l = Limits::new(10_000);
        assert_eq!(l.files_needed(), 10_000 + 256 + 1024 + 64);
        assert_eq!(l.fit(1_000_000), l);
        let f = l.fit(1024);
        assert_eq!(f.staff_slots, 120);
        assert_eq!(f.visitors, 120);
        assert_eq!(f.max_connections, 720);
        assert!(f.files_needed() <= 1024);
        assert!(f.public <= f.max_connections);
        let tiny = l.fit(10);
        assert!(tiny.max_connections >= 1 && tiny.staff_slots >= 1);
    }

    #[test]
    fn staff_are_the_roles_that_run_the_meeting() {
        assert!(!is_staff(Role::Voter) && !is_staff(Role::Public));
        for r in [
            Role::Organiser,
            Role::Chair,
            Role::Recorder,
            Role::Adviser,
            Role::Counter,
            Role::Scrutineer,
            Role::Projector,
        ] {
            assert!(is_staff(r));
        }
    }
}
