//! The measures supervisors take after an incident, and the person's appeals.
//!
//! A warning or limits take effect when taken; a suspension only once a second person (a
//! supervisor or admin other than the one who proposed it) approves it. A measure is lifted
//! early with a reason. Each step is written to the person in their language, through the
//! outbox, with a fresh link to their notice page. An appeal is decided by a supervisor
//! who neither proposed nor approved the measure, and the answer is written to them too.
//!
//! A measure attaches to the identity of the person whose conduct it was: the customer's
//! email address and member number, or the proxy's account. A proxy's conduct never limits
//! the customer they act for.

use super::{Incident, IncidentError, Notice, tell_supervisors};
use crate::config::Config;
use crate::db::take_turn;
use crate::domain::incident::Subject;
use crate::domain::measure::{AppealOutcome, InForce, MeasureKind, MeasureStatus, NewMeasure};
use crate::domain::schedule::local_instant;
use crate::domain::{AuditAction, Email, Reference, Token};
use crate::entities::{incident, measure, measure_appeal, measure_link, proxy_account};
use crate::mail::{self, templates};
use crate::paths;
use crate::services::UseCase;
use crate::services::audit::{self, Target};
use crate::services::proxies;
use sea_orm::sea_query::Condition;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use time::{OffsetDateTime, Time};

/// One measure as stored.
pub type Measure = measure::Model;
/// One appeal as stored.
pub type Appeal = measure_appeal::Model;

/// Why a step on a measure was refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    /// No such measure, appeal or incident.
    #[error("not found")]
    NotFound,
    /// The incident names nobody a measure could be attached to.
    #[error("no identity to attach the measure to")]
    NoIdentity,
    /// The same person may not propose and approve a suspension, nor decide an appeal
    /// against a measure they took.
    #[error("a second person must decide")]
    SamePerson,
    /// The measure is not in a state this step applies to (already approved, ended, lifted).
    #[error("the measure has moved on")]
    Moved,
    /// An appeal against the measure is already waiting for a decision.
    #[error("an appeal is already waiting")]
    AppealWaiting,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl From<IncidentError> for MeasureError {
    fn from(e: IncidentError) -> Self {
        match e {
            IncidentError::Database(e) => MeasureError::Database(e),
            _ => MeasureError::NotFound,
        }
    }
}

/// Who a measure is about, for the checks at the desk's doors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// A customer writing or booking for themself, as they gave their details.
    Customer {
        email: Option<String>,
        member_number: Option<String>,
    },
    /// A signed-in proxy.
    Proxy(i64),
}

/// What a measure limits, as the checks and the letters read it.
pub fn terms(m: &Measure) -> InForce {
    InForce {
        email_only: m.email_only,
        sessions_need_approval: m.sessions_need_approval,
        weekly_requests: m.weekly_requests.and_then(|n| u32::try_from(n).ok()),
        suspend_requests: m.suspend_requests,
        suspend_sessions: m.suspend_sessions,
        ends_at: m.ends_at,
    }
}

/// Whether a measure is in force at `now`.
pub fn in_force_at(m: &Measure, now: OffsetDateTime) -> bool {
    m.status == MeasureStatus::Active && m.ends_at > now
}

/// Rows that are the customer's: their email address in `email_column` or their member
/// number in `number_column`. None when neither is known, as nothing is then theirs.
fn same_customer(
    email_column: impl ColumnTrait,
    number_column: impl ColumnTrait,
    email: &Option<String>,
    member_number: &Option<String>,
) -> Option<Condition> {
    let mut any = Condition::any();
    if let Some(email) = email {
        any = any.add(email_column.eq(email.clone()));
    }
    if let Some(number) = member_number {
        any = any.add(number_column.eq(number.clone()));
    }
    (email.is_some() || member_number.is_some()).then_some(any)
}

/// The measures in force at `now` for `who`.
pub async fn in_force<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    who: &Identity,
) -> Result<Vec<Measure>, DbErr> {
    let matching = match who {
        Identity::Customer {
            email,
            member_number,
        } => {
            let Some(any) = same_customer(
                measure::Column::Email,
                measure::Column::MemberNumber,
                email,
                member_number,
            ) else {
                return Ok(Vec::new());
            };
            Condition::all()
                .add(measure::Column::Subject.eq(Subject::Customer))
                .add(any)
        }
        Identity::Proxy(id) => Condition::all()
            .add(measure::Column::Subject.eq(Subject::Proxy))
            .add(measure::Column::ProxyAccountId.eq(*id)),
    };
    measure::Entity::find()
        .filter(matching)
        .filter(measure::Column::Status.eq(MeasureStatus::Active))
        .filter(measure::Column::EndsAt.gt(now))
        .order_by_asc(measure::Column::EndsAt)
        .all(conn)
        .await
}

