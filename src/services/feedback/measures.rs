//! The measures of customer feedback, counted in the database: month by month over a period
//! in the desk's zone (the last twelve months by default, this one included), by channel,
//! ease and kind; the contacts asked and answered; volumes by theme; each staff member's own
//! figures, leaving out contacts under an active harassment measure; and the feedback as
//! rows for the CSV export, filtered as the triage list filters.
//!
//! Every figure is a `GROUP BY` count: the month a row falls in is worked out by the
//! database from the months' boundaries (instants worked out here, so the desk's zone and
//! its offsets are applied once, the same way on SQLite and PostgreSQL). The arithmetic on
//! the counts is in [`crate::domain::feedback_measures`].

use crate::domain::feedback::{Channel, Kind};
use crate::domain::schedule::local_instant;
use crate::entities::{
    feedback, feedback_invitation, feedback_theme, feedback_theme_tag, improvement_case,
    staff_user, support_request,
};
use sea_orm::sea_query::{CaseStatement, Expr, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::{BTreeSet, HashMap};
use time::{Date, OffsetDateTime, Time, UtcOffset};
use time_tz::{OffsetDateTimeExt, Tz};

pub use crate::domain::feedback_measures::{
    Answers, Asked, ChannelMonth, EXPORT_CAP, MONTHS, Measures, MonthMeasures, StaffFigures,
    StaffMeasures, Theme, ThemeCount,
};
use crate::domain::feedback_measures::{first_of_month, months_ending, next_month};

/// The name the month a row falls in goes by in the counting queries.
const MONTH_INDEX: &str = "month_index";

/// A run of whole months in the desk's zone, and the instants they start at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    months: Vec<Date>,
    /// The start of each month, then the start of the month after the last: one more than
    /// there are months.
    bounds: Vec<OffsetDateTime>,
}

impl Period {
    /// The `count` months (at least one) ending with the one `now` falls in, in `tz`.
    pub fn ending(now: OffsetDateTime, tz: &Tz, count: usize) -> Period {
        let today = now.to_timezone(tz).date();
        let months = months_ending(today, count);
        let mut starts: Vec<Date> = months.clone();
        starts.push(next_month(first_of_month(today)));
        let bounds = starts
            .into_iter()
            .map(|day| local_instant(day, Time::MIDNIGHT, tz).unwrap_or(now))
            .collect();
        Period { months, bounds }
    }

    /// The first days of the months, oldest first.
    pub fn months(&self) -> &[Date] {
        &self.months
    }

    /// When the period starts.
    pub fn start(&self) -> OffsetDateTime {
        self.bounds[0]
    }

    /// When the period ends (the start of the month after it).
    pub fn end(&self) -> OffsetDateTime {
        self.bounds[self.bounds.len() - 1]
    }

    /// Which month of the period an instant in `column` falls in, from 0, worked out by the
    /// database; rows outside the period must be filtered out by the caller.
    fn month_index(&self, column: impl ColumnTrait + Copy) -> Expr {
        let last = self.months.len() as i64 - 1;
        let mut case = CaseStatement::new();
        for (i, bound) in self.bounds[1..].iter().enumerate() {
            case = case.case(column.lt(*bound), Expr::val(i as i64));
        }
        case.finally(Expr::val(last)).into()
    }

