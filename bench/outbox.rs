//! Outbox benchmark: how fast the relay delivers 10,000 queued emails to a local SMTP
//! receiver, and how much writing an email into the outbox adds to a transaction, against
//! the same transaction without it, measured in the same run.
//!
//! `cargo run --release --example bench_outbox` (SQLite in a temporary folder), or with
//! `DATABASE_URL=postgres://…` for an empty PostgreSQL database.

#[allow(dead_code)]
#[path = "../tests/app/smtp.rs"]
mod smtp;

use sea_orm::EntityTrait;
use std::sync::Arc;
use std::time::{Duration, Instant};
use yorisoi::clock::SystemClock;
use yorisoi::domain::{AuditAction, Email, Lang};
use yorisoi::mail::{OutgoingEmail, enqueue, templates};
use yorisoi::services::{Actor, audit};
use yorisoi::{App, Config};

const MESSAGES: usize = 10_000;
const TRANSACTIONS: usize = 2_000;

fn email(n: usize) -> OutgoingEmail {
    OutgoingEmail {
        kind: "bench",
        recipient: Email::parse(&format!("customer{n}@example.jp")).unwrap(),
        lang: Lang::Ja,
        message: templates::staff_invitation(
            Lang::Ja,
            "佐藤",
            "https://desk.example.jp/staff/invitation/abc",
            "2026年11月29日(日) 12:00",
            templates::WayBack {
                link: "https://desk.example.jp/staff".into(),
                thread: false,
                desk: Default::default(),
                for_staff: true,
            },
        ),
        attachments: Vec::new(),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = smtp::Receiver::start().await;
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.database_url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    config.smtp_url = Some(receiver.url());
    let backend = if config.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let app = App::start(config, Arc::new(SystemClock)).await.unwrap();
    let state = app.state();

    // 1. The cost of the outbox row inside a transaction, alternating with and without.
    let mut without = Vec::with_capacity(TRANSACTIONS);
    let mut with = Vec::with_capacity(TRANSACTIONS);
    for n in 0..TRANSACTIONS * 2 {
        let started = Instant::now();
        let txn = yorisoi::db::begin_write(&state.db).await.unwrap();
        audit::record(
            &txn,
            state.now(),
            &Actor::default(),
            AuditAction::StaffCreated,
            None,
            serde_json::json!({ "n": n }),
        )
        .await
        .unwrap();
        if n % 2 == 1 {
            enqueue(&txn, state.now(), &state.mail_host, email(n))
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
        if n % 2 == 1 {
            with.push(started.elapsed())
        } else {
            without.push(started.elapsed())
        }
    }
    without.sort();
    with.sort();
    yorisoi::entities::outbox_message::Entity::delete_many()
        .exec(&state.db)
        .await
        .unwrap();

    // 2. Delivery of 10,000 queued emails by one relay.
    for chunk in (0..MESSAGES).collect::<Vec<_>>().chunks(500) {
        let txn = yorisoi::db::begin_write(&state.db).await.unwrap();
        for n in chunk {
            enqueue(&txn, state.now(), &state.mail_host, email(*n))
                .await
                .unwrap();
        }
        txn.commit().await.unwrap();
    }
    let started = Instant::now();
    let relay = app.relay().clone();
    let mut sent = 0;
    while sent < MESSAGES {
        sent += relay.deliver_due().await.unwrap();
        if sent < MESSAGES {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    let arrived = receiver.wait_for(MESSAGES, 60).await.len();
    let elapsed = started.elapsed();

    println!(
        "Outbox on {backend}, {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!();
    println!("| transaction ({TRANSACTIONS} each, alternating) | median | p99 |");
    println!("| --- | ---: | ---: |");
    println!(
        "| baseline: audit row only | {:.3} ms | {:.3} ms |",
        percentile(&without, 0.5).as_secs_f64() * 1e3,
        percentile(&without, 0.99).as_secs_f64() * 1e3
    );
    println!(
        "| audit row + outbox email | {:.3} ms | {:.3} ms |",
        percentile(&with, 0.5).as_secs_f64() * 1e3,
        percentile(&with, 0.99).as_secs_f64() * 1e3
    );
    println!();
    println!(
        "Delivery: {MESSAGES} emails queued, {arrived} arrived at the local SMTP receiver in {:.2} s: {:.0} emails/s with one relay.",
        elapsed.as_secs_f64(),
        arrived as f64 / elapsed.as_secs_f64()
    );
}