/// Who is written to about an incident's measures: a name and an address, if they have one.
async fn addressee<C: ConnectionTrait>(
    conn: &C,
    i: &Incident,
) -> Result<(String, Option<String>, Option<i64>), DbErr> {
    if i.subject == Subject::Proxy
        && let Some(id) = i.proxy_registration_id
        && let Some(r) = proxies::get(conn, id).await?
    {
        let account = match r.proxy_account_id {
            Some(id) => proxy_account::Entity::find_by_id(id).one(conn).await?,
            None => None,
        };
        return Ok((
            r.proxy_full_name,
            Some(account.as_ref().map_or(r.proxy_email, |a| a.email.clone())),
            r.proxy_account_id,
        ));
    }
    Ok((
        i.customer_name.clone().unwrap_or_default(),
        i.customer_email.clone(),
        None,
    ))
}

/// What the letter about a measure says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letter<'a> {
    /// The measure now in force (a warning, limits, an approved suspension).
    Taken,
    /// Lifted early, with the reason.
    Lifted(&'a str),
    /// An appeal has arrived.
    AppealReceived,
    /// An appeal was decided: the outcome and the answer.
    AppealDecided(AppealOutcome, &'a str),
}

/// Writes a letter about `m` to its person, with a fresh link to their notice page, in the
/// transaction of the step it tells of. Someone with no email address gets no email: staff
/// see the notice's page and send it by post.
async fn write_letter<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    config: &Config,
    m: &Measure,
    letter: Letter<'_>,
) -> Result<(), DbErr> {
    let Some(incident) = incident::Entity::find_by_id(m.incident_id)
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    let (name, email, _) = addressee(conn, &incident).await?;
    let Some(recipient) = email.and_then(|e| Email::parse(&e).ok()) else {
        return Ok(());
    };
    let token = Token::generate();
    measure_link::Entity::insert(measure_link::ActiveModel {
        token_hash: Set(token.hash()),
        measure_id: Set(m.id),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    let way_back = crate::services::contact::way_back(conn, config, None).await?;
    let facts = templates::MeasureFacts {
        reference: &m.reference,
        name: &name,
        kind: m.kind,
        terms: terms(m),
        reason: &m.reason,
        notice: config.link(&paths::public::notice(token.expose())),
        policy: config.link(paths::public::POLICY),
        timezone: config.timezone,
    };
    let (kind, message) = match letter {
        Letter::Taken => (
            "measure_taken",
            templates::measure_taken(m.lang, &facts, way_back),
        ),
        Letter::Lifted(why) => (
            "measure_lifted",
            templates::measure_lifted(m.lang, &facts, why, way_back),
        ),
        Letter::AppealReceived => (
            "appeal_received",
            templates::appeal_received(m.lang, &facts, way_back),
        ),
        Letter::AppealDecided(outcome, reply) => (
            "appeal_decided",
            templates::appeal_decided(m.lang, &facts, outcome, reply, way_back),
        ),
    };
    mail::enqueue_plain(
        conn,
        now,
        &config.base_url,
        kind,
        recipient,
        m.lang,
        message,
    )
    .await?;
    Ok(())
}

fn measure_key(id: i64) -> String {
    format!("measure {id}")
}

/// Takes a measure about an incident: a warning or limits at once, a suspension as a
/// proposal for a second person to approve. The measure attaches to whoever the incident's
/// conduct was: the customer's email and member number, or the proxy's account.
pub async fn take(
    uc: &UseCase<'_>,
    supervisor: i64,
    incident_id: i64,
    new: &NewMeasure,
) -> Result<Measure, MeasureError> {
    let txn = uc.begin().await?;
    let i = incident::Entity::find_by_id(incident_id)
        .one(&txn)
        .await?
        .ok_or(MeasureError::NotFound)?;
    let (_, proxy_email, proxy_account) = addressee(&txn, &i).await?;
    let (email, member_number, proxy_account_id) = match i.subject {
        Subject::Customer => (i.customer_email.clone(), i.member_number.clone(), None),
        Subject::Proxy => (proxy_email, None, proxy_account),
    };
    if email.is_none() && member_number.is_none() && proxy_account_id.is_none() {
        return Err(MeasureError::NoIdentity);
    }
    // In force to the end of its last day, in the desk's zone.
    let ends_at = new
        .ends_on
        .next_day()
        .and_then(|d| local_instant(d, Time::MIDNIGHT, uc.config.timezone))
        .unwrap_or(uc.now);
    let at_once = new.kind != MeasureKind::Suspension;
    let m = measure::ActiveModel {
        id: NotSet,
        reference: Set(Reference::generate('M').as_str().to_owned()),
        incident_id: Set(i.id),
        kind: Set(new.kind),
        status: Set(if at_once {
            MeasureStatus::Active
        } else {
            MeasureStatus::Proposed
        }),
        email_only: Set(new.email_only),
        sessions_need_approval: Set(new.sessions_need_approval),
        weekly_requests: Set(new.weekly_requests.map(|n| n as i32)),
        suspend_requests: Set(new.suspend_requests),
        suspend_sessions: Set(new.suspend_sessions),
        reason: Set(new.reason.clone()),
        lang: Set(new.lang),
        subject: Set(i.subject),
        email: Set(email),
        member_number: Set(member_number),
        proxy_account_id: Set(proxy_account_id),
        ends_at: Set(ends_at),
        proposed_by: Set(supervisor),
        proposed_at: Set(uc.now),
        decided_by: Set(at_once.then_some(supervisor)),
        decided_at: Set(at_once.then_some(uc.now)),
        lifted_by: Set(None),
        lifted_at: Set(None),
        lift_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        if at_once {
            AuditAction::MeasureTaken
        } else {
            AuditAction::MeasureProposed
        },
        Some(Target::measure(m.id)),
        serde_json::json!({ "reference": m.reference, "incident": i.reference,
            "kind": m.kind.as_str() }),
    )
    .await?;
    if at_once {
        write_letter(&txn, uc.now, uc.config, &m, Letter::Taken).await?;
    } else {
        tell_supervisors(
            &txn,
            uc.now,
            uc.config,
            Notice::Approval {
                reference: &m.reference,
                link: paths::staff::incident(i.id),
                except: vec![supervisor],
            },
        )
        .await?;
    }
    uc.commit(txn).await?;
    Ok(m)
}

/// A second person approves a proposed suspension, which then takes effect and is written
/// to the person; or declines it, and nothing is written to them.
pub async fn decide(
    uc: &UseCase<'_>,
    decider: i64,
    id: i64,
    approve: bool,
) -> Result<Measure, MeasureError> {
    let txn = uc.begin().await?;
    take_turn(&txn, &measure_key(id)).await?;
    let m = measure::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(MeasureError::NotFound)?;
    if m.status != MeasureStatus::Proposed {
        return Err(MeasureError::Moved);
    }
    if m.proposed_by == decider {
        return Err(MeasureError::SamePerson);
    }
    let mut row: measure::ActiveModel = m.into();
    row.status = Set(if approve {
        MeasureStatus::Active
    } else {
        MeasureStatus::Declined
    });
    row.decided_by = Set(Some(decider));
    row.decided_at = Set(Some(uc.now));
    let m = row.update(&txn).await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        if approve {
            AuditAction::MeasureApproved
        } else {
            AuditAction::MeasureDeclined
        },
        Some(Target::measure(m.id)),
        serde_json::json!({ "reference": m.reference }),
    )
    .await?;
    if approve {
        write_letter(&txn, uc.now, uc.config, &m, Letter::Taken).await?;
    }
    uc.commit(txn).await?;
    Ok(m)
}

async fn lift_in<C: ConnectionTrait>(
    txn: &C,
    uc: &UseCase<'_>,
    by: i64,
    m: Measure,
    why: &str,
) -> Result<Measure, MeasureError> {
    if !in_force_at(&m, uc.now) {
        return Err(MeasureError::Moved);
    }
    let mut row: measure::ActiveModel = m.into();
    row.status = Set(MeasureStatus::Lifted);
    row.lifted_by = Set(Some(by));
    row.lifted_at = Set(Some(uc.now));
    row.lift_reason = Set(Some(why.to_owned()));
    let m = row.update(txn).await?;
    audit::record(
        txn,
        uc.now,
        uc.actor,
        AuditAction::MeasureLifted,
        Some(Target::measure(m.id)),
        serde_json::json!({ "reference": m.reference }),
    )
    .await?;
    Ok(m)
}

/// Lifts a measure in force before its end date, with a reason written to the person.
pub async fn lift(uc: &UseCase<'_>, by: i64, id: i64, why: &str) -> Result<Measure, MeasureError> {
    let txn = uc.begin().await?;
    take_turn(&txn, &measure_key(id)).await?;
    let m = measure::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(MeasureError::NotFound)?;
    let m = lift_in(&txn, uc, by, m, why).await?;
    write_letter(&txn, uc.now, uc.config, &m, Letter::Lifted(why)).await?;
    uc.commit(txn).await?;
    Ok(m)
}

/// The measure a notice link leads to.
pub async fn by_link<C: ConnectionTrait>(conn: &C, token: &str) -> Result<Option<Measure>, DbErr> {
    let Some(token) = Token::from_presented(token) else {
        return Ok(None);
    };
    let Some(link) = measure_link::Entity::find_by_id(token.hash())
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    measure::Entity::find_by_id(link.measure_id).one(conn).await
}

/// The appeals against a measure, oldest first.
pub async fn appeals<C: ConnectionTrait>(conn: &C, id: i64) -> Result<Vec<Appeal>, DbErr> {
    measure_appeal::Entity::find()
        .filter(measure_appeal::Column::MeasureId.eq(id))
        .order_by_asc(measure_appeal::Column::Id)
        .all(conn)
        .await
}

/// The person appeals in writing from their notice: one appeal waits at a time, and only
/// while the measure has not ended. The supervisors are told, and the person is written
/// that it arrived.
pub async fn appeal(uc: &UseCase<'_>, m: &Measure, body: &str) -> Result<Appeal, MeasureError> {
    let txn = uc.begin().await?;
    take_turn(&txn, &measure_key(m.id)).await?;
    let m = measure::Entity::find_by_id(m.id)
        .one(&txn)
        .await?
        .ok_or(MeasureError::NotFound)?;
    let open =
        matches!(m.status, MeasureStatus::Active | MeasureStatus::Proposed) && m.ends_at > uc.now;
    if !open {
        return Err(MeasureError::Moved);
    }
    let waiting = measure_appeal::Entity::find()
        .filter(measure_appeal::Column::MeasureId.eq(m.id))
        .filter(measure_appeal::Column::DecidedAt.is_null())
        .count(&txn)
        .await?;
    if waiting > 0 {
        return Err(MeasureError::AppealWaiting);
    }
    let a = measure_appeal::ActiveModel {
        id: NotSet,
        measure_id: Set(m.id),
        body: Set(body.to_owned()),
        received_at: Set(uc.now),
        decided_by: Set(None),
        decided_at: Set(None),
        outcome: Set(None),
        reply: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::MeasureAppealed,
        Some(Target::measure(m.id)),
        serde_json::json!({ "reference": m.reference }),
    )
    .await?;
    write_letter(&txn, uc.now, uc.config, &m, Letter::AppealReceived).await?;
    tell_supervisors(
        &txn,
        uc.now,
        uc.config,
        Notice::Appeal {
            reference: &m.reference,
            link: paths::staff::incident(m.incident_id),
            except: [Some(m.proposed_by), m.decided_by]
                .into_iter()
                .flatten()
                .collect(),
        },
    )
    .await?;
    uc.commit(txn).await?;
    Ok(a)
}

/// A supervisor who neither proposed nor approved the measure decides an appeal: upheld,
/// or the measure is lifted. The answer is written to the person either way.
pub async fn decide_appeal(
    uc: &UseCase<'_>,
    decider: i64,
    appeal_id: i64,
    outcome: AppealOutcome,
    reply: &str,
) -> Result<Appeal, MeasureError> {
    let txn = uc.begin().await?;
    let found = measure_appeal::Entity::find_by_id(appeal_id)
        .one(&txn)
        .await?
        .ok_or(MeasureError::NotFound)?;
    take_turn(&txn, &measure_key(found.measure_id)).await?;
    let found = measure_appeal::Entity::find_by_id(appeal_id)
        .one(&txn)
        .await?
        .ok_or(MeasureError::NotFound)?;
    if found.decided_at.is_some() {
        return Err(MeasureError::Moved);
    }
    let m = measure::Entity::find_by_id(found.measure_id)
        .one(&txn)
        .await?
        .ok_or(MeasureError::NotFound)?;
    if m.proposed_by == decider || m.decided_by == Some(decider) {
        return Err(MeasureError::SamePerson);
    }
    let m = match outcome {
        AppealOutcome::Lifted if m.status == MeasureStatus::Proposed => {
            // A suspension not yet in force is declined instead of lifted.
            let mut row: measure::ActiveModel = m.into();
            row.status = Set(MeasureStatus::Declined);
            row.decided_by = Set(Some(decider));
            row.decided_at = Set(Some(uc.now));
            row.update(&txn).await?
        }
        AppealOutcome::Lifted if in_force_at(&m, uc.now) => {
            lift_in(&txn, uc, decider, m, reply).await?
        }
        _ => m,
    };
    let mut row: measure_appeal::ActiveModel = found.into();
    row.decided_by = Set(Some(decider));
    row.decided_at = Set(Some(uc.now));
    row.outcome = Set(Some(outcome));
    row.reply = Set(Some(reply.to_owned()));
    let decided = row.update(&txn).await?;
    audit::record(
        &txn,
        uc.now,
        uc.actor,
        AuditAction::MeasureAppealDecided,
        Some(Target::measure(m.id)),
        serde_json::json!({ "reference": m.reference, "outcome": outcome.as_str() }),
    )
    .await?;
    write_letter(
        &txn,
        uc.now,
        uc.config,
        &m,
        Letter::AppealDecided(outcome, reply),
    )
    .await?;
    uc.commit(txn).await?;
    Ok(decided)
}

/// The measures taken about an incident, newest first.
pub async fn for_incident<C: ConnectionTrait>(
    conn: &C,
    incident_id: i64,
) -> Result<Vec<Measure>, DbErr> {
    measure::Entity::find()
        .filter(measure::Column::IncidentId.eq(incident_id))
        .order_by_desc(measure::Column::ProposedAt)
        .order_by_desc(measure::Column::Id)
        .all(conn)
        .await
}

/// Suspensions waiting for a second person, oldest first.
pub async fn waiting_approval<C: ConnectionTrait>(conn: &C) -> Result<Vec<Measure>, DbErr> {
    measure::Entity::find()
        .filter(measure::Column::Status.eq(MeasureStatus::Proposed))
        .order_by_asc(measure::Column::ProposedAt)
        .all(conn)
        .await
}

/// Appeals waiting for a decision, oldest first, with their measures.
pub async fn waiting_appeals<C: ConnectionTrait>(
    conn: &C,
) -> Result<Vec<(Appeal, Measure)>, DbErr> {
    let waiting = measure_appeal::Entity::find()
        .filter(measure_appeal::Column::DecidedAt.is_null())
        .order_by_asc(measure_appeal::Column::ReceivedAt)
        .all(conn)
        .await?;
    let mut found = Vec::new();
    for a in waiting {
        if let Some(m) = measure::Entity::find_by_id(a.measure_id).one(conn).await? {
            found.push((a, m));
        }
    }
    Ok(found)
}

/// Requests the person sent for themself in the seven days before `now`: what a weekly
/// limit counts.
pub async fn requests_this_week<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    who: &Identity,
) -> Result<u64, DbErr> {
    use crate::entities::support_request;
    let since = now - time::Duration::days(7);
    let query =
        support_request::Entity::find().filter(support_request::Column::CreatedAt.gt(since));
    let query = match who {
        Identity::Customer {
            email,
            member_number,
        } => {
            let Some(any) = same_customer(
                support_request::Column::Email,
                support_request::Column::MemberNumber,
                email,
                member_number,
            ) else {
                return Ok(0);
            };
            query
                .filter(support_request::Column::ProxyRegistrationId.is_null())
                .filter(any)
        }
        Identity::Proxy(account) => {
            let registrations: Vec<i64> = crate::entities::proxy_registration::Entity::find()
                .filter(crate::entities::proxy_registration::Column::ProxyAccountId.eq(*account))
                .all(conn)
                .await?
                .into_iter()
                .map(|r| r.id)
                .collect();
            query.filter(support_request::Column::ProxyRegistrationId.is_in(registrations))
        }
    };
    query.count(conn).await
}

/// The supervisor a request from someone under an email-only limit goes to: the one who
/// took the measure, while they are still an active supervisor or admin.
pub async fn handling_supervisor<C: ConnectionTrait>(
    conn: &C,
    measures: &[Measure],
) -> Result<Option<i64>, DbErr> {
    use crate::domain::Permission;
    use crate::entities::staff_user;
    for m in measures.iter().filter(|m| m.email_only) {
        if let Some(s) = staff_user::Entity::find_by_id(m.proposed_by)
            .one(conn)
            .await?
            && s.active
            && s.role.may(Permission::HandleIncidents)
        {
            return Ok(Some(s.id));
        }
    }
    Ok(None)
}
