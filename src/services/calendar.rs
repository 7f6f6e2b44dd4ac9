//! What free times depend on, read from the database, and kept in memory for the pages
//! that show them.
//!
//! A [`Roster`] is what changes rarely: the desk's rules, opening hours and closed days, the
//! interpreters qualified for a mode (and until when), their care training, their weekly
//! hours and their exceptions. A [`Calendar`] is a roster with what existing sessions hold.
//! Reading one takes a dozen queries and hundreds of rows, while the day and time pages are
//! read far more often than the schedule changes, so [`ScheduleCache`] reads each once and
//! shares it until:
//!
//! - this process commits a change to what it depends on: every such service commits
//!   through [`super::schedule_changes`], which drops what was read before;
//! - [`FRESH_FOR`] has passed, so that changes made by other processes on the same database
//!   show within that time.
//!
//! What the pages show is advice. Confirming a booking reads the roster from here but the
//! holds at the chosen time inside its own transaction, and the database refuses a second
//! hold of one interpreter's quarter hour.

use super::interpreters::{self, Exception, Weekly};
use super::schedule_changes;
use super::settings::{self, DeskSettings};
use crate::domain::matching::{self, FreeInterpreter, Wants};
use crate::domain::qualification_record::{CARE_TRAINING, holds_on};
use crate::domain::schedule::{
    self, Candidate, DayChange, DayQuestion, GRID_MINUTES, Interval, ModeRules, SessionMode,
};
use crate::domain::{LanguageFit, Qualification, Role, SignLanguage, qualification};
use crate::entities::{interpreter_hold, staff_qualification, staff_user};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};
use time::{Date, Duration, OffsetDateTime};
use time_tz::{OffsetDateTimeExt, Tz};

/// The first instant of a local day.
pub fn day_start(day: Date, tz: &Tz) -> OffsetDateTime {
    super::audit::start_of_day(day, tz).to_offset(time::UtcOffset::UTC)
}

/// The local date of an instant.
pub fn local_date(at: OffsetDateTime, tz: &Tz) -> Date {
    at.to_timezone(tz).date()
}

/// The active interpreters who hold the qualification for a mode, by id, each with the
/// last day it holds (`None`: it does not expire). Whether it holds on a session's day is
/// for the caller to judge.
pub async fn qualified<C: ConnectionTrait>(
    conn: &C,
    mode: SessionMode,
) -> Result<Vec<(i64, Option<Date>)>, DbErr> {
    let records: HashMap<i64, Option<Date>> = staff_qualification::Entity::find()
        .filter(
            staff_qualification::Column::Qualification.eq(Qualification::for_mode(mode).as_str()),
        )
        .all(conn)
        .await?
        .into_iter()
        .map(|q| (q.staff_user_id, q.expires_on))
        .collect();
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut active: Vec<(i64, Option<Date>)> = staff_user::Entity::find()
        .filter(staff_user::Column::Id.is_in(records.keys().copied().collect::<Vec<_>>()))
        .filter(staff_user::Column::Active.eq(true))
        .filter(staff_user::Column::Role.eq(Role::Interpreter.as_str()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, records.get(&s.id).copied().flatten()))
        .collect();
    active.sort_unstable();
    Ok(active)
}

/// Of the given staff members, those who hold care training ([`CARE_TRAINING`]), each with
/// the last day the longest-lasting of it holds (`None`: some of it does not expire).
pub async fn care_trained<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, Option<Date>>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut out: HashMap<i64, Option<Date>> = HashMap::new();
    for row in staff_qualification::Entity::find()
        .filter(staff_qualification::Column::StaffUserId.is_in(ids.to_vec()))
        .filter(
            staff_qualification::Column::Qualification
                .is_in(CARE_TRAINING.iter().map(|q| q.as_str())),
        )
        .all(conn)
        .await?
    {
        let until = out.entry(row.staff_user_id).or_insert(row.expires_on);
        *until = match (*until, row.expires_on) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    Ok(out)
}

/// What a customer is told of an interpreter: never their full name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterpreterCard {
    /// Their display name.
    pub display_name: String,
}

/// The cards of the given staff members, by id.
pub async fn cards<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, InterpreterCard>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::Id.is_in(ids.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| {
            let card = InterpreterCard {
                display_name: s.display_name,
            };
            (s.id, card)
        })
        .collect())
}

/// What sessions hold of each interpreter.
pub type Holds = HashMap<i64, Vec<Interval>>;

