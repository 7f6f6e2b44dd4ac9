//! The figures supervisors learn from: incidents by category and month, measures taken and
//! lifted, how long incidents took to close, and whether the staff affected were offered
//! follow-up — month by month over the last year, in the desk's zone. Incidents are few, so
//! the year's rows are read and counted here rather than grouped in SQL, the same way on
//! both databases.

use crate::domain::incident::{AdditionKind, Category};
use crate::domain::measure::MeasureStatus;
use crate::entities::{incident, incident_addition, incident_staff, measure};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, Month, OffsetDateTime};
use time_tz::{OffsetDateTimeExt, Tz};

/// How many months the reports cover, this one included.
pub const MONTHS: usize = 12;

/// One month's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigures {
    /// The first day of the month.
    pub month: Date,
    /// Incidents reported, by category (every category present, zeros included).
    pub by_category: Vec<(Category, u64)>,
    /// Incidents reported in all.
    pub reported: u64,
    /// Measures taken (warnings and limits when taken, suspensions when approved).
    pub measures_taken: u64,
    /// Measures lifted early.
    pub measures_lifted: u64,
    /// Incidents closed.
    pub closed: u64,
    /// The median time from report to close of the month's closed incidents, in hours.
    pub median_hours_to_close: Option<u64>,
    /// Incidents reported that month that affected staff, and how many of those have a
    /// follow-up recorded.
    pub affected_staff: u64,
    pub followed_up: u64,
}

/// The first day of the month `at` falls in, in the desk's zone.
fn month_of(at: OffsetDateTime, tz: &Tz) -> Date {
    let local = at.to_timezone(tz).date();
    local.replace_day(1).unwrap_or(local)
}

/// The first days of the last [`MONTHS`] months, oldest first, ending with `now`'s.
pub fn months(now: OffsetDateTime, tz: &Tz) -> Vec<Date> {
    let mut month = month_of(now, tz);
    let mut all = vec![month];
    while all.len() < MONTHS {
        let (year, m) = match month.month() {
            Month::January => (month.year() - 1, Month::December),
            other => (month.year(), other.previous()),
        };
        month = Date::from_calendar_date(year, m, 1).unwrap_or(month);
        all.push(month);
    }
    all.reverse();
    all
}

fn median(mut values: Vec<u64>) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2
    } else {
        values[mid]
    })
}

/// The last year's figures, month by month, oldest first.
pub async fn monthly<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    tz: &Tz,
) -> Result<Vec<MonthFigures>, DbErr> {
    let months = months(now, tz);
    let since =
        crate::domain::schedule::local_instant(months[0], time::Time::MIDNIGHT, tz).unwrap_or(now);
    let reported = incident::Entity::find()
        .filter(incident::Column::ReportedAt.gte(since))
        .all(conn)
        .await?;
    let closed = incident::Entity::find()
        .filter(incident::Column::ClosedAt.gte(since))
        .all(conn)
        .await?;
    let measures = measure::Entity::find()
        .filter(measure::Column::ProposedAt.gte(since))
        .all(conn)
        .await?;
    let lifted = measure::Entity::find()
        .filter(measure::Column::LiftedAt.gte(since))
        .all(conn)
        .await?;
    let ids: Vec<i64> = reported.iter().map(|i| i.id).collect();
    let with_staff: BTreeSet<i64> = incident_staff::Entity::find()
        .filter(incident_staff::Column::IncidentId.is_in(ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.incident_id)
        .collect();
    let with_follow_up: BTreeSet<i64> = incident_addition::Entity::find()
        .filter(incident_addition::Column::IncidentId.is_in(ids))
        .filter(incident_addition::Column::Kind.eq(AdditionKind::FollowUp))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| a.incident_id)
        .collect();
    let mut figures: BTreeMap<Date, MonthFigures> = months
        .iter()
        .map(|m| {
            (
                *m,
                MonthFigures {
                    month: *m,
                    by_category: Category::ALL.iter().map(|c| (*c, 0)).collect(),
                    reported: 0,
                    measures_taken: 0,
                    measures_lifted: 0,
                    closed: 0,
                    median_hours_to_close: None,
                    affected_staff: 0,
                    followed_up: 0,
                },
            )
        })
        .collect();
    for i in &reported {
        if let Some(f) = figures.get_mut(&month_of(i.reported_at, tz)) {
            f.reported += 1;
            if let Some(slot) = f.by_category.iter_mut().find(|(c, _)| *c == i.category) {
                slot.1 += 1;
            }
            if with_staff.contains(&i.id) {
                f.affected_staff += 1;
                if with_follow_up.contains(&i.id) {
                    f.followed_up += 1;
                }
            }
        }
    }
    let mut hours: BTreeMap<Date, Vec<u64>> = BTreeMap::new();
    for i in &closed {
        if let Some(at) = i.closed_at
            && let Some(f) = figures.get_mut(&month_of(at, tz))
        {
            f.closed += 1;
            let took = (at - i.reported_at).whole_hours().max(0) as u64;
            hours.entry(f.month).or_default().push(took);
        }
    }
    for (month, values) in hours {
        if let Some(f) = figures.get_mut(&month) {
            f.median_hours_to_close = median(values);
        }
    }
    for m in &measures {
        let took_effect = match m.status {
            MeasureStatus::Proposed | MeasureStatus::Declined => None,
            _ => m.decided_at,
        };
        if let Some(at) = took_effect
            && let Some(f) = figures.get_mut(&month_of(at, tz))
        {
            f.measures_taken += 1;
        }
    }
    for m in &lifted {
        if let Some(at) = m.lifted_at
            && let Some(f) = figures.get_mut(&month_of(at, tz))
        {
            f.measures_lifted += 1;
        }
    }
    Ok(figures.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn twelve_months_end_with_this_one_in_the_desks_zone() {
        let tz = time_tz::timezones::db::asia::TOKYO;
        // 31 Dec 20:00 UTC is already January in Tokyo.
        let m = months(datetime!(2026-12-31 20:00 UTC), tz);
        assert_eq!(m.len(), MONTHS);
        assert_eq!(m[MONTHS - 1], date!(2027 - 01 - 01));
        assert_eq!(m[0], date!(2026 - 02 - 01));
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![10, 2, 4, 8]), Some(6));
    }
}
