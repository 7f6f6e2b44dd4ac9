//! Staff triage: the feedback that came in, filtered by kind, channel, period and theme;
//! tagging it with themes, gathering it into an improvement case, and naming the staff
//! member a compliment is for, who is then told of it. Staff who chose it get a weekly
//! digest ([`super::digest`]).

use super::Feedback;
use crate::domain::feedback::{Filter, Kind};
use crate::domain::{AuditAction, Lang};
use crate::entities::{feedback, feedback_theme_tag, improvement_case, staff_user};
use crate::mail::{self, templates};
use crate::paths;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use crate::services::calendar::day_start;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde_json::json;
use std::collections::BTreeMap;
use time::Duration;
use time_tz::Tz;

/// The most pieces of feedback the list shows at once.
pub const LIST_MAX: u64 = 200;

/// A piece of feedback with the themes it is tagged with.
#[derive(Debug, Clone)]
pub struct Row {
    /// The feedback.
    pub feedback: Feedback,
    /// Its themes' ids.
    pub themes: Vec<i64>,
}

/// What staff set on a piece of feedback.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    /// The themes it is tagged with.
    pub themes: Vec<i64>,
    /// The improvement case it is gathered into.
    pub case_id: Option<i64>,
    /// The staff member it concerns.
    pub staff_user_id: Option<i64>,
}