    /// The month a counted row's index names.
    fn slot(&self, index: i64) -> Option<usize> {
        usize::try_from(index)
            .ok()
            .filter(|i| *i < self.months.len())
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// The ids of the feedback received in the period, as a subquery.
fn feedback_in(period: &Period) -> SelectStatement {
    Query::select()
        .column(feedback::Column::Id)
        .from(feedback::Entity)
        .and_where(feedback::Column::CreatedAt.gte(period.start()))
        .and_where(feedback::Column::CreatedAt.lt(period.end()))
        .to_owned()
}

/// The measures of the last [`MONTHS`] months, this one included, in the desk's zone.
pub async fn load<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    tz: &Tz,
) -> Result<Measures, DbErr> {
    load_period(conn, &Period::ending(now, tz, MONTHS)).await
}

/// The measures of a period: every month, every channel, every kind, zeros included.
pub async fn load_period<C: ConnectionTrait>(conn: &C, period: &Period) -> Result<Measures, DbErr> {
    let mut months: Vec<MonthMeasures> = period
        .months()
        .iter()
        .map(|m| MonthMeasures::empty(*m))
        .collect();
    let received: Vec<(i64, Channel, Kind, i16, i64)> = feedback::Entity::find()
        .select_only()
        .column_as(period.month_index(feedback::Column::CreatedAt), MONTH_INDEX)
        .column(feedback::Column::Channel)
        .column(feedback::Column::Kind)
        .column(feedback::Column::Ease)
        .column_as(feedback::Column::Id.count(), "n")
        .filter(feedback::Column::CreatedAt.gte(period.start()))
        .filter(feedback::Column::CreatedAt.lt(period.end()))
        .group_by(Expr::col(MONTH_INDEX))
        .group_by(feedback::Column::Channel)
        .group_by(feedback::Column::Kind)
        .group_by(feedback::Column::Ease)
        .into_tuple()
        .all(conn)
        .await?;
    for (index, channel, kind, ease, n) in received {
        let Some(month) = period.slot(index).map(|i| &mut months[i]) else {
            continue;
        };
        if let Some(c) = month.channels.iter_mut().find(|c| c.channel == channel) {
            c.answers.add(ease, count(n));
        }
        if let Some(k) = month.by_kind.iter_mut().find(|(k, _)| *k == kind) {
            k.1 += count(n);
        }
    }
    let asked: Vec<(i64, Channel, i64, i64)> = feedback_invitation::Entity::find()
        .select_only()
        .column_as(
            period.month_index(feedback_invitation::Column::CreatedAt),
            MONTH_INDEX,
        )
        .column(feedback_invitation::Column::Channel)
        .column_as(feedback_invitation::Column::Id.count(), "asked")
        .column_as(feedback_invitation::Column::AnsweredAt.count(), "answered")
        .filter(feedback_invitation::Column::CreatedAt.gte(period.start()))
        .filter(feedback_invitation::Column::CreatedAt.lt(period.end()))
        .group_by(Expr::col(MONTH_INDEX))
        .group_by(feedback_invitation::Column::Channel)
        .into_tuple()
        .all(conn)
        .await?;
    for (index, channel, asked, answered) in asked {
        let Some(month) = period.slot(index).map(|i| &mut months[i]) else {
            continue;
        };
        if let Some(Some(slot)) = month
            .channels
            .iter_mut()
            .find(|c| c.channel == channel)
            .map(|c| c.asked.as_mut())
        {
            slot.asked += count(asked);
            slot.answered += count(answered);
        }
    }
    let (themes, untagged) = themes(conn, period).await?;
    Ok(Measures {
        months,
        themes,
        untagged,
    })
}

/// Every theme, archived ones too, in the order they were made.
pub async fn all_themes<C: ConnectionTrait>(conn: &C) -> Result<Vec<Theme>, DbErr> {
    Ok(feedback_theme::Entity::find()
        .order_by_asc(feedback_theme::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|t| Theme {
            id: t.id,
            name_ja: t.name_ja,
            name_en: t.name_en,
            archived: t.archived,
        })
        .collect())
}

/// How many pieces of feedback of the period each theme tags (the themes that tag any,
/// archived or not, and every theme still offered), most first; and how many have no theme.
async fn themes<C: ConnectionTrait>(
    conn: &C,
    period: &Period,
) -> Result<(Vec<ThemeCount>, u64), DbErr> {
    let tagged: HashMap<i64, u64> = feedback_theme_tag::Entity::find()
        .select_only()
        .column(feedback_theme_tag::Column::ThemeId)
        .column_as(feedback_theme_tag::Column::FeedbackId.count(), "n")
        .filter(feedback_theme_tag::Column::FeedbackId.in_subquery(feedback_in(period)))
        .group_by(feedback_theme_tag::Column::ThemeId)
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .map(|(id, n)| (id, count(n)))
        .collect();
    let mut themes: Vec<ThemeCount> = all_themes(conn)
        .await?
        .into_iter()
        .map(|theme| ThemeCount {
            count: tagged.get(&theme.id).copied().unwrap_or(0),
            theme,
        })
        .filter(|t| !t.theme.archived || t.count > 0)
        .collect();
    themes.sort_by_key(|t| std::cmp::Reverse(t.count));
    let with_theme = Query::select()
        .column(feedback_theme_tag::Column::FeedbackId)
        .from(feedback_theme_tag::Entity)
        .to_owned();
    let untagged = feedback::Entity::find()
        .filter(feedback::Column::CreatedAt.gte(period.start()))
        .filter(feedback::Column::CreatedAt.lt(period.end()))
        .filter(feedback::Column::Id.not_in_subquery(with_theme))
        .count(conn)
        .await?;
    Ok((themes, untagged))
}

/// Each staff member's own figures over a period: the feedback about them, its mean ease
/// and its compliments, leaving out feedback from contacts under an active harassment
/// measure (counted apart, so the page can say how many were left out).
pub async fn staff_figures<C: ConnectionTrait>(
    conn: &C,
    period: &Period,
) -> Result<StaffMeasures, DbErr> {
    let about_staff = || {
        feedback::Entity::find()
            .filter(feedback::Column::StaffUserId.is_not_null())
            .filter(feedback::Column::CreatedAt.gte(period.start()))
            .filter(feedback::Column::CreatedAt.lt(period.end()))
    };
    let counted: Vec<(i64, Kind, i16, i64)> = about_staff()
        .filter(feedback::Column::UnderMeasure.eq(false))
        .select_only()
        .column(feedback::Column::StaffUserId)
        .column(feedback::Column::Kind)
        .column(feedback::Column::Ease)
        .column_as(feedback::Column::Id.count(), "n")
        .group_by(feedback::Column::StaffUserId)
        .group_by(feedback::Column::Kind)
        .group_by(feedback::Column::Ease)
        .into_tuple()
        .all(conn)
        .await?;
    let left_out = about_staff()
        .filter(feedback::Column::UnderMeasure.eq(true))
        .count(conn)
        .await?;
    let ids: BTreeSet<i64> = counted.iter().map(|(id, ..)| *id).collect();
    let mut staff: Vec<StaffFigures> = staff_user::Entity::find()
        .filter(staff_user::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| StaffFigures {
            staff_user_id: s.id,
            display_name: s.display_name,
            full_name: s.full_name,
            answers: Answers::default(),
            compliments: 0,
        })
        .collect();
    for (id, kind, ease, n) in counted {
        if let Some(one) = staff.iter_mut().find(|s| s.staff_user_id == id) {
            one.answers.add(ease, count(n));
            if kind == Kind::Compliment {
                one.compliments += count(n);
            }
        }
    }
    staff.sort_by(|a, b| {
        (a.display_name.as_str(), a.staff_user_id).cmp(&(b.display_name.as_str(), b.staff_user_id))
    });
    Ok(StaffMeasures { staff, left_out })
}

/// Which feedback the export holds: the triage list's filters, already read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportFilter {
    pub kind: Option<Kind>,
    pub channel: Option<Channel>,
    /// Received at or after this instant.
    pub from: Option<OffsetDateTime>,
    /// Received before this instant.
    pub until: Option<OffsetDateTime>,
    /// Tagged with this theme.
    pub theme: Option<i64>,
}