/// The cells held by the given interpreters from `from` up to `until`, as merged intervals
/// per interpreter, leaving out one booking's own cells when asked.
pub async fn holds_between<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
    from: OffsetDateTime,
    until: OffsetDateTime,
    ignore_booking: Option<i64>,
) -> Result<Holds, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut query = interpreter_hold::Entity::find()
        .filter(interpreter_hold::Column::StaffUserId.is_in(ids.to_vec()))
        .filter(interpreter_hold::Column::CellStart.gte(from.unix_timestamp()))
        .filter(interpreter_hold::Column::CellStart.lt(until.unix_timestamp()));
    if let Some(id) = ignore_booking {
        query = query.filter(interpreter_hold::Column::BookingId.ne(id));
    }
    let mut cells: HashMap<i64, Vec<Interval>> = HashMap::new();
    for hold in query.all(conn).await? {
        let Ok(start) = OffsetDateTime::from_unix_timestamp(hold.cell_start) else {
            continue;
        };
        cells.entry(hold.staff_user_id).or_default().push(Interval {
            start,
            end: start + Duration::minutes(GRID_MINUTES),
        });
    }
    Ok(cells
        .into_iter()
        .map(|(id, list)| (id, schedule::merged(&list)))
        .collect())
}

/// What a mode's free times depend on over a range of days, apart from existing sessions.
#[derive(Debug, Clone)]
pub struct Roster {
    /// The desk's settings.
    pub desk: DeskSettings,
    /// The mode.
    pub mode: SessionMode,
    /// The mode's rules.
    pub rules: ModeRules,
    /// The desk's time zone.
    pub tz: &'static Tz,
    /// The active interpreters qualified for the mode, by id, whether or not their
    /// qualification holds on every covered day.
    pub interpreters: Vec<i64>,
    /// The first and last day covered.
    pub days: (Date, Date),
    /// What customers are told of each interpreter.
    pub cards: HashMap<i64, InterpreterCard>,
    /// The sign languages each interpreter signs (for sign-language sessions).
    pub signs: HashMap<i64, Vec<SignLanguage>>,
    /// The last day each interpreter's qualification for the mode holds, for those whose
    /// qualification expires.
    expiries: HashMap<i64, Date>,
    /// The last day each interpreter's care training holds (`None`: it does not expire),
    /// for those who hold some.
    care: HashMap<i64, Option<Date>>,
    weekly: Weekly,
    exceptions: HashMap<i64, Vec<Exception>>,
}

impl Roster {
    /// Reads the roster of a mode from `from` to `until` (inclusive).
    pub async fn load<C: ConnectionTrait>(
        conn: &C,
        tz: &'static Tz,
        mode: SessionMode,
        from: Date,
        until: Date,
    ) -> Result<Roster, DbErr> {
        let desk = settings::load(conn).await?;
        let rules = desk.rules(mode);
        let records = qualified(conn, mode).await?;
        let interpreters: Vec<i64> = records.iter().map(|(id, _)| *id).collect();
        let expiries = records
            .iter()
            .filter_map(|(id, last)| last.map(|last| (*id, last)))
            .collect();
        let care = care_trained(conn, &interpreters).await?;
        let (weekly, exceptions) = if interpreters.is_empty() {
            Default::default()
        } else {
            (
                interpreters::weekly_of(conn, &interpreters).await?,
                interpreters::exceptions_between(conn, &interpreters, from, until).await?,
            )
        };
        let cards = cards(conn, &interpreters).await?;
        let signs = if mode == SessionMode::SignLanguageVideo && !interpreters.is_empty() {
            interpreters::sign_languages_of(conn, &interpreters).await?
        } else {
            HashMap::new()
        };
        Ok(Roster {
            desk,
            mode,
            rules,
            tz,
            interpreters,
            days: (from, until),
            cards,
            signs,
            expiries,
            care,
            weekly,
            exceptions,
        })
    }

    /// From when to when sessions starting on the covered days can hold anyone: from the
    /// first day's start to a whole hold past the last day's end.
    pub fn hold_window(&self) -> (OffsetDateTime, OffsetDateTime) {
        let (from, until) = self.days;
        let after = day_start(until.next_day().unwrap_or(until), self.tz);
        (
            day_start(from, self.tz),
            schedule::held(after, &self.rules).end,
        )
    }

    /// Whether an interpreter's qualification for the mode holds on `day`: an interpreter
    /// whose qualification expired before a day is offered nothing that day.
    pub fn qualified_on(&self, interpreter: i64, day: Date) -> bool {
        holds_on(self.expiries.get(&interpreter).copied(), day)
    }

    /// Whether an interpreter holds care training on `day`.
    pub fn care_trained_on(&self, interpreter: i64, day: Date) -> bool {
        self.care
            .get(&interpreter)
            .is_some_and(|last| holds_on(*last, day))
    }

