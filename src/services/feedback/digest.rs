//! The weekly digest: on Monday from nine in the morning (the desk's time), each active
//! staff member who chose it is emailed the past week's feedback in figures and a few of its
//! comments, once a week whichever instance sends it.

use crate::config::Config;
use crate::domain::feedback::{Kind, satisfied};
use crate::domain::{Email, Lang};
use crate::entities::{feedback, setting, staff_user};
use crate::i18n::{format_date, t, tf};
use crate::mail::{self, templates};
use crate::paths;
use crate::services::calendar::day_start;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    SqlErr,
};
use time::{Date, Duration, OffsetDateTime};

/// The hour of Monday from which the digest is sent.
const SEND_FROM_HOUR: u8 = 9;
/// The most comments a digest quotes.
const COMMENTS: usize = 5;
/// The longest quoted comment, in characters.
const COMMENT_CHARS: usize = 200;

/// The Monday that begins the week `day` is in.
fn monday_of(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// The week a digest sent at `now` covers, by its Monday: the week before this one, once
/// this Monday's sending hour has come.
pub fn week_due(now: OffsetDateTime, config: &Config) -> Option<Date> {
    let local = time_tz::OffsetDateTimeExt::to_timezone(&now, config.timezone);
    let this_monday = monday_of(local.date());
    let sending = local.date() != this_monday || local.hour() >= SEND_FROM_HOUR;
    sending.then(|| this_monday - Duration::weeks(1))
}

fn excerpt(text: &str) -> String {
    let flat = text.replace('\n', " ");
    if flat.chars().count() <= COMMENT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(COMMENT_CHARS).collect();
    format!("{cut}…")
}

/// The digest's lines in `lang` for the feedback of a week.
fn lines(lang: Lang, week: &[feedback::Model]) -> Vec<String> {
    let count = |kind: Kind| week.iter().filter(|f| f.kind == kind).count().to_string();
    let mut out = vec![
        tf(
            lang,
            "email.digest.total",
            &[("count", &week.len().to_string())],
        ),
        tf(
            lang,
            "email.digest.kinds",
            &[
                ("compliment", &count(Kind::Compliment)),
                ("suggestion", &count(Kind::Suggestion)),
                ("complaint", &count(Kind::Complaint)),
                ("other", &count(Kind::Other)),
            ],
        ),
    ];
    if !week.is_empty() {
        let n = week.len() as f64;
        let mean = week.iter().map(|f| f64::from(f.ease)).sum::<f64>() / n;
        let happy = week.iter().filter(|f| satisfied(f.ease)).count() as f64;
        out.push(tf(
            lang,
            "email.digest.ease",
            &[
                ("ease", &format!("{mean:.1}")),
                ("satisfied", &format!("{:.0}", happy * 100.0 / n)),
            ],
        ));
    }
    for f in week.iter().filter(|f| f.comment.is_some()).take(COMMENTS) {
        let (kind_key, channel_key) = (
            format!("feedback.kind.{}", f.kind.as_str()),
            format!("feedback.channel.{}", f.channel.as_str()),
        );
        let (kind, channel) = (t(lang, &kind_key), t(lang, &channel_key));
        out.push(tf(
            lang,
            "email.digest.comment",
            &[
                (
                    "comment",
                    &excerpt(f.comment.as_deref().unwrap_or_default()),
                ),
                ("kind", kind),
                ("channel", channel),
            ],
        ));
    }
    out
}

/// Sends the digest of the week due, when it was not sent yet; how many were written. The
/// first instance to mark the week sends it; another finds it marked and sends nothing.
pub async fn send_if_due(
    db: &DatabaseConnection,
    now: OffsetDateTime,
    config: &Config,
) -> Result<usize, DbErr> {
    let Some(monday) = week_due(now, config) else {
        return Ok(0);
    };
    let key = format!("feedback.digest.{monday}");
    if setting::Entity::find_by_id(key.clone())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(0);
    }
    let txn = crate::db::begin_write(db).await?;
    let marked = setting::Entity::insert(setting::ActiveModel {
        key: Set(key),
        value: Set("sent".to_owned()),
        updated_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await;
    match marked {
        Ok(_) => {}
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(0);
        }
        Err(e) => return Err(e),
    }
    let from = day_start(monday, config.timezone);
    let until = day_start(monday + Duration::weeks(1), config.timezone);
    let week = feedback::Entity::find()
        .filter(feedback::Column::CreatedAt.gte(from))
        .filter(feedback::Column::CreatedAt.lt(until))
        .order_by_desc(feedback::Column::CreatedAt)
        .all(&txn)
        .await?;
    let readers = staff_user::Entity::find()
        .filter(staff_user::Column::Active.eq(true))
        .filter(staff_user::Column::FeedbackDigest.eq(true))
        .all(&txn)
        .await?;
    let mut sent = 0;
    for member in readers {
        let Ok(to) = Email::parse(&member.email) else {
            continue;
        };
        let lang = member.lang;
        let message = templates::feedback_digest(
            lang,
            &member.display_name,
            &format_date(lang, monday),
            lines(lang, &week),
            config.link(paths::feedback::STAFF),
            crate::services::contact::staff_way_back(config),
        );
        mail::enqueue_plain(
            &txn,
            now,
            &config.base_url,
            "feedback_digest",
            to,
            lang,
            message,
        )
        .await?;
        sent += 1;
    }
    txn.commit().await?;
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Weekday;
    use time::macros::date;

    #[test]
    fn a_week_begins_on_monday() {
        assert_eq!(monday_of(date!(2026 - 12 - 03)), date!(2026 - 11 - 30));
        assert_eq!(monday_of(date!(2026 - 11 - 30)), date!(2026 - 11 - 30));
        assert_eq!(monday_of(date!(2026 - 12 - 06)), date!(2026 - 11 - 30));
        assert_eq!(date!(2026 - 11 - 30).weekday(), Weekday::Monday);
    }

    #[test]
    fn the_digest_quotes_a_few_comments_cut_short() {
        assert_eq!(excerpt("a\nb"), "a b");
        assert_eq!(excerpt(&"x".repeat(300)).chars().count(), COMMENT_CHARS + 1);
    }
}
