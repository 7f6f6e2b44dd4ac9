//! Improvement cases: feedback gathered into a case that says what customers said and what
//! the desk did about it, in Japanese and English. Coordinators, supervisors and admins
//! open, word and move cases (proposed → in progress → done, or back a step); supervisors
//! and admins publish done cases on the public "you said, we did" page, and moving a case
//! back from done takes it off that page. Every change is audited in its own transaction.

use super::UseCase;
use super::audit::{self, Target};
use crate::db::take_turn;
use crate::domain::improvement::{CaseStatus, CaseText, MoveRefused, Stamp};
use crate::domain::{AuditAction, Reference};
use crate::entities::{feedback, improvement_case};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use time::OffsetDateTime;

/// A case as stored.
pub type Case = improvement_case::Model;
/// A piece of feedback as stored.
pub type Feedback = feedback::Model;

/// Why a change to a case was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// No such case.
    #[error("not found")]
    NotFound,
    /// A piece of feedback to gather does not exist.
    #[error("no such feedback")]
    UnknownFeedback,
    /// The status does not follow the case's own.
    #[error("a case cannot move from {from:?} to {to:?}")]
    NotNext {
        /// Where the case stands.
        from: CaseStatus,
        /// Where it was to go.
        to: CaseStatus,
    },
    /// A done case needs "we did" in both languages.
    #[error("\"we did\" is not written in both languages")]
    WeDidMissing,
    /// Only a done case, with "we did" in both languages, can be published.
    #[error("only a done case can be published")]
    NotDone,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Whether a stored case has "we did" in both languages.
pub fn we_did_written(case: &Case) -> bool {
    case.we_did_ja.is_some() && case.we_did_en.is_some()
}

/// What takes turns on one case, so that two changes at once are seen in one order.
fn case_key(id: i64) -> String {
    format!("improvement case {id}")
}

/// Opens a proposed case with its words (checked by
/// [`crate::domain::improvement::CaseForm::check`]) and gathers the feedback named into it,
/// taking any of it out of the case it was in. Feedback that does not exist refuses the
/// whole case.
pub async fn open(
    uc: &UseCase<'_>,
    text: &CaseText,
    feedback_ids: &[i64],
) -> Result<Case, CaseError> {
    let mut ids = feedback_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let txn = uc.begin().await?;
    let found = feedback::Entity::find()
        .filter(feedback::Column::Id.is_in(ids.clone()))
        .order_by_asc(feedback::Column::Id)
        .all(&txn)
        .await?;
    if found.len() != ids.len() {
        return Err(CaseError::UnknownFeedback);
    }
    let case = improvement_case::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('I').as_str().to_owned()),
        status: Set(CaseStatus::Proposed),
        you_said_ja: Set(text.you_said_ja.clone()),
        you_said_en: Set(text.you_said_en.clone()),
        we_did_ja: Set(text.we_did_ja.clone()),
        we_did_en: Set(text.we_did_en.clone()),
        created_by: Set(uc.actor.staff_id),
        created_at: Set(uc.now),
        updated_at: Set(uc.now),
        started_at: Set(None),
        done_at: Set(None),
        published_at: Set(None),
        published_by: Set(None),
    }
    .insert(&txn)
    .await?;
    if !ids.is_empty() {
        feedback::Entity::update_many()
            .col_expr(feedback::Column::CaseId, Expr::value(case.id))
            .filter(feedback::Column::Id.is_in(ids))
            .exec(&txn)
            .await?;
    }
    for f in &found {
        audit::record(
            &txn,
            uc.now,
            uc.actor,
            AuditAction::FeedbackTriaged,
            Some(Target::feedback(f.id)),
            serde_json::json!({ "reference": f.reference, "gathered_into": case.reference }),
        )
        .await?;
    }
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::ImprovementOpened,
        Some(Target::improvement(case.id)),
        serde_json::json!({
            "reference": case.reference,
            "gathered": found.iter().map(|f| f.reference.as_str()).collect::<Vec<_>>(),
        }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(case)
}

/// Changes a case's words. A done case keeps "we did" in both languages; words that stay
/// the same write nothing.
pub async fn edit(uc: &UseCase<'_>, id: i64, text: &CaseText) -> Result<Case, CaseError> {
    let txn = uc.begin().await?;
    let found = locked(&txn, id).await?;
    let case = write_words(&txn, uc, found, text).await?;
    uc.commit(txn).await?;
    Ok(case)
}

/// Moves a case to `to`, one step as [`CaseStatus::next`] allows. Done needs "we did" in
/// both languages; moving to in progress stamps when work started, to done when it ended;
/// moving back from done takes the case off the public page.
pub async fn set_status(uc: &UseCase<'_>, id: i64, to: CaseStatus) -> Result<Case, CaseError> {
    let txn = uc.begin().await?;
    let found = locked(&txn, id).await?;
    let case = write_move(&txn, uc, found, to).await?;
    uc.commit(txn).await?;
    Ok(case)
}

