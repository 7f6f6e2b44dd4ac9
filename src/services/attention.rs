//! Sessions that need staff: judged from what the database holds now (see
//! [`crate::domain::attention`]), and the sessions a change to an interpreter's hours would
//! leave without them — with the change saved together with what staff chose for each.

use super::UseCase;
use super::booking::manage::{ChangedBy, booked_for_change};
use super::booking::{Booking, BookingError};
use super::calendar::local_date;
use super::interpreters::{
    self, Exception, HoursChange, Weekly, records_by_staff, sign_languages_of,
};
use super::reassignment::{ask_new_time_in, busy_if_raced, reassign_in};
use super::schedule_changes::commit_schedule_change;
use crate::domain::attention::{Assigned, Attention, attention, covers};
use crate::domain::qualification::language_fit;
use crate::domain::schedule::{self, DayChange, Interval, LocalSpan};
use crate::domain::{BookingStatus, Qualification, Role};
use crate::entities::{booking, staff_user};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};
use time_tz::Tz;

/// What the hours of some interpreters hold, for judging their sessions.
struct Hours {
    weekly: Weekly,
    exceptions: HashMap<i64, Vec<Exception>>,
}

impl Hours {
    async fn load<C: ConnectionTrait>(
        conn: &C,
        ids: &[i64],
        from: Date,
        until: Date,
    ) -> Result<Hours, DbErr> {
        if ids.is_empty() {
            return Ok(Hours {
                weekly: HashMap::new(),
                exceptions: HashMap::new(),
            });
        }
        Ok(Hours {
            weekly: interpreters::weekly_of(conn, ids).await?,
            exceptions: interpreters::exceptions_between(conn, ids, from, until).await?,
        })
    }

    fn usual(&self, id: i64, day: Date) -> Vec<LocalSpan> {
        self.weekly
            .get(&id)
            .and_then(|w| w.get(&day.weekday().number_from_monday()))
            .cloned()
            .unwrap_or_default()
    }

