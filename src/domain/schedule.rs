//! Session modes, the rules of each mode, and the arithmetic of free times: which start times
//! a day offers, and which interpreters are free for one of them. Everything here is pure.

use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime, Time};
use time_tz::{PrimitiveDateTimeExt, Tz};

/// The grid start times sit on, and the cell size interpreters are held in.
pub const GRID_MINUTES: i64 = 15;

/// The two kinds of session the desk offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionMode {
    /// A video call with a certified sign-language interpreter.
    SignLanguageVideo,
    /// A written chat with a trained staff member.
    WrittenChat,
}

impl SessionMode {
    /// Both modes, in the order offered.
    pub const ALL: [SessionMode; 2] = [SessionMode::SignLanguageVideo, SessionMode::WrittenChat];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionMode::SignLanguageVideo => "sign_language_video",
            SessionMode::WrittenChat => "written_chat",
        }
    }

    /// Reads a stored name back.
    pub fn parse(raw: &str) -> Option<SessionMode> {
        SessionMode::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

/// The rules of one mode, set by admins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeRules {
    /// How long a session lasts.
    pub length: Duration,
    /// The rest an interpreter gets after a session before the next.
    pub buffer: Duration,
    /// How far ahead a session must be booked.
    pub min_notice: Duration,
    /// How many days ahead sessions can be booked.
    pub horizon_days: i64,
    /// How long before the start a session can still be cancelled or moved online.
    pub cancel_cutoff: Duration,
}

impl Default for ModeRules {
    fn default() -> Self {
        ModeRules {
            length: Duration::minutes(30),
            buffer: Duration::minutes(10),
            min_notice: Duration::hours(2),
            horizon_days: 60,
            cancel_cutoff: Duration::hours(1),
        }
    }
}

/// A stretch of time, from `start` up to but not including `end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    /// The first instant.
    pub start: OffsetDateTime,
    /// The first instant after.
    pub end: OffsetDateTime,
}

impl Interval {
    /// Whether the two share any instant.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies wholly inside this one.
    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Joins intervals that overlap or touch, so that time available in two adjoining stretches
/// (9:00–12:00 and 12:00–17:00) counts as one.
pub fn merged(intervals: &[Interval]) -> Vec<Interval> {
    let mut sorted = intervals.to_vec();
    sorted.sort();
    let mut out: Vec<Interval> = Vec::with_capacity(sorted.len());
    for next in sorted {
        match out.last_mut() {
            Some(last) if next.start <= last.end => last.end = last.end.max(next.end),
            _ => out.push(next),
        }
    }
    out
}

/// Rounds a duration up to whole grid cells.
fn whole_cells(d: Duration) -> Duration {
    let cell = Duration::minutes(GRID_MINUTES);
    let cells = (d.whole_seconds() + cell.whole_seconds() - 1) / cell.whole_seconds();
    cell * cells as i32
}

/// The time a session starting at `start` holds its interpreter: the session and the buffer
/// after it, rounded up to whole 15-minute cells. Two holds of one interpreter never overlap;
/// the database enforces the same rule with one row per cell.
pub fn held(start: OffsetDateTime, rules: &ModeRules) -> Interval {
    Interval {
        start,
        end: start + whole_cells(rules.length + rules.buffer),
    }
}

/// The 15-minute cells a hold covers, as their start instants.
pub fn cells(hold: &Interval) -> Vec<OffsetDateTime> {
    let mut cells = Vec::new();
    let mut at = hold.start;
    while at < hold.end {
        cells.push(at);
        at += Duration::minutes(GRID_MINUTES);
    }
    cells
}

/// One interpreter's day, as far as the slot arithmetic needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The interpreter.
    pub interpreter_id: i64,
    /// When they are available (from their weekly hours and exceptions).
    pub available: Vec<Interval>,
    /// What existing sessions already hold.
    pub held: Vec<Interval>,
}

impl Candidate {
    /// Whether this interpreter can take a session starting at `start`.
    pub fn free_for(&self, start: OffsetDateTime, rules: &ModeRules) -> bool {
        free_in(&merged(&self.available), &self.held, start, rules)
    }
}