/// Changes a case's words and moves it, together or not at all: what the case page's
/// "save and move" buttons do, so that "we did" can be written and the case done at once.
pub async fn save_and_move(
    uc: &UseCase<'_>,
    id: i64,
    text: &CaseText,
    to: CaseStatus,
) -> Result<Case, CaseError> {
    let txn = uc.begin().await?;
    let found = locked(&txn, id).await?;
    // The words are held to where the case is going, not where it stands.
    let case = write_words_as(&txn, uc, found, text, to).await?;
    let case = write_move(&txn, uc, case, to).await?;
    uc.commit(txn).await?;
    Ok(case)
}

/// Puts a done case on the public page, or takes it off. Doing what is already done
/// writes nothing.
pub async fn publish(uc: &UseCase<'_>, id: i64, publish: bool) -> Result<Case, CaseError> {
    let txn = uc.begin().await?;
    let found = locked(&txn, id).await?;
    if publish && !found.status.publishable(we_did_written(&found)) {
        return Err(CaseError::NotDone);
    }
    if found.published_at.is_some() == publish {
        return Ok(found);
    }
    let reference = found.reference.clone();
    let mut row: improvement_case::ActiveModel = found.into();
    row.published_at = Set(publish.then_some(uc.now));
    row.published_by = Set(if publish { uc.actor.staff_id } else { None });
    let case = row.update(&txn).await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::ImprovementPublished,
        Some(Target::improvement(id)),
        serde_json::json!({ "reference": reference, "on_public_page": publish }),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(case)
}

/// Reads a case inside a change, after taking its turn.
async fn locked<C: ConnectionTrait>(txn: &C, id: i64) -> Result<Case, CaseError> {
    take_turn(txn, &case_key(id)).await?;
    improvement_case::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(CaseError::NotFound)
}

async fn write_words<C: ConnectionTrait>(
    txn: &C,
    uc: &UseCase<'_>,
    found: Case,
    text: &CaseText,
) -> Result<Case, CaseError> {
    let status = found.status;
    write_words_as(txn, uc, found, text, status).await
}

/// Writes the words, refusing to leave a case that is (or is about to be) done without
/// "we did" in both languages, and audits which words changed.
async fn write_words_as<C: ConnectionTrait>(
    txn: &C,
    uc: &UseCase<'_>,
    found: Case,
    text: &CaseText,
    status: CaseStatus,
) -> Result<Case, CaseError> {
    if status == CaseStatus::Done && !text.we_did_written() {
        return Err(CaseError::WeDidMissing);
    }
    let changed: Vec<&str> = [
        ("you_said_ja", found.you_said_ja != text.you_said_ja),
        ("you_said_en", found.you_said_en != text.you_said_en),
        ("we_did_ja", found.we_did_ja != text.we_did_ja),
        ("we_did_en", found.we_did_en != text.we_did_en),
    ]
    .into_iter()
    .filter_map(|(name, differs)| differs.then_some(name))
    .collect();
    if changed.is_empty() {
        return Ok(found);
    }
    let (id, reference) = (found.id, found.reference.clone());
    let mut row: improvement_case::ActiveModel = found.into();
    row.you_said_ja = Set(text.you_said_ja.clone());
    row.you_said_en = Set(text.you_said_en.clone());
    row.we_did_ja = Set(text.we_did_ja.clone());
    row.we_did_en = Set(text.we_did_en.clone());
    row.updated_at = Set(uc.now);
    let case = row.update(txn).await?;
    audit::record(
        txn,
        uc.now,
        uc.actor,
        AuditAction::ImprovementChanged,
        Some(Target::improvement(id)),
        serde_json::json!({ "reference": reference, "changed_words": changed }),
    )
    .await?;
    Ok(case)
}

fn stamped(
    stamp: Stamp,
    now: OffsetDateTime,
    was: Option<OffsetDateTime>,
) -> Option<OffsetDateTime> {
    match stamp {
        Stamp::Keep => was,
        Stamp::Now => Some(now),
        Stamp::Clear => None,
    }
}