    fn changes(&self, id: i64, day: Date) -> Vec<DayChange> {
        self.exceptions
            .get(&id)
            .map(|list| {
                list.iter()
                    .filter(|e| e.day == day)
                    .map(|e| e.change)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// When an interpreter is available on a day.
    fn available(&self, id: i64, day: Date, tz: &Tz) -> Vec<Interval> {
        schedule::available_on(day, tz, &self.usual(id, day), &self.changes(id, day))
    }
}

fn interval(b: &Booking) -> Interval {
    Interval {
        start: b.starts_at,
        end: b.ends_at,
    }
}

fn is_booked(b: &Booking) -> bool {
    b.status == BookingStatus::Booked
}

/// The first and last local day of the sessions given.
fn day_range(bookings: &[&Booking], tz: &Tz) -> Option<(Date, Date)> {
    let days = bookings.iter().map(|b| local_date(b.starts_at, tz));
    Some((days.clone().min()?, days.max()?))
}

/// What each booked session among `bookings` needs staff for, by booking id; sessions that
/// need nothing are left out.
pub async fn attention_for<C: ConnectionTrait>(
    conn: &C,
    tz: &Tz,
    bookings: &[Booking],
) -> Result<HashMap<i64, Vec<Attention>>, DbErr> {
    let booked: Vec<&Booking> = bookings.iter().filter(|b| is_booked(b)).collect();
    let Some((from, until)) = day_range(&booked, tz) else {
        return Ok(HashMap::new());
    };
    let mut ids: Vec<i64> = booked.iter().map(|b| b.interpreter_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let serving: HashMap<i64, bool> = staff_user::Entity::find()
        .filter(staff_user::Column::Id.is_in(ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| {
            let serves = s.active && s.role == Role::Interpreter;
            (s.id, serves)
        })
        .collect();
    let records = records_by_staff(conn).await?;
    let signs = sign_languages_of(conn, &ids).await?;
    let hours = Hours::load(conn, &ids, from, until).await?;
    let mut out = HashMap::new();
    for b in booked {
        let id = b.interpreter_id;
        let mode = b.mode;
        let day = local_date(b.starts_at, tz);
        let record = records.get(&id).and_then(|list| {
            list.iter()
                .find(|r| r.qualification == Qualification::for_mode(mode))
        });
        let expired = record
            .filter(|r| !r.holds_on(day))
            .and_then(|r| r.expires_on.map(|last| (r.qualification, last)));
        let available = hours.available(id, day, tz);
        let needs = attention(
            interval(b),
            &Assigned {
                can_serve: record.is_some() && serving.get(&id).copied().unwrap_or(false),
                available: &available,
                fit: language_fit(
                    b.sign_language.as_deref(),
                    signs.get(&id).map_or(&[][..], Vec::as_slice),
                ),
                expired,
            },
        );
        if !needs.is_empty() {
            out.insert(b.id, needs);
        }
    }
    Ok(out)
}

/// Every booked session that has not ended by `now` and needs staff, in time order, with
/// why.
pub async fn upcoming<C: ConnectionTrait>(
    conn: &C,
    tz: &Tz,
    now: OffsetDateTime,
) -> Result<Vec<(Booking, Vec<Attention>)>, DbErr> {
    let sessions = booking::Entity::find()
        .filter(booking::Column::Status.eq(BookingStatus::Booked))
        .filter(booking::Column::EndsAt.gt(now.to_offset(time::UtcOffset::UTC)))
        .order_by_asc(booking::Column::StartsAt)
        .order_by_asc(booking::Column::Id)
        .all(conn)
        .await?;
    let mut needs = attention_for(conn, tz, &sessions).await?;
    Ok(sessions
        .into_iter()
        .filter_map(|b| needs.remove(&b.id).map(|n| (b, n)))
        .collect())
}

/// The booked sessions of an interpreter, from `now` on, that they can take today but
/// could not after `change`: what saving it would leave without them.
pub async fn affected_by<C: ConnectionTrait>(
    conn: &C,
    tz: &Tz,
    now: OffsetDateTime,
    staff_id: i64,
    change: &HoursChange,
) -> Result<Vec<Booking>, DbErr> {
    let mut query = booking::Entity::find()
        .filter(booking::Column::InterpreterId.eq(staff_id))
        .filter(booking::Column::Status.eq(BookingStatus::Booked))
        .filter(booking::Column::StartsAt.gt(now.to_offset(time::UtcOffset::UTC)));
    if let HoursChange::Exception(day, _) = change {
        query = query
            .filter(booking::Column::StartsAt.gte(super::calendar::day_start(*day, tz)))
            .filter(booking::Column::StartsAt.lt(super::calendar::day_start(
                day.next_day().unwrap_or(*day),
                tz,
            )));
    }
    let sessions = query
        .order_by_asc(booking::Column::StartsAt)
        .order_by_asc(booking::Column::Id)
        .all(conn)
        .await?;
    let refs: Vec<&Booking> = sessions.iter().collect();
    let Some((from, until)) = day_range(&refs, tz) else {
        return Ok(Vec::new());
    };
    let hours = Hours::load(conn, &[staff_id], from, until).await?;
    Ok(sessions
        .into_iter()
        .filter(|b| {
            let day = local_date(b.starts_at, tz);
            let before = hours.available(staff_id, day, tz);
            let (usual, mut changes) = (hours.usual(staff_id, day), hours.changes(staff_id, day));
            let usual = match change {
                HoursChange::Weekly(week) => week
                    .get(&day.weekday().number_from_monday())
                    .cloned()
                    .unwrap_or_default(),
                HoursChange::Exception(_, c) => {
                    changes.push(*c);
                    usual
                }
            };
            let after = schedule::available_on(day, tz, &usual, &changes);
            covers(&before, interval(b)) && !covers(&after, interval(b))
        })
        .collect())
}

/// What staff chose for one session a change of hours leaves without its interpreter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Give it to this interpreter.
    GiveTo(i64),
    /// Ask the customer to choose another time.
    AskNewTime,
    /// Leave it flagged, to deal with later.
    Later,
}

/// Why a change of hours was not saved.
#[derive(Debug, thiserror::Error)]
pub enum HoursError {
    /// Sessions it affects have no answer (booked since the page was shown).
    #[error("sessions without an answer")]
    Unanswered,
    /// The interpreter chosen for this session is no longer free.
    #[error("the interpreter chosen is not free")]
    Busy(i64),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Saves a change to an interpreter's hours together with what staff chose for each
/// session it affects, in one transaction: each session given to another interpreter,
/// its customer asked to choose another time, or left flagged.
pub async fn save_hours(
    uc: &UseCase<'_>,
    staff_id: i64,
    change: &HoursChange,
    answers: &BTreeMap<i64, Answer>,
) -> Result<(), HoursError> {
    let UseCase { now, config, .. } = *uc;
    let txn = uc.begin().await?;
    let affected = affected_by(&txn, config.timezone, now, staff_id, change).await?;
    if affected.iter().any(|b| !answers.contains_key(&b.id)) {
        return Err(HoursError::Unanswered);
    }
    change.write(&txn, uc, staff_id).await?;
    for b in affected {
        let id = b.id;
        let refused = |e: BookingError| match e {
            BookingError::Database(e) => HoursError::Database(e),
            _ => HoursError::Busy(id),
        };
        match answers[&id] {
            Answer::GiveTo(to) => {
                let (b, desk, rules) = booked_for_change(&txn, now, id, ChangedBy::Staff)
                    .await
                    .map_err(refused)?;
                busy_if_raced(reassign_in(&txn, uc, b, &desk, &rules, to).await)
                    .map_err(refused)?;
            }
            Answer::AskNewTime => {
                let desk = super::settings::load(&txn).await?;
                ask_new_time_in(&txn, uc, b, &desk).await.map_err(refused)?;
            }
            Answer::Later => {}
        }
    }
    commit_schedule_change(uc, txn).await?;
    Ok(())
}