/// Whether a session starting at `start` fits in `available` (already merged) without
/// touching anything `held`.
fn free_in(
    available: &[Interval],
    held_now: &[Interval],
    start: OffsetDateTime,
    rules: &ModeRules,
) -> bool {
    let session = Interval {
        start,
        end: start + rules.length,
    };
    let hold = held(start, rules);
    !held_now.iter().any(|h| h.overlaps(&hold)) && available.iter().any(|a| a.contains(&session))
}

/// What a day's free times depend on.
#[derive(Debug, Clone)]
pub struct DayQuestion<'a> {
    /// The desk's calendar day.
    pub day: Date,
    /// The desk's time zone.
    pub tz: &'a Tz,
    /// The desk's opening hours that day, in local time; empty when closed.
    pub opening: &'a [(Time, Time)],
    /// The mode's rules.
    pub rules: &'a ModeRules,
    /// Now.
    pub now: OffsetDateTime,
    /// The interpreters qualified for the mode.
    pub candidates: &'a [Candidate],
}

/// A local time on a day as an instant in UTC, or `None` for a time the clocks skip.
pub fn local_instant(day: Date, at: Time, tz: &Tz) -> Option<OffsetDateTime> {
    day.with_time(at)
        .assume_timezone(tz)
        .take_first()
        .map(|at| at.to_offset(time::UtcOffset::UTC))
}

/// Whether a start could be offered at all: after now, and on a day (in the desk's zone) no
/// further ahead than the mode's horizon. A start failing this is refused before any
/// calendar is read for it, so a start from a form can never reach a day the desk keeps no
/// calendar for.
pub fn within_horizon(
    start: OffsetDateTime,
    now: OffsetDateTime,
    tz: &Tz,
    rules: &ModeRules,
) -> bool {
    if !super::dates::instant_within_window(start) || !super::dates::instant_within_window(now) {
        return false;
    }
    let today = time_tz::OffsetDateTimeExt::to_timezone(&now, tz).date();
    let day = time_tz::OffsetDateTimeExt::to_timezone(&start, tz).date();
    start > now && (day - today).whole_days() <= rules.horizon_days
}

/// A stretch of local time within one day, such as 09:00–12:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalSpan {
    /// When it starts.
    pub starts: Time,
    /// When it ends (after `starts`).
    pub ends: Time,
}

/// Reads a time of day typed as `9:00`, `09:00` or `0900`, on the 15-minute grid.
pub fn parse_hhmm(raw: &str) -> Result<Time, super::Invalid> {
    parse_clock(raw, GRID_MINUTES)
}

/// Reads a time of day typed as `9:00`, `09:00` or `0900` (full-width digits too), whose
/// minutes fall on a grid of `grid` minutes (1 for any minute).
pub fn parse_clock(raw: &str, grid: i64) -> Result<Time, super::Invalid> {
    use super::Invalid;
    let raw = super::width::numeric(raw.trim()).replace('：', ":");
    if raw.is_empty() {
        return Err(Invalid::Missing);
    }
    let (h, m) = match raw.split_once(':') {
        Some((h, m)) => (h.to_owned(), m.to_owned()),
        // `0930`: split by characters, since a typed value may hold any.
        None if raw.chars().count() == 4 => {
            let split = raw.char_indices().nth(2).map_or(raw.len(), |(i, _)| i);
            (raw[..split].to_owned(), raw[split..].to_owned())
        }
        None => return Err(Invalid::BadFormat),
    };
    let (Ok(h), Ok(m)) = (h.parse::<u8>(), m.parse::<u8>()) else {
        return Err(Invalid::BadFormat);
    };
    if m > 59 || i64::from(m) % grid.max(1) != 0 {
        return Err(Invalid::BadFormat);
    }
    Time::from_hms(h, m, 0).map_err(|_| Invalid::BadFormat)
}

/// Writes a time of day as `HH:MM`.
pub fn hhmm(at: Time) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