    /// The days of the interpreters whose qualification holds on `day`, for the arithmetic.
    fn candidates(&self, day: Date, holds: &Holds) -> Vec<Candidate> {
        let weekday = day.weekday().number_from_monday();
        self.interpreters
            .iter()
            .filter(|&&id| self.qualified_on(id, day))
            .map(|&id| {
                let usual = self
                    .weekly
                    .get(&id)
                    .and_then(|w| w.get(&weekday))
                    .cloned()
                    .unwrap_or_default();
                let changes: Vec<DayChange> = self
                    .exceptions
                    .get(&id)
                    .map(|list| {
                        list.iter()
                            .filter(|e| e.day == day)
                            .map(|e| e.change)
                            .collect()
                    })
                    .unwrap_or_default();
                Candidate {
                    interpreter_id: id,
                    available: schedule::available_on(day, self.tz, &usual, &changes),
                    held: holds.get(&id).cloned().unwrap_or_default(),
                }
            })
            .collect()
    }

    /// The start times a customer can choose on a day, given what is held.
    pub fn free_starts(
        &self,
        day: Date,
        now: OffsetDateTime,
        holds: &Holds,
    ) -> Vec<OffsetDateTime> {
        let opening = self.desk.opening_on(day);
        let candidates = self.candidates(day, holds);
        schedule::free_starts(&DayQuestion {
            day,
            tz: self.tz,
            opening: &opening,
            rules: &self.rules,
            now,
            candidates: &candidates,
        })
    }

    /// The qualified interpreters free for a session starting at `start`, given what is
    /// held, whatever the notice and opening hours (staff may place a session anywhere an
    /// interpreter is free).
    pub fn free_interpreters(&self, start: OffsetDateTime, holds: &Holds) -> Vec<i64> {
        self.candidates(local_date(start, self.tz), holds)
            .into_iter()
            .filter(|c| c.free_for(start, &self.rules))
            .map(|c| c.interpreter_id)
            .collect()
    }

    /// How an interpreter's sign languages meet a session's requested one.
    pub fn language_fit(&self, interpreter: i64, requested: Option<&str>) -> LanguageFit {
        let signs = self.signs.get(&interpreter).map_or(&[][..], Vec::as_slice);
        qualification::language_fit(requested, signs)
    }

    /// The interpreters free for a session starting at `start`, given what is held, in the
    /// order the desk gives it to them ([`matching::preferred`]): the first takes it.
    /// `counts` holds each one's sessions that week.
    pub fn preferred(
        &self,
        start: OffsetDateTime,
        holds: &Holds,
        wants: &Wants<'_>,
        counts: &HashMap<i64, i64>,
    ) -> Vec<i64> {
        let day = local_date(start, self.tz);
        let free: Vec<FreeInterpreter> = self
            .free_interpreters(start, holds)
            .into_iter()
            .map(|id| FreeInterpreter {
                id,
                signs_language: self.language_fit(id, wants.sign_language) == LanguageFit::Fits,
                care_trained: self.care_trained_on(id, day),
                sessions_that_week: counts.get(&id).copied().unwrap_or(0),
            })
            .collect();
        matching::preferred(&free, wants.care)
    }

    /// Whether a customer could choose `start` now, given what is held.
    pub fn offers(&self, start: OffsetDateTime, now: OffsetDateTime, holds: &Holds) -> bool {
        self.free_starts(local_date(start, self.tz), now, holds)
            .contains(&start)
    }

    /// What is held, inside the transaction or connection given, during the hold a session
    /// starting at `start` would need: all that decides whether that start is free.
    pub async fn holds_at<C: ConnectionTrait>(
        &self,
        conn: &C,
        start: OffsetDateTime,
    ) -> Result<Holds, DbErr> {
        let hold = schedule::held(start, &self.rules);
        holds_between(conn, &self.interpreters, hold.start, hold.end, None).await
    }
}

/// A roster with what existing sessions hold: everything a mode's free times depend on
/// over a range of days.
#[derive(Debug, Clone)]
pub struct Calendar {
    roster: Arc<Roster>,
    holds: Holds,
}

impl std::ops::Deref for Calendar {
    type Target = Roster;
    fn deref(&self) -> &Roster {
        &self.roster
    }
}

impl Calendar {
    /// Reads the calendar of a mode from `from` to `until` (inclusive), leaving out one
    /// booking's own hold (when it is being moved or reassigned).
    pub async fn load<C: ConnectionTrait>(
        conn: &C,
        tz: &'static Tz,
        mode: SessionMode,
        from: Date,
        until: Date,
        ignore_booking: Option<i64>,
    ) -> Result<Calendar, DbErr> {
        let roster = Arc::new(Roster::load(conn, tz, mode, from, until).await?);
        Calendar::with_holds(conn, roster, ignore_booking).await
    }

    async fn with_holds<C: ConnectionTrait>(
        conn: &C,
        roster: Arc<Roster>,
        ignore_booking: Option<i64>,
    ) -> Result<Calendar, DbErr> {
        let (from, until) = roster.hold_window();
        let holds = holds_between(conn, &roster.interpreters, from, until, ignore_booking).await?;
        Ok(Calendar { roster, holds })
    }