/// Why triage was refused.
#[derive(Debug, thiserror::Error)]
pub enum TriageError {
    /// No such feedback.
    #[error("no such feedback")]
    NotFound,
    /// A theme, case or staff member that does not exist (or is archived, for a new tag).
    #[error("no such {0}")]
    Unknown(&'static str),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The feedback `filter` lets through, in the desk's time zone `tz`.
pub fn filtered(filter: &Filter, tz: &Tz) -> Select<feedback::Entity> {
    let mut query = feedback::Entity::find();
    if let Some(kind) = filter.kind {
        query = query.filter(feedback::Column::Kind.eq(kind));
    }
    if let Some(channel) = filter.channel {
        query = query.filter(feedback::Column::Channel.eq(channel));
    }
    if let Some(from) = filter.from {
        query = query.filter(feedback::Column::CreatedAt.gte(day_start(from, tz)));
    }
    if let Some(to) = filter.to {
        let next = day_start(to + Duration::days(1), tz);
        query = query.filter(feedback::Column::CreatedAt.lt(next));
    }
    if let Some(theme) = filter.theme {
        let tagged = Query::select()
            .column(feedback_theme_tag::Column::FeedbackId)
            .from(feedback_theme_tag::Entity)
            .and_where(feedback_theme_tag::Column::ThemeId.eq(theme))
            .to_owned();
        query = query.filter(feedback::Column::Id.in_subquery(tagged));
    }
    query
}

/// The themes of each piece of feedback listed.
async fn themes_of<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<BTreeMap<i64, Vec<i64>>, DbErr> {
    let mut out: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let tags = feedback_theme_tag::Entity::find()
            .filter(feedback_theme_tag::Column::FeedbackId.is_in(chunk.iter().copied()))
            .order_by_asc(feedback_theme_tag::Column::ThemeId)
            .all(conn)
            .await?;
        for tag in tags {
            out.entry(tag.feedback_id).or_default().push(tag.theme_id);
        }
    }
    Ok(out)
}

/// The feedback `filter` lets through, newest first, at most `limit`.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    tz: &Tz,
    filter: &Filter,
    limit: u64,
) -> Result<Vec<Row>, DbErr> {
    let found = filtered(filter, tz)
        .order_by_desc(feedback::Column::CreatedAt)
        .order_by_desc(feedback::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    let ids: Vec<i64> = found.iter().map(|f| f.id).collect();
    let mut themes = themes_of(conn, &ids).await?;
    Ok(found
        .into_iter()
        .map(|f| Row {
            themes: themes.remove(&f.id).unwrap_or_default(),
            feedback: f,
        })
        .collect())
}

/// One piece of feedback, with its themes.
pub async fn get<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Row>, DbErr> {
    let Some(f) = feedback::Entity::find_by_id(id).one(conn).await? else {
        return Ok(None);
    };
    let themes = themes_of(conn, &[id])
        .await?
        .remove(&id)
        .unwrap_or_default();
    Ok(Some(Row {
        feedback: f,
        themes,
    }))
}

/// Tags a piece of feedback, gathers it into a case and names the staff member it
/// concerns. A compliment newly naming a staff member is shared with them.
pub async fn save(uc: &UseCase<'_>, id: i64, triage: &Triage) -> Result<Row, TriageError> {
    let txn = uc.begin().await?;
    let Some(before) = get(&txn, id).await? else {
        return Err(TriageError::NotFound);
    };
    for theme in &triage.themes {
        let Some(found) = super::themes::get(&txn, *theme).await? else {
            return Err(TriageError::Unknown("theme"));
        };
        // An archived theme stays where it was, but is not put on anything new.
        if found.archived && !before.themes.contains(theme) {
            return Err(TriageError::Unknown("theme"));
        }
    }
    if let Some(case) = triage.case_id
        && improvement_case::Entity::find_by_id(case)
            .one(&txn)
            .await?
            .is_none()
    {
        return Err(TriageError::Unknown("case"));
    }
    if let Some(staff) = triage.staff_user_id
        && staff_user::Entity::find_by_id(staff)
            .one(&txn)
            .await?
            .is_none()
    {
        return Err(TriageError::Unknown("staff"));
    }
    feedback_theme_tag::Entity::delete_many()
        .filter(feedback_theme_tag::Column::FeedbackId.eq(id))
        .exec(&txn)
        .await?;
    let mut themes = triage.themes.clone();
    themes.sort_unstable();
    themes.dedup();
    for theme in &themes {
        feedback_theme_tag::Entity::insert(feedback_theme_tag::ActiveModel {
            feedback_id: Set(id),
            theme_id: Set(*theme),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    let newly_named = triage
        .staff_user_id
        .filter(|s| before.feedback.staff_user_id != Some(*s));
    let mut row: feedback::ActiveModel = before.feedback.clone().into();
    row.case_id = Set(triage.case_id);
    row.staff_user_id = Set(triage.staff_user_id);
    let f = row.update(&txn).await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::FeedbackTriaged,
        Some(Target::feedback(f.id)),
        json!({ "reference": f.reference, "themes": themes, "case_id": f.case_id,
                "staff_id": f.staff_user_id }),
    )
    .await?;
    if f.kind == Kind::Compliment
        && let Some(staff) = newly_named
    {
        tell_of_compliment(&txn, uc, &f, staff).await?;
    }
    uc.commit(txn).await?;
    Ok(Row {
        feedback: f,
        themes,
    })
}

/// Shares a compliment with the staff member it names: an email in their language with
/// the customer's words, and a line on their own feedback page.
pub(super) async fn tell_of_compliment<C: ConnectionTrait>(
    conn: &C,
    uc: &UseCase<'_>,
    f: &Feedback,
    staff: i64,
) -> Result<(), DbErr> {
    let Some(member) = staff_user::Entity::find_by_id(staff).one(conn).await? else {
        return Ok(());
    };
    audit::record(
        conn,
        uc.now,
        uc.actor,
        AuditAction::FeedbackShared,
        Some(Target::feedback(f.id)),
        json!({ "reference": f.reference, "staff_id": staff }),
    )
    .await?;
    let Ok(to) = crate::domain::Email::parse(&member.email) else {
        return Ok(());
    };
    if !member.active {
        return Ok(());
    }
    let message = templates::compliment_shared(
        member.lang,
        &member.display_name,
        f.comment.as_deref(),
        uc.config.link(paths::feedback::MINE),
        crate::services::contact::staff_way_back(uc.config),
    );
    let base = &uc.config.base_url;
    mail::enqueue_plain(conn, uc.now, base, "compliment", to, member.lang, message).await?;
    Ok(())
}

/// The compliments shared with a staff member, newest first.
pub async fn compliments_for<C: ConnectionTrait>(
    conn: &C,
    staff: i64,
) -> Result<Vec<Feedback>, DbErr> {
    feedback::Entity::find()
        .filter(feedback::Column::StaffUserId.eq(staff))
        .filter(feedback::Column::Kind.eq(Kind::Compliment))
        .order_by_desc(feedback::Column::CreatedAt)
        .limit(LIST_MAX)
        .all(conn)
        .await
}

/// Whether a staff member gets the weekly digest.
pub async fn digest_chosen<C: ConnectionTrait>(conn: &C, staff: i64) -> Result<bool, DbErr> {
    Ok(staff_user::Entity::find_by_id(staff)
        .one(conn)
        .await?
        .is_some_and(|s| s.feedback_digest))
}

/// A staff member chooses the weekly digest, or stops it.
pub async fn choose_digest(uc: &UseCase<'_>, staff: i64, on: bool) -> Result<(), DbErr> {
    let txn = uc.begin().await?;
    if let Some(member) = staff_user::Entity::find_by_id(staff).one(&txn).await? {
        let mut row: staff_user::ActiveModel = member.into();
        row.feedback_digest = Set(on);
        row.updated_at = Set(uc.now);
        row.update(&txn).await?;
    }
    uc.commit(txn).await
}

/// The improvement cases a piece of feedback can be gathered into: every case not done,
/// and the one it is in, newest first.
pub async fn open_cases<C: ConnectionTrait>(
    conn: &C,
    current: Option<i64>,
) -> Result<Vec<improvement_case::Model>, DbErr> {
    use crate::domain::improvement::CaseStatus;
    let cases = improvement_case::Entity::find()
        .order_by_desc(improvement_case::Column::CreatedAt)
        .all(conn)
        .await?;
    Ok(cases
        .into_iter()
        .filter(|c| c.status != CaseStatus::Done || Some(c.id) == current)
        .collect())
}

/// A language's own name of a case's "you said", for lists.
pub fn case_words(case: &improvement_case::Model, lang: Lang) -> &str {
    match lang {
        Lang::Ja => &case.you_said_ja,
        Lang::En => &case.you_said_en,
    }
}

/// Active staff, by id and display name, for naming whom feedback concerns.
pub async fn active_staff<C: ConnectionTrait>(conn: &C) -> Result<Vec<(i64, String)>, DbErr> {
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::Active.eq(true))
        .order_by_asc(staff_user::Column::DisplayName)
        .order_by_asc(staff_user::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect())
}