impl LocalSpan {
    /// Reads a span from two typed times; the end must come after the start.
    pub fn parse(
        starts: &str,
        ends: &str,
    ) -> Result<LocalSpan, (Option<super::Invalid>, Option<super::Invalid>)> {
        let s = parse_hhmm(starts);
        let e = parse_hhmm(ends);
        match (s, e) {
            (Ok(starts), Ok(ends)) if ends > starts => Ok(LocalSpan { starts, ends }),
            (Ok(_), Ok(_)) => Err((None, Some(super::Invalid::TooShort))),
            (s, e) => Err((s.err(), e.err())),
        }
    }

    /// The span as instants on a day, or `None` if the clocks skip either end.
    pub fn on(&self, day: Date, tz: &Tz) -> Option<Interval> {
        Some(Interval {
            start: local_instant(day, self.starts, tz)?,
            end: local_instant(day, self.ends, tz)?,
        })
    }
}

/// A week of spans written as the audit log keeps it: each weekday (1 = Monday) with its
/// spans as `09:00-12:00`.
pub fn week_as_text(week: &BTreeMap<u8, Vec<LocalSpan>>) -> BTreeMap<String, Vec<String>> {
    week.iter()
        .map(|(day, spans)| {
            let spans = spans
                .iter()
                .map(|s| format!("{}-{}", hhmm(s.starts), hhmm(s.ends)))
                .collect();
            (day.to_string(), spans)
        })
        .collect()
}

stored_names! {
    /// The kind of a change to an interpreter's usual week, as stored.
    ExceptionKind {
        /// A day off.
        Off = "off",
        /// Hours besides the usual ones.
        Extra = "extra",
    }
}

/// A change to an interpreter's usual week on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayChange {
    /// Not available at all that day.
    Off,
    /// Available for this span too.
    Extra(LocalSpan),
}

/// An interpreter's available time on a day: their usual spans for that weekday (none on a
/// day off), plus any extra hours, as instants.
pub fn available_on(
    day: Date,
    tz: &Tz,
    usual: &[LocalSpan],
    changes: &[DayChange],
) -> Vec<Interval> {
    let off = changes.contains(&DayChange::Off);
    let extra = changes.iter().filter_map(|c| match c {
        DayChange::Extra(span) => Some(*span),
        DayChange::Off => None,
    });
    let spans: Vec<LocalSpan> = if off {
        extra.collect()
    } else {
        usual.iter().copied().chain(extra).collect()
    };
    merged(
        &spans
            .iter()
            .filter_map(|s| s.on(day, tz))
            .collect::<Vec<_>>(),
    )
}