async fn write_move<C: ConnectionTrait>(
    txn: &C,
    uc: &UseCase<'_>,
    found: Case,
    to: CaseStatus,
) -> Result<Case, CaseError> {
    let from = found.status;
    let published = found.published_at.is_some();
    let change = from
        .move_to(to, we_did_written(&found), published)
        .map_err(|why| match why {
            MoveRefused::NotNext => CaseError::NotNext { from, to },
            MoveRefused::WeDidMissing => CaseError::WeDidMissing,
        })?;
    let (id, reference) = (found.id, found.reference.clone());
    let (started_at, done_at) = (found.started_at, found.done_at);
    let mut row: improvement_case::ActiveModel = found.into();
    row.status = Set(to);
    row.updated_at = Set(uc.now);
    row.started_at = Set(stamped(change.started, uc.now, started_at));
    row.done_at = Set(stamped(change.done, uc.now, done_at));
    if change.withdraws {
        row.published_at = Set(None);
        row.published_by = Set(None);
    }
    let case = row.update(txn).await?;
    let mut detail = serde_json::json!({
        "reference": reference,
        "from": from.as_str(),
        "to": to.as_str(),
    });
    if change.withdraws {
        detail["on_public_page"] = serde_json::Value::Bool(false);
    }
    audit::record(
        txn,
        uc.now,
        uc.actor,
        AuditAction::ImprovementChanged,
        Some(Target::improvement(id)),
        detail,
    )
    .await?;
    Ok(case)
}

/// One case.
pub async fn get<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Option<Case>, DbErr> {
    improvement_case::Entity::find_by_id(id).one(conn).await
}

/// The cases, those in `status` only when one is given, most recently changed first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    status: Option<CaseStatus>,
) -> Result<Vec<Case>, DbErr> {
    let mut query = improvement_case::Entity::find();
    if let Some(status) = status {
        query = query.filter(improvement_case::Column::Status.eq(status));
    }
    query
        .order_by_desc(improvement_case::Column::UpdatedAt)
        .order_by_desc(improvement_case::Column::Id)
        .all(conn)
        .await
}

/// How many cases stand in each status, every status listed.
pub async fn counts<C: ConnectionTrait>(conn: &C) -> Result<Vec<(CaseStatus, u64)>, DbErr> {
    let rows: Vec<(CaseStatus, i64)> = improvement_case::Entity::find()
        .select_only()
        .column(improvement_case::Column::Status)
        .column_as(improvement_case::Column::Id.count(), "n")
        .group_by(improvement_case::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(CaseStatus::ALL
        .iter()
        .map(|status| {
            let n = rows
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| (*n).max(0) as u64);
            (*status, n)
        })
        .collect())
}

/// The feedback gathered into a case, oldest first.
pub async fn gathered<C: ConnectionTrait>(conn: &C, case_id: i64) -> Result<Vec<Feedback>, DbErr> {
    feedback::Entity::find()
        .filter(feedback::Column::CaseId.eq(case_id))
        .order_by_asc(feedback::Column::CreatedAt)
        .order_by_asc(feedback::Column::Id)
        .all(conn)
        .await
}

/// How many pieces of feedback each of the cases has gathered: each is one customer about
/// one contact (a contact is asked once), or one note on the open form. Cases with none
/// are left out.
pub async fn gathered_counts<C: ConnectionTrait>(
    conn: &C,
    case_ids: &[i64],
) -> Result<HashMap<i64, u64>, DbErr> {
    if case_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<i64>, i64)> = feedback::Entity::find()
        .select_only()
        .column(feedback::Column::CaseId)
        .column_as(feedback::Column::Id.count(), "n")
        .filter(feedback::Column::CaseId.is_in(case_ids.to_vec()))
        .group_by(feedback::Column::CaseId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(case, n)| case.map(|case| (case, n.max(0) as u64)))
        .collect())
}

/// The cases on the public page, the most recently done first, each with how many
/// customers raised it.
pub async fn published<C: ConnectionTrait>(conn: &C) -> Result<Vec<(Case, u64)>, DbErr> {
    let cases = improvement_case::Entity::find()
        .filter(improvement_case::Column::PublishedAt.is_not_null())
        .filter(improvement_case::Column::Status.eq(CaseStatus::Done))
        .order_by_desc(improvement_case::Column::DoneAt)
        .order_by_desc(improvement_case::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let counts = gathered_counts(conn, &ids).await?;
    Ok(cases
        .into_iter()
        .map(|c| {
            let n = counts.get(&c.id).copied().unwrap_or(0);
            (c, n)
        })
        .collect())
}

/// The pieces of feedback named, oldest first, for the form that gathers them into a new
/// case; `None` when any of them does not exist.
pub async fn feedback_named<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<Option<Vec<Feedback>>, DbErr> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let found = feedback::Entity::find()
        .filter(feedback::Column::Id.is_in(ids.clone()))
        .order_by_asc(feedback::Column::CreatedAt)
        .order_by_asc(feedback::Column::Id)
        .all(conn)
        .await?;
    Ok((found.len() == ids.len()).then_some(found))
}

/// The references of the cases named, by id.
pub async fn references<C: ConnectionTrait>(
    conn: &C,
    ids: &[i64],
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(improvement_case::Entity::find()
        .filter(improvement_case::Column::Id.is_in(ids.to_vec()))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.reference))
        .collect())
}