/// One piece of feedback as the export writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub reference: String,
    pub received: OffsetDateTime,
    pub channel: Channel,
    pub kind: Kind,
    pub ease: i16,
    /// Its themes' names, Japanese and English, in the order the themes were made.
    pub themes: Vec<(String, String)>,
    pub case_reference: Option<String>,
    pub request_reference: Option<String>,
    /// The display name of the staff member it is about.
    pub staff_display_name: Option<String>,
    pub comment: Option<String>,
}

/// The export: its rows, newest first, and whether there were more than [`EXPORT_CAP`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub rows: Vec<ExportRow>,
    pub capped: bool,
}

/// How many ids one `IN (…)` list holds, well within both databases' limits on bound values.
const CHUNK: usize = 500;

/// The `(id, text)` pairs of an entity's rows among `ids`, read a chunk at a time.
async fn texts_by_id<C, E>(
    conn: &C,
    ids: &BTreeSet<i64>,
    id: E::Column,
    text: E::Column,
) -> Result<HashMap<i64, String>, DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
{
    let ids: Vec<i64> = ids.iter().copied().collect();
    let mut found = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(i64, String)> = E::find()
            .select_only()
            .column(id)
            .column(text)
            .filter(id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// The feedback the filter picks, newest first, at most [`EXPORT_CAP`] rows, with the names
/// and references each row shows.
pub async fn export<C: ConnectionTrait>(conn: &C, filter: &ExportFilter) -> Result<Export, DbErr> {
    let mut query = feedback::Entity::find();
    if let Some(kind) = filter.kind {
        query = query.filter(feedback::Column::Kind.eq(kind));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(feedback::Column::Channel.eq(channel));
    }
    // Instants are stored in UTC, and SQLite compares them as text: compare in UTC too.
    if let Some(from) = filter.from {
        query = query.filter(feedback::Column::CreatedAt.gte(from.to_offset(UtcOffset::UTC)));
    }
    if let Some(until) = filter.until {
        query = query.filter(feedback::Column::CreatedAt.lt(until.to_offset(UtcOffset::UTC)));
    }
    if let Some(theme) = filter.theme {
        let tagged = Query::select()
            .column(feedback_theme_tag::Column::FeedbackId)
            .from(feedback_theme_tag::Entity)
            .and_where(feedback_theme_tag::Column::ThemeId.eq(theme))
            .to_owned();
        query = query.filter(feedback::Column::Id.in_subquery(tagged));
    }
    let mut found = query
        .order_by_desc(feedback::Column::CreatedAt)
        .order_by_desc(feedback::Column::Id)
        .limit(EXPORT_CAP + 1)
        .all(conn)
        .await?;
    let capped = found.len() as u64 > EXPORT_CAP;
    found.truncate(EXPORT_CAP as usize);
    let ids: Vec<i64> = found.iter().map(|f| f.id).collect();
    let mut tags: HashMap<i64, Vec<i64>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<(i64, i64)> = feedback_theme_tag::Entity::find()
            .select_only()
            .column(feedback_theme_tag::Column::FeedbackId)
            .column(feedback_theme_tag::Column::ThemeId)
            .filter(feedback_theme_tag::Column::FeedbackId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(conn)
            .await?;
        for (feedback_id, theme_id) in rows {
            tags.entry(feedback_id).or_default().push(theme_id);
        }
    }
    let themes: HashMap<i64, (String, String)> = feedback_theme::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, (t.name_ja, t.name_en)))
        .collect();
    let requests = texts_by_id::<_, support_request::Entity>(
        conn,
        &found.iter().filter_map(|f| f.request_id).collect(),
        support_request::Column::Id,
        support_request::Column::Reference,
    )
    .await?;
    let cases = texts_by_id::<_, improvement_case::Entity>(
        conn,
        &found.iter().filter_map(|f| f.case_id).collect(),
        improvement_case::Column::Id,
        improvement_case::Column::Reference,
    )
    .await?;
    let staff = texts_by_id::<_, staff_user::Entity>(
        conn,
        &found.iter().filter_map(|f| f.staff_user_id).collect(),
        staff_user::Column::Id,
        staff_user::Column::DisplayName,
    )
    .await?;
    let rows = found
        .into_iter()
        .map(|f| {
            let mut theme_ids = tags.remove(&f.id).unwrap_or_default();
            theme_ids.sort_unstable();
            ExportRow {
                themes: theme_ids
                    .iter()
                    .filter_map(|id| themes.get(id).cloned())
                    .collect(),
                case_reference: f.case_id.and_then(|id| cases.get(&id).cloned()),
                request_reference: f.request_id.and_then(|id| requests.get(&id).cloned()),
                staff_display_name: f.staff_user_id.and_then(|id| staff.get(&id).cloned()),
                reference: f.reference,
                received: f.created_at,
                channel: f.channel,
                kind: f.kind,
                ease: f.ease,
                comment: f.comment,
            }
        })
        .collect();
    Ok(Export { rows, capped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_period_runs_from_the_first_months_midnight_to_the_next_months_in_the_desks_zone() {
        let tz = time_tz::timezones::db::asia::TOKYO;
        // 31 Dec 20:00 UTC is already January in Tokyo.
        let period = Period::ending(datetime!(2026-12-31 20:00 UTC), tz, MONTHS);
        assert_eq!(period.months().len(), MONTHS);
        assert_eq!(period.months()[0], date!(2026 - 02 - 01));
        assert_eq!(period.months()[MONTHS - 1], date!(2027 - 01 - 01));
        assert_eq!(period.start(), datetime!(2026-01-31 15:00 UTC));
        assert_eq!(period.end(), datetime!(2027-01-31 15:00 UTC));
        assert_eq!(period.bounds.len(), MONTHS + 1);
        assert_eq!(period.slot(11), Some(11));
        assert_eq!(period.slot(12), None);
        assert_eq!(period.slot(-1), None);
    }

    #[test]
    fn a_period_of_one_month_is_one_slot() {
        let tz = time_tz::timezones::db::asia::TOKYO;
        let period = Period::ending(datetime!(2026-11-15 00:00 UTC), tz, 1);
        assert_eq!(period.months(), &[date!(2026 - 11 - 01)]);
        assert_eq!(period.end(), datetime!(2026-11-30 15:00 UTC));
    }
}
