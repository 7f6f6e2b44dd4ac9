//! Taking the answers: about one contact (asked once, answered once) or on the open form.
//! A complaint, or any feedback whose writer asked for a reply, also opens a support request
//! when there is an address to answer at, so it gets an answer. A compliment about the
//! staff member the customer dealt with is shared with them.

use super::{Contact, Feedback, invitation_for, triage};
use crate::domain::feedback::{Answer, Channel, Kind};
use crate::domain::request::{NewRequest, ReplyChannel, Topic};
use crate::domain::{Email, Lang, Reference, Token};
use crate::entities::{feedback, feedback_invitation};
use crate::i18n::tf;
use crate::services::UseCase;
use crate::services::limits;
use crate::services::requests::submit;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
};
use time::OffsetDateTime;

/// Why feedback was not taken.
#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    /// This contact's feedback was already given: each contact is asked once.
    #[error("already answered")]
    AlreadyAnswered,
    /// Too much came from this address, or asked for replies at this email address, lately.
    #[error("too much feedback lately")]
    TooMany,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What was taken: the feedback, and the request opened to answer it, with its thread's
/// link when the writer follows it by link.
#[derive(Debug)]
pub struct Answered {
    /// The feedback as stored.
    pub feedback: Feedback,
    /// The request's reference and its thread's link token.
    pub request: Option<(String, Option<Token>)>,
}

/// Where the answer to feedback goes, and under what name.
struct ReplyTo<'a> {
    email: &'a Email,
    name: &'a str,
}

/// Opens the support request that answers feedback: its details say which feedback it
/// came from and quote the comment.
async fn open_request<C: ConnectionTrait>(
    conn: &C,
    uc: &UseCase<'_>,
    f: &Feedback,
    to: ReplyTo<'_>,
    lang: Lang,
) -> Result<(i64, String, Option<Token>), DbErr> {
    let kind_key = format!("feedback.kind.{}", f.kind.as_str());
    let kind = crate::i18n::t(lang, &kind_key);
    let mut details = tf(
        lang,
        "feedback.request_details",
        &[("reference", &f.reference), ("kind", kind)],
    );
    if let Some(comment) = &f.comment {
        details.push_str("\n\n");
        details.push_str(comment);
    }
    let new = NewRequest {
        topic: Topic::Other,
        details,
        name: to.name.to_owned(),
        member_number: None,
        channel: ReplyChannel::Email,
        email: Some(to.email.clone()),
        fax: None,
        address: None,
    };
    let sent = submit::open(conn, uc, &new, lang, None).await?;
    Ok((sent.request.id, sent.request.reference, sent.token))
}

fn row(reference: &str, answer: &Answer, lang: Lang, now: OffsetDateTime) -> feedback::ActiveModel {
    feedback::ActiveModel {
        id: NotSet,
        reference: Set(reference.to_owned()),
        invitation_id: Set(None),
        channel: Set(Channel::General),
        kind: Set(answer.kind),
        ease: Set(answer.ease),
        comment: Set(answer.comment.clone()),
        name: Set(answer.name.clone()),
        email: Set(answer.email.as_ref().map(|e| e.as_str().to_owned())),
        wants_reply: Set(answer.wants_reply),
        lang: Set(lang),
        staff_user_id: Set(None),
        under_measure: Set(false),
        request_id: Set(None),
        case_id: Set(None),
        created_at: Set(now),
    }
}

/// Links the request opened to answer feedback to it, and gives back its reference and link.
async fn note_request<C: ConnectionTrait>(
    conn: &C,
    f: Feedback,
    (id, reference, token): (i64, String, Option<Token>),
) -> Result<(Feedback, (String, Option<Token>)), DbErr> {
    let mut row: feedback::ActiveModel = f.into();
    row.request_id = Set(Some(id));
    Ok((row.update(conn).await?, (reference, token)))
}

/// Takes feedback about one contact, in the writer's language. The contact is answered
/// once: a second answer, or two sent at once, is refused.
pub async fn about_contact(
    uc: &UseCase<'_>,
    contact: &Contact,
    answer: &Answer,
    lang: Lang,
) -> Result<Answered, FeedbackError> {
    let now = uc.now;
    let txn = uc.begin().await?;
    let invitation = invitation_for(&txn, now, contact).await?;
    // Marking it answered is the arbiter: of two sent at once, one marks it.
    let marked = feedback_invitation::Entity::update_many()
        .col_expr(feedback_invitation::Column::AnsweredAt, Expr::value(now))
        .filter(feedback_invitation::Column::Id.eq(invitation.id))
        .filter(feedback_invitation::Column::AnsweredAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        return Err(FeedbackError::AlreadyAnswered);
    }
    let reference = Reference::generate('F');
    let mut new = row(reference.as_str(), answer, lang, now);
    new.invitation_id = Set(Some(invitation.id));
    new.channel = Set(contact.channel);
    new.staff_user_id = Set(invitation.staff_user_id);
    new.under_measure = Set(invitation.under_measure);
    // The contact's own address answers: the form asks for none.
    new.name = Set(None);
    new.email = Set(None);
    let mut f = new.insert(&txn).await?;
    let mut request = None;
    if let Some((email, name, reply_lang)) = &contact.addressee
        && answer.needs_answer(true)
    {
        let to = ReplyTo { email, name };
        let opened = open_request(&txn, uc, &f, to, *reply_lang).await?;
        let (noted, shown) = note_request(&txn, f, opened).await?;
        f = noted;
        request = Some(shown);
    }
    if f.kind == Kind::Compliment
        && let Some(staff) = f.staff_user_id
    {
        triage::tell_of_compliment(&txn, uc, &f, staff).await?;
    }
    uc.commit(txn).await?;
    Ok(Answered {
        feedback: f,
        request,
    })
}

/// Takes feedback from the open form, anonymous or with an address for a reply. Each
/// sending address, and each email address a reply is asked at, is held to a limit.
pub async fn open_form(
    uc: &UseCase<'_>,
    answer: &Answer,
    lang: Lang,
) -> Result<Answered, FeedbackError> {
    let now = uc.now;
    let txn = uc.begin().await?;
    let ip = uc.actor.ip.as_deref().unwrap_or("unknown");
    if !limits::take(&txn, now, limits::FEEDBACK_FROM_ADDRESS, &[ip]).await? {
        return Err(FeedbackError::TooMany);
    }
    if let Some(email) = &answer.email
        && answer.needs_answer(true)
        && !limits::take(&txn, now, limits::FEEDBACK_TO_EMAIL, &[email.as_str()]).await?
    {
        return Err(FeedbackError::TooMany);
    }
    let reference = Reference::generate('F');
    let mut f = row(reference.as_str(), answer, lang, now)
        .insert(&txn)
        .await?;
    let mut request = None;
    if let Some(email) = &answer.email
        && answer.needs_answer(true)
    {
        let fallback = crate::i18n::t(lang, "feedback.anonymous_name");
        let name = answer.name.as_deref().unwrap_or(fallback);
        let opened = open_request(&txn, uc, &f, ReplyTo { email, name }, lang).await?;
        let (noted, shown) = note_request(&txn, f, opened).await?;
        f = noted;
        request = Some(shown);
    }
    uc.commit(txn).await?;
    Ok(Answered {
        feedback: f,
        request,
    })
}