/// The start times a day offers: on the 15-minute grid, inside the opening hours, after the
/// notice, within the horizon, with at least one qualified interpreter free.
pub fn free_starts(question: &DayQuestion<'_>) -> Vec<OffsetDateTime> {
    let DayQuestion {
        day,
        tz,
        opening,
        rules,
        now,
        candidates,
    } = question;
    let today = time_tz::OffsetDateTimeExt::to_timezone(now, *tz).date();
    if *day < today || (*day - today).whole_days() > rules.horizon_days {
        return Vec::new();
    }
    let earliest = *now + rules.min_notice;
    // Each interpreter's availability merged once for the whole day, not once per start.
    let prepared: Vec<(Vec<Interval>, &[Interval])> = candidates
        .iter()
        .map(|c| (merged(&c.available), c.held.as_slice()))
        .collect();
    let mut starts = Vec::new();
    for &(open, close) in opening.iter() {
        let (Some(open_at), Some(close_at)) = (
            local_instant(*day, open, tz),
            local_instant(*day, close, tz),
        ) else {
            continue;
        };
        let mut minute = i64::from(open.hour()) * 60 + i64::from(open.minute());
        minute += (GRID_MINUTES - minute % GRID_MINUTES) % GRID_MINUTES;
        while minute < 24 * 60 {
            let Ok(local) = Time::from_hms((minute / 60) as u8, (minute % 60) as u8, 0) else {
                break;
            };
            minute += GRID_MINUTES;
            let Some(start) = local_instant(*day, local, tz) else {
                continue;
            };
            if start < open_at || start + rules.length > close_at {
                if start >= close_at {
                    break;
                }
                continue;
            }
            // Never a start the booking itself would refuse as out of range.
            if start < earliest
                || starts.contains(&start)
                || !super::dates::instant_within_window(start)
            {
                continue;
            }
            if prepared
                .iter()
                .any(|(available, held_now)| free_in(available, held_now, start, rules))
            {
                starts.push(start);
            }
        }
    }
    starts.sort();
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime, time};

    const TOKYO: &Tz = time_tz::timezones::db::asia::TOKYO;

    #[test]
    fn a_week_is_written_for_the_audit_log_as_days_and_spans() {
        let span = |starts, ends| LocalSpan { starts, ends };
        let week = BTreeMap::from([
            (
                1,
                vec![
                    span(time!(9:00), time!(12:00)),
                    span(time!(13:00), time!(17:30)),
                ],
            ),
            (6, Vec::new()),
        ]);
        let written = week_as_text(&week);
        assert_eq!(written["1"], ["09:00-12:00", "13:00-17:30"]);
        assert!(written["6"].is_empty());
        assert_eq!(written.len(), 2);
    }

    fn interval(start: OffsetDateTime, minutes: i64) -> Interval {
        Interval {
            start,
            end: start + Duration::minutes(minutes),
        }
    }

    #[test]
    fn a_hold_is_the_session_and_buffer_in_whole_cells() {
        let start = datetime!(2026-11-24 01:00 UTC);
        let hold = held(start, &ModeRules::default());
        assert_eq!(
            hold.end - hold.start,
            Duration::minutes(45),
            "30 + 10 rounds up to 45"
        );
        assert_eq!(cells(&hold).len(), 3);
    }

    #[test]
    fn a_day_offers_free_times_within_hours_and_notice() {
        let rules = ModeRules::default();
        let day = date!(2026 - 11 - 24);
        let now = datetime!(2026-11-24 09:20 +9);
        let candidate = Candidate {
            interpreter_id: 1,
            available: vec![interval(datetime!(2026-11-24 09:00 +9), 4 * 60)],
            held: vec![held(datetime!(2026-11-24 11:00 +9), &rules)],
        };
        let opening = [(time!(09:00), time!(17:00))];
        let starts = free_starts(&DayQuestion {
            day,
            tz: TOKYO,
            opening: &opening,
            rules: &rules,
            now,
            candidates: &[candidate],
        });
        let local: Vec<String> = starts
            .iter()
            .map(|s| {
                let l = time_tz::OffsetDateTimeExt::to_timezone(s, TOKYO);
                format!("{:02}:{:02}", l.hour(), l.minute())
            })
            .collect();
        // Notice: nothing before 11:20. The 11:00 session holds the interpreter until 11:45;
        // availability ends at 13:00, so 12:30 is the last start.
        assert_eq!(local, ["11:45", "12:00", "12:15", "12:30"]);
    }

    #[test]
    fn times_of_day_are_read_the_ways_people_type_them() {
        assert_eq!(parse_hhmm("9:00"), Ok(time!(09:00)));
        assert_eq!(parse_hhmm("1730"), Ok(time!(17:30)));
        assert_eq!(parse_hhmm("10：15"), Ok(time!(10:15)));
        assert_eq!(parse_hhmm("9:10"), Err(crate::domain::Invalid::BadFormat));
        assert_eq!(parse_hhmm("25:00"), Err(crate::domain::Invalid::BadFormat));
        assert_eq!(parse_hhmm(""), Err(crate::domain::Invalid::Missing));
        // Four bytes that are not four characters are refused, not cut inside a character.
        for odd in ["\u{200b}0", "a\u{e9}0", "\u{e9}\u{e9}"] {
            assert_eq!(
                parse_hhmm(odd),
                Err(crate::domain::Invalid::BadFormat),
                "{odd:?}"
            );
        }
        assert!(LocalSpan::parse("12:00", "09:00").is_err());
    }

    #[test]
    fn a_day_off_removes_the_usual_hours_but_keeps_extra_ones() {
        let day = date!(2026 - 11 - 24);
        let usual = [LocalSpan {
            starts: time!(09:00),
            ends: time!(12:00),
        }];
        let extra = DayChange::Extra(LocalSpan {
            starts: time!(12:00),
            ends: time!(14:00),
        });
        let all = available_on(day, TOKYO, &usual, &[extra]);
        assert_eq!(
            all,
            [interval(datetime!(2026-11-24 09:00 +9), 5 * 60)],
            "adjoining spans join"
        );
        let off = available_on(day, TOKYO, &usual, &[DayChange::Off, extra]);
        assert_eq!(off, [interval(datetime!(2026-11-24 12:00 +9), 2 * 60)]);
        assert_eq!(
            off[0].start.offset(),
            time::UtcOffset::UTC,
            "instants are kept in UTC"
        );
    }

    /// An independent, minute-by-minute account of one interpreter's freedom.
    fn oracle_free(c: &Candidate, start: OffsetDateTime, rules: &ModeRules) -> bool {
        let minutes_of = |d: Duration| d.whole_minutes();
        let session_ok = (0..minutes_of(rules.length)).all(|m| {
            let at = start + Duration::minutes(m);
            c.available.iter().any(|a| a.start <= at && at < a.end)
        });
        let hold_minutes = ((minutes_of(rules.length + rules.buffer) + GRID_MINUTES - 1)
            / GRID_MINUTES)
            * GRID_MINUTES;
        let hold_ok = (0..hold_minutes).all(|m| {
            let at = start + Duration::minutes(m);
            !c.held.iter().any(|h| h.start <= at && at < h.end)
        });
        session_ok && hold_ok
    }

    fn candidate_strategy(day_start: OffsetDateTime) -> impl Strategy<Value = Candidate> {
        let span = |max: i64| (0..(24 * 60 / GRID_MINUTES), 1..max);
        (
            1..1000i64,
            prop::collection::vec(span(40), 0..3),
            prop::collection::vec(span(6), 0..4),
        )
            .prop_map(move |(id, available, held)| {
                // Grid cells and lengths, as intervals of the day.
                let on_grid = |cells: Vec<(i64, i64)>| -> Vec<_> {
                    cells
                        .into_iter()
                        .map(|(cell, len)| {
                            interval(
                                day_start + Duration::minutes(cell * GRID_MINUTES),
                                len * GRID_MINUTES,
                            )
                        })
                        .collect()
                };
                Candidate {
                    interpreter_id: id,
                    available: on_grid(available),
                    held: on_grid(held),
                }
            })
    }

    proptest! {
        #[test]
        fn offered_times_are_exactly_the_free_ones(
            candidates in prop::collection::vec(candidate_strategy(datetime!(2026-12-01 00:00 +9)), 0..4),
            length in prop::sample::select(vec![15i64, 30, 45, 60]),
            buffer in prop::sample::select(vec![0i64, 5, 10, 15]),
            notice_minutes in 0i64..600,
        ) {
            let rules = ModeRules { length: Duration::minutes(length), buffer: Duration::minutes(buffer), ..ModeRules::default() };
            let day = date!(2026 - 12 - 01);
            let now = datetime!(2026-12-01 06:00 +9) + Duration::minutes(notice_minutes) - rules.min_notice;
            let opening = [(time!(08:00), time!(20:00))];
            let question = DayQuestion { day, tz: TOKYO, opening: &opening, rules: &rules, now, candidates: &candidates };
            let offered = free_starts(&question);
            let mut expected = Vec::new();
            let mut at = datetime!(2026-12-01 08:00 +9);
            while at + rules.length <= datetime!(2026-12-01 20:00 +9) {
                if at >= now + rules.min_notice && candidates.iter().any(|c| oracle_free(c, at, &rules)) {
                    expected.push(at);
                }
                at += Duration::minutes(GRID_MINUTES);
            }
            prop_assert_eq!(&offered, &expected);
            for start in &offered {
                // No offered time overlaps the holds of every qualified interpreter.
                let hold = held(*start, &rules);
                prop_assert!(candidates.iter().any(|c| !c.held.iter().any(|h| h.overlaps(&hold))));
            }
        }
    }
}
