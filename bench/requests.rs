//! Seeds a database for the support-request benchmark (`bench/requests-run`): `N` requests
//! sent through the service over the last 60 days, in every topic and reply channel, of
//! which a third are answered and waiting, a sixth resolved, a sixth closed, some assigned;
//! the rest are new or being looked at, many of them past their target.
//!
//! Usage: `DATABASE_URL=… bench_requests_seed N` (the schema is created when missing).

use sea_orm::ConnectionTrait;
use std::error::Error;
use yorisoi::domain::request::{NewRequest, ReplyChannel, RequestStatus, Topic};
use yorisoi::domain::{Email, Lang};
use yorisoi::services::{Actor, UseCase, requests};
use yorisoi::{Config, db};

type Fallible<T> = Result<T, Box<dyn Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Fallible<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let config = Config::from_env()?;
    let conn = db::connect(&config.database_url).await?;
    db::migrate(&conn).await?;
    let actor = Actor::default();
    // No relay runs here: the bell rings for nobody.
    let mail_wake = tokio::sync::Notify::new();
    let now = time::OffsetDateTime::now_utc();
    let started = std::time::Instant::now();
    for i in 0..n {
        // Spread over the last 60 days, oldest first.
        let sent_at = now - time::Duration::minutes(((n - i) * 60 * 24 * 60 / n) as i64);
        let topic = Topic::ALL[i % Topic::ALL.len()];
        let channel = ReplyChannel::ALL[(i / 7) % ReplyChannel::ALL.len()];
        let new = NewRequest {
            topic,
            details: format!("Request number {i}: a question about {}.", topic.as_str()),
            name: format!("Customer {i}"),
            member_number: (i % 3 == 0).then(|| format!("M{i:07}")),
            channel,
            email: Email::parse(&format!("customer{i}@bench.yorisoi.example")).ok(),
            fax: (channel == ReplyChannel::Fax).then(|| "03-1234-5678".to_owned()),
            address: (channel == ReplyChannel::Post).then(|| "東京都千代田区1-1".to_owned()),
        };
        let uc = UseCase {
            db: &conn,
            now: sent_at,
            config: &config,
            actor: &actor,
            mail_wake: &mail_wake,
        };
        let sent = requests::submit::send(&uc, &new, Lang::Ja, None, None).await?;
        let id = sent.request.id;
        match i % 6 {
            0 | 1 => {
                requests::staff::reply(&uc, id, "Here is our answer.").await?;
            }
            2 => {
                requests::staff::set_status(&uc, id, RequestStatus::Resolved).await?;
            }
            3 => {
                requests::staff::set_status(&uc, id, RequestStatus::Closed).await?;
            }
            4 => {
                requests::staff::set_status(&uc, id, RequestStatus::Open).await?;
            }
            _ => {}
        }
    }
    // The emails are not the point here.
    conn.execute_unprepared("DELETE FROM outbox_messages")
        .await?;
    eprintln!(
        "seeded {n} requests in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