    /// The start times a customer can choose on a day.
    pub fn free_starts(&self, day: Date, now: OffsetDateTime) -> Vec<OffsetDateTime> {
        self.roster.free_starts(day, now, &self.holds)
    }

    /// The qualified interpreters free for a session starting at `start`.
    pub fn free_interpreters(&self, start: OffsetDateTime) -> Vec<i64> {
        self.roster.free_interpreters(start, &self.holds)
    }

    /// Whether a start time is one a customer could choose now.
    pub fn offers(&self, start: OffsetDateTime, now: OffsetDateTime) -> bool {
        self.roster.offers(start, now, &self.holds)
    }

    /// The interpreters free for a session starting at `start`, best first (see
    /// [`Roster::preferred`]).
    pub fn preferred(
        &self,
        start: OffsetDateTime,
        wants: &Wants<'_>,
        counts: &HashMap<i64, i64>,
    ) -> Vec<i64> {
        self.roster.preferred(start, &self.holds, wants, counts)
    }

    /// The days from `from` for `days` days that have at least one free time, with how
    /// many. The calendar must cover those days.
    pub fn days_with_free_times(
        &self,
        from: Date,
        days: i64,
        now: OffsetDateTime,
    ) -> Vec<(Date, usize)> {
        (0..days)
            .map(|offset| from + Duration::days(offset))
            .map(|day| (day, self.free_starts(day, now).len()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// How long something read is trusted without this process having seen a change: the most
/// a change made by another process can take to show on the pages.
pub const FRESH_FOR: StdDuration = StdDuration::from_secs(1);

/// How many rosters, and how many calendars, are kept; past this the stale ones go.
const CAPACITY: usize = 256;

type Key = (SessionMode, Date, Date);

/// One thing read (or being read), and what it was read after.
struct Slot<T> {
    seen: (u64, u64),
    born: Instant,
    value: tokio::sync::OnceCell<Arc<T>>,
}

/// Things read, by mode and days.
struct Slots<T>(Mutex<HashMap<Key, Arc<Slot<T>>>>);

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots(Mutex::default())
    }
}

impl<T> Slots<T> {
    /// The kept value for `key` if it was read after the changes `seen` and is fresh;
    /// otherwise reads it. Callers that arrive during a read wait for that one read.
    async fn get<F, Fut>(&self, key: Key, seen: (u64, u64), read: F) -> Result<Arc<T>, DbErr>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, DbErr>>,
    {
        let fresh = |s: &Slot<T>| s.seen == seen && s.born.elapsed() < FRESH_FOR;
        let slot = {
            let mut slots = self.0.lock().unwrap_or_else(|e| e.into_inner());
            match slots.get(&key) {
                Some(slot) if fresh(slot) => slot.clone(),
                _ => {
                    if slots.len() >= CAPACITY {
                        slots.retain(|_, s| fresh(s));
                    }
                    let slot = Arc::new(Slot {
                        seen,
                        born: Instant::now(),
                        value: tokio::sync::OnceCell::new(),
                    });
                    slots.insert(key, slot.clone());
                    slot
                }
            }
        };
        slot.value
            .get_or_try_init(|| async { read().await.map(Arc::new) })
            .await
            .cloned()
    }
}

/// The rosters and calendars in memory.
#[derive(Default)]
pub struct ScheduleCache {
    rosters: Slots<Roster>,
    calendars: Slots<Calendar>,
}

impl ScheduleCache {
    /// The roster of a mode from `from` to `until` (inclusive).
    pub async fn roster<C: ConnectionTrait>(
        &self,
        conn: &C,
        tz: &'static Tz,
        mode: SessionMode,
        from: Date,
        until: Date,
    ) -> Result<Arc<Roster>, DbErr> {
        // Read before the roster is: a change committed meanwhile makes it stale.
        let seen = (schedule_changes::roster(), 0);
        self.rosters
            .get((mode, from, until), seen, || {
                Roster::load(conn, tz, mode, from, until)
            })
            .await
    }

    /// The calendar of a mode from `from` to `until` (inclusive). After a booking only the
    /// holds are read again; the roster is shared.
    pub async fn calendar<C: ConnectionTrait>(
        &self,
        conn: &C,
        tz: &'static Tz,
        mode: SessionMode,
        from: Date,
        until: Date,
    ) -> Result<Arc<Calendar>, DbErr> {
        let seen = (schedule_changes::roster(), schedule_changes::holds());
        self.calendars
            .get((mode, from, until), seen, || async {
                let roster = self.roster(conn, tz, mode, from, until).await?;
                Calendar::with_holds(conn, roster, None).await
            })
            .await
    }
}
