//! Booking benchmark (issue 5): 20 interpreters, four weeks at 60% occupancy.
//!
//! For SQLite (a fresh file in a temporary folder) and, when `BENCH_POSTGRES_URL` names a
//! PostgreSQL server whose user may create databases, for a fresh database on it
//! (`bench_booking_<random>`, dropped afterwards), this program:
//!
//! 1. seeds the database through the library: the desk open 09:00–17:00 every day, 10
//!    sign-language and 10 written-chat interpreters available all those hours, and, over
//!    the next 28 days, sessions booked through `services::booking::make::confirm` at free times
//!    drawn at random until 60% of each mode's interpreter time is held (a session holds
//!    30 minutes plus its 10-minute buffer, rounded to three quarter hours);
//! 2. times the reads behind one time page one by one on the seeded database (where the
//!    page's time goes);
//! 3. serves it with the release `yorisoi` binary on a loopback port, beside the bare axum
//!    baseline (`bench/baseline.rs`) answering a page of the time page's size, and loads
//!    the time page of one journey (and its day page) and the baseline with `wrk`, with the
//!    server's CPU time per request from `/proc/<pid>/stat`;
//! 4. walks journeys to the check page and confirms them: one at a time, then 100 at once
//!    over four adjacent free times (most lose the race), then 100 at once over 100
//!    different free times, recording each confirmation's latency and outcome;
//! 5. reads the server's peak memory (`VmHWM`) and stops it;
//! 6. checks the database for double bookings: booked sessions of one interpreter that
//!    overlap (SQL over `bookings`), holds that overlap with their buffers, held cells that
//!    do not match the booked sessions exactly, and whether the booked sessions are exactly
//!    the seeded ones plus the confirmations answered with the confirmation page.
//!
//! Run by `bench/booking-run`, which builds everything in release mode first.
//! Usage: `bench_booking [seconds per wrk measurement, default 10]`.

use reqwest::cookie::{CookieStore, Jar};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter, Statement};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};
use time::{Date, Duration, OffsetDateTime};
use yorisoi::clock::SystemClock;
use yorisoi::domain::booking::DetailsForm;
use yorisoi::domain::dates::iso_day;
use yorisoi::domain::schedule::{self, LocalSpan, SessionMode};
use yorisoi::domain::{
    DisplayName, Email, FullName, Lang, Qualification, Role, RoomTemplate, Token,
};
use yorisoi::entities::{booking, interpreter_hold, outbox_message};
use yorisoi::services::booking::BookingError;
use yorisoi::services::booking::make::NewBooking;
use yorisoi::services::calendar::{Calendar, local_date};
use yorisoi::services::{Actor, interpreters, settings, staff};
use yorisoi::{App, Config};

type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const PER_MODE: usize = 10;
const DAYS: i64 = 28;
const OCCUPANCY: f64 = 0.6;
const OPENS: &str = "09:00";
const CLOSES: &str = "17:00";
/// Quarter hours an interpreter is available a day (09:00–17:00).
const CELLS_A_DAY: usize = 32;
const CLIENTS: usize = 100;
/// Rounds of 100 clients racing for four adjacent free times.
const CONTENDED_ROUNDS: usize = 3;
/// Rounds of 100 clients each confirming a different free time.
const SPREAD_ROUNDS: usize = 2;
/// Confirmations made one at a time, for the latency without contention.
const ONE_AT_A_TIME: usize = 30;
/// The day (from today) whose time page is loaded.
const TIME_PAGE_DAY: i64 = 7;

const SURNAMES: [&str; 20] = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
];

#[tokio::main]
async fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let bins = match Binaries::find() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "Machine: {} cores, {}; wrk 2 threads, 32 connections, {secs} s each; load generators on the same cores.",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        memory_total()
    );
    let mut failed = false;
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    if let Err(e) = run("SQLite", &sqlite, dir.path(), &bins, secs).await {
        eprintln!("bench: SQLite: {e}");
        failed = true;
    }
    if let Some(admin) = std::env::var("BENCH_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let name = format!("bench_booking_{}", &Token::generate().expose()[..12]);
        let outcome = async {
            let conn = Database::connect(&admin).await?;
            conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await?;
            conn.close().await?;
            let pg_dir = tempfile::tempdir()?;
            let version = server_version(&admin).await.unwrap_or_default();
            run(
                &format!("PostgreSQL {version}"),
                &yorisoi::db::with_database(&admin, &name),
                pg_dir.path(),
                &bins,
                secs,
            )
            .await
        }
        .await;
        if let Err(e) = outcome {
            eprintln!("bench: PostgreSQL: {e}");
            failed = true;
        }
        if let Ok(conn) = Database::connect(&admin).await {
            let _ = conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await;
            let _ = conn.close().await;
        }
    }
    if failed {
        std::process::exit(1);
    }
}

/// Everything measured on one backend.
async fn run(backend: &str, url: &str, dir: &Path, bins: &Binaries, secs: u64) -> Fallible<()> {
    println!();
    println!("### {backend}");
    println!();
    println!("Load average at the start: {}.", load_average());
    println!();
    let seeded = seed(url, &dir.join("mail")).await?;
    println!(
        "Seeded in {:.1} s: {} interpreters ({} sign-language video, {} written chat), available \
         {OPENS}–{CLOSES} every day, the desk open the same hours; {} sessions booked over the \
         next {DAYS} days ({}–{} per mode and day), {} held quarter hours: occupancy {:.1}% \
         (per interpreter {:.1}%–{:.1}%); {} confirmation emails marked sent, {} audit rows.",
        seeded.seconds,
        seeded.interpreters,
        PER_MODE,
        PER_MODE,
        seeded.bookings,
        seeded.min_per_day,
        seeded.max_per_day,
        seeded.holds,
        seeded.occupancy * 100.0,
        seeded.min_interpreter * 100.0,
        seeded.max_interpreter * 100.0,
        seeded.emails,
        seeded.audit_rows,
    );

    // Where a time page's time goes: its reads one by one, before the server runs.
    let today = local_date(OffsetDateTime::now_utc(), tz());
    let day = today + Duration::days(TIME_PAGE_DAY);
    println!();
    println!(
        "| the time page's work, one step at a time on the seeded database ({}, sign language) | rows | median of {REPEAT} |",
        iso_day(day)
    );
    println!("| --- | ---: | ---: |");
    for (what, rows, ms) in breakdown(url, day).await? {
        println!("| {what} | {rows} | {ms:.3} ms |");
    }

    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let server = Server::start(
        &bins.yorisoi,
        &[
            ("DATABASE_URL", url.to_owned()),
            ("YORISOI_BIND", format!("127.0.0.1:{port}")),
            ("MAIL_DIR", dir.join("mail").display().to_string()),
            ("RUST_LOG", "warn".to_owned()),
        ],
        &dir.join("serve.log"),
        &format!("{base}/healthz"),
    )
    .await?;

    // 1. The time page of one journey whose day has free times, beside the baseline.
    let visitor = Visitor::new(&base);
    visitor
        .walk_to_time(SessionMode::SignLanguageVideo, day, today)
        .await?;
    let page = visitor.get("/book/time").await?;
    if page.status != 200 {
        return Err(format!("the time page answered {}", page.status).into());
    }
    let times = start_values(&page.body).len();
    let cookie = format!("Cookie: {}", visitor.cookie_header());
    let baseline_port = free_port()?;
    let baseline_bytes = page.body.len().saturating_sub(51);
    let baseline = Server::start(
        &bins.baseline,
        &[
            ("BASELINE_BYTES", baseline_bytes.to_string()),
            ("BASELINE_BIND", format!("127.0.0.1:{baseline_port}")),
        ],
        &dir.join("baseline.log"),
        &format!("http://127.0.0.1:{baseline_port}/"),
    )
    .await?;
    let base_run = wrk(
        secs,
        &format!("http://127.0.0.1:{baseline_port}/"),
        None,
        baseline.pid(),
    )
    .await?;
    drop(baseline);
    let time_run = wrk(
        secs,
        &format!("{base}/book/time"),
        Some(&cookie),
        server.pid(),
    )
    .await?;
    let day_run = wrk(
        secs,
        &format!("{base}/book/day"),
        Some(&cookie),
        server.pid(),
    )
    .await?;
    println!();
    println!("| what | requests/s | p50 | p99 | server CPU a request |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    base_run.row(&format!(
        "baseline: bare axum, static page of {} bytes",
        page.body.len()
    ));
    time_run.row(&format!(
        "GET /book/time (sign language, {}, {times} free times)",
        iso_day(day)
    ));
    day_run.row("GET /book/day (that day's week, 7 days)");
    println!();
    let ratio = time_run.rps / base_run.rps;
    println!(
        "Time page at {ratio:.3} of the baseline's requests/s (aim 0.15: {}); day page at {:.3}.",
        if ratio >= 0.15 { "met" } else { "missed" },
        day_run.rps / base_run.rps
    );

    // 2. Confirmations.
    let mut rows = Vec::new();
    let mut confirmed = 0;
    let mut next_day = 10;
    let sequential = {
        let targets = spread_targets(&base, today, &mut next_day, ONE_AT_A_TIME).await?;
        confirm_round(&base, today, &targets, ONE_AT_A_TIME, false, server.pid()).await?
    };
    confirmed += sequential.confirmed();
    rows.push(("one at a time".to_owned(), vec![sequential]));
    let mut contended = Vec::new();
    for round in 0..CONTENDED_ROUNDS {
        let mode = SessionMode::ALL[round % 2];
        let day = today + Duration::days(next_day);
        next_day += 1;
        let free = free_starts(&base, mode, day, today).await?;
        if free.len() < 4 {
            return Err(format!("{} has only {} free times", iso_day(day), free.len()).into());
        }
        let from = free.len() / 2 - 2;
        let targets: Vec<_> = free[from..from + 4]
            .iter()
            .map(|s| (mode, day, *s))
            .collect();
        let round = confirm_round(&base, today, &targets, CLIENTS, true, server.pid()).await?;
        confirmed += round.confirmed();
        contended.push(round);
    }
    rows.push((
        format!("{CLIENTS} at once over 4 adjacent free times, {CONTENDED_ROUNDS} rounds"),
        contended,
    ));
    let mut spread = Vec::new();
    for _ in 0..SPREAD_ROUNDS {
        let targets = spread_targets(&base, today, &mut next_day, CLIENTS).await?;
        let round = confirm_round(&base, today, &targets, CLIENTS, true, server.pid()).await?;
        confirmed += round.confirmed();
        spread.push(round);
    }
    rows.push((
        format!("{CLIENTS} at once over {CLIENTS} different free times, {SPREAD_ROUNDS} rounds"),
        spread,
    ));
    println!();
    println!(
        "| confirmations (POST /book/check) | sent | confirmed | time taken | other | 5xx | p50 | p99 | max | server CPU a confirmation |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut concurrent_p99: f64 = 0.0;
    let mut server_errors = 0;
    for (i, (what, rounds)) in rows.iter().enumerate() {
        let all = Round::merge(rounds);
        let p99 = all.percentile(0.99);
        if i > 0 {
            concurrent_p99 = concurrent_p99.max(p99);
        }
        server_errors += all.server_errors();
        println!(
            "| {what} | {} | {} | {} | {} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} ms |",
            all.outcomes.len(),
            all.confirmed(),
            all.taken(),
            all.outcomes.len() - all.confirmed() - all.taken(),
            all.server_errors(),
            all.percentile(0.5),
            p99,
            all.percentile(1.0),
            all.cpu * 1e3 / all.outcomes.len().max(1) as f64,
        );
    }
    println!();
    println!(
        "Confirmation p99 at {CLIENTS} concurrent clients: {concurrent_p99:.1} ms (aim under 50 ms: {}); {server_errors} answers 5xx.",
        if concurrent_p99 < 50.0 {
            "met"
        } else {
            "missed"
        }
    );
    let memory = server.memory();
    drop(server);

    // 3. Double bookings, checked in the database.
    let check = verify(url).await?;
    println!();
    println!(
        "Double bookings: {} booked sessions ({} expected: {} seeded + {confirmed} confirmed \
         here), {} held quarter hours; {} pairs of one interpreter's booked sessions overlap \
         (SQL self-join over bookings); {} pairs overlap once the buffer is counted; {} \
         sessions whose held cells differ from their time and interpreter; {} held cells of no \
         booked session. {}",
        check.booked,
        seeded.bookings + confirmed as u64,
        seeded.bookings,
        check.holds,
        check.overlaps_sql,
        check.overlaps_with_buffer,
        check.mismatched,
        check.orphans,
        if check.clean() && check.booked == seeded.bookings + confirmed as u64 {
            "Zero double bookings (aim met)."
        } else {
            "DOUBLE BOOKINGS OR INCONSISTENT HOLDS (aim missed)."
        }
    );
    println!("Yorisoi memory after the run: {memory}.");
    println!("Load average at the end: {}.", load_average());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Seeding.

struct Seeded {
    seconds: f64,
    interpreters: usize,
    bookings: u64,
    holds: u64,
    emails: u64,
    audit_rows: u64,
    min_per_day: usize,
    max_per_day: usize,
    occupancy: f64,
    min_interpreter: f64,
    max_interpreter: f64,
}

fn tz() -> &'static time_tz::Tz {
    time_tz::timezones::db::asia::TOKYO
}

fn every_day(opens: &str, closes: &str) -> Fallible<BTreeMap<u8, Vec<LocalSpan>>> {
    let span = LocalSpan::parse(opens, closes).map_err(|_| "bad span")?;
    Ok((1..=7u8).map(|d| (d, vec![span])).collect())
}

fn invalid(why: yorisoi::domain::Invalid) -> String {
    format!("rejected: {why:?}")
}

fn details(mode: SessionMode, n: usize) -> Fallible<yorisoi::domain::booking::Details> {
    let topics = ["card_payments", "statements", "points", "personal_details"];
    DetailsForm {
        name: format!("{} {n}", SURNAMES[n % SURNAMES.len()]),
        email: format!("customer{n}@example.jp"),
        member_number: if n.is_multiple_of(3) {
            format!("M{n:08}")
        } else {
            String::new()
        },
        topic: topics[n % topics.len()].to_owned(),
        sign_language: "jsl".to_owned(),
        needs: if n.is_multiple_of(4) {
            "ゆっくり話してください。".to_owned()
        } else {
            String::new()
        },
        ..Default::default()
    }
    .validate(mode)
    .map_err(|e| format!("details rejected: {e:?}").into())
}

async fn count<C: ConnectionTrait>(conn: &C, from: &str) -> Fallible<u64> {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {from}"),
        ))
        .await?
        .ok_or("no row")?;
    Ok(row.try_get::<i64>("", "n")? as u64)
}

async fn seed(url: &str, mail_dir: &Path) -> Fallible<Seeded> {
    let started = Instant::now();
    let mut config = Config::from_lookup(|_| None)?;
    config.database_url = url.to_owned();
    config.mail_dir = mail_dir.to_owned();
    let app = App::start(config.clone(), Arc::new(SystemClock)).await?;
    let state = app.state();
    let db = &state.db;
    let actor = Actor::default();
    let now = OffsetDateTime::now_utc;
    settings::opening::save_hours(&state.act(&actor), &every_day(OPENS, CLOSES)?).await?;
    let password = state.hasher.hash("bench passphrase long enough").await?;
    let week = every_day(OPENS, CLOSES)?;
    for (i, surname) in SURNAMES.iter().enumerate() {
        let qualification = if i < PER_MODE {
            Qualification::SignLanguageInterpreter
        } else {
            Qualification::WrittenChat
        };
        let new = staff::NewStaff {
            email: Email::parse(&format!("interpreter{i:02}@bench.yorisoi.example"))
                .map_err(invalid)?,
            full_name: FullName::parse(&format!("{surname} 通訳{i:02}")).map_err(invalid)?,
            display_name: DisplayName::parse(surname).map_err(invalid)?,
            role: Role::Interpreter,
            password_hash: Some(password.clone()),
        };
        let id = staff::create(&state.act(&actor), &new, Lang::Ja).await?.id;
        interpreters::set_qualifications(&state.act(&actor), id, &[qualification]).await?;
        interpreters::save_weekly(&state.act(&actor), id, &week).await?;
    }
    // Each video session's join address is made from its own room, as on a real desk.
    let template = RoomTemplate::parse("https://meet.example.jp/{room}")
        .ok()
        .flatten()
        .ok_or("the room address")?;
    settings::save_room_template(&state.act(&actor), Some(&template)).await?;

    let rules = settings::load(db)
        .await?
        .rules(SessionMode::SignLanguageVideo);
    let cells_a_session = schedule::cells(&schedule::held(now(), &rules)).len();
    let per_day =
        (OCCUPANCY * (PER_MODE * CELLS_A_DAY) as f64 / cells_a_session as f64).round() as usize;
    let today = local_date(now(), tz());
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(5);
    let (mut min_per_day, mut max_per_day) = (usize::MAX, 0);
    let mut n = 0;
    let calendars = yorisoi::services::calendar::ScheduleCache::default();
    for offset in 1..=DAYS {
        let day = today + Duration::days(offset);
        for mode in SessionMode::ALL {
            let mut booked = 0;
            while booked < per_day {
                let calendar = Calendar::load(db, tz(), mode, day, day, None).await?;
                let starts = calendar.free_starts(day, now());
                if starts.is_empty() {
                    break;
                }
                let start = starts[rand::Rng::random_range(&mut rng, 0..starts.len())];
                n += 1;
                let new = NewBooking {
                    mode,
                    start,
                    details: details(mode, n)?,
                    lang: if n.is_multiple_of(5) {
                        Lang::En
                    } else {
                        Lang::Ja
                    },
                    on_behalf: None,
                    request_id: None,
                };
                match yorisoi::services::booking::make::confirm(
                    &state.act(&actor),
                    &calendars,
                    &new,
                    None,
                )
                .await
                {
                    Ok(_) => booked += 1,
                    Err(BookingError::Taken) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            min_per_day = min_per_day.min(booked);
            max_per_day = max_per_day.max(booked);
        }
    }
    // The confirmation emails went out long ago; the relay has nothing left to send.
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value("sent"))
        .col_expr(outbox_message::Column::SentAt, Expr::value(now()))
        .filter(outbox_message::Column::Status.eq("pending"))
        .exec(db)
        .await?;

    let mut per_interpreter: HashMap<i64, u64> = HashMap::new();
    for hold in interpreter_hold::Entity::find().all(db).await? {
        *per_interpreter.entry(hold.staff_user_id).or_default() += 1;
    }
    let available = (DAYS as usize * CELLS_A_DAY) as f64;
    let shares: Vec<f64> = per_interpreter
        .values()
        .map(|n| *n as f64 / available)
        .collect();
    let holds = count(db, "interpreter_holds").await?;
    let seeded = Seeded {
        seconds: started.elapsed().as_secs_f64(),
        interpreters: count(db, "staff_users WHERE role = 'interpreter'").await? as usize,
        bookings: count(db, "bookings").await?,
        holds,
        emails: count(db, "outbox_messages WHERE status = 'sent'").await?,
        audit_rows: count(db, "audit_events").await?,
        min_per_day,
        max_per_day,
        occupancy: holds as f64 / (available * SURNAMES.len() as f64),
        min_interpreter: shares.iter().copied().fold(f64::MAX, f64::min),
        max_interpreter: shares.iter().copied().fold(0.0, f64::max),
    };
    state.db.clone().close().await?;
    Ok(seeded)
}

// ---------------------------------------------------------------------------------------
// Where the time goes.

/// How many times each step of the breakdown is repeated.
const REPEAT: usize = 200;

/// Runs a step `REPEAT` times; its last result and the median time in milliseconds.
async fn timed<T, F, Fut>(mut step: F) -> Fallible<(T, f64)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, sea_orm::DbErr>>,
{
    let mut times = Vec::with_capacity(REPEAT);
    let mut last = None;
    for _ in 0..REPEAT {
        let started = Instant::now();
        last = Some(step().await?);
        times.push(started.elapsed());
    }
    times.sort();
    Ok((last.ok_or("no run")?, times[REPEAT / 2].as_secs_f64() * 1e3))
}

/// The reads behind one time page (as `Calendar::load` makes them, and as the page gets
/// them from the schedule cache), the arithmetic, and the reads `confirm` makes at the
/// time chosen, each timed alone.
async fn breakdown(url: &str, day: Date) -> Fallible<Vec<(String, String, f64)>> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    use yorisoi::services::calendar::{Roster, ScheduleCache, care_trained, day_start, qualified};
    let db = yorisoi::db::connect(url).await?;
    let mode = SessionMode::SignLanguageVideo;
    let mut out = Vec::new();
    let desk_rows = count(&db, "settings").await?
        + count(&db, "desk_hours").await?
        + count(&db, "desk_closed_days").await?;
    let (_, ms) = timed(|| settings::load(&db)).await?;
    out.push((
        "desk settings, hours, closed days (`settings::load`, 3 queries)".to_owned(),
        desk_rows.to_string(),
        ms,
    ));
    let (records, ms) = timed(|| qualified(&db, mode)).await?;
    let ids: Vec<i64> = records.iter().map(|(id, _)| *id).collect();
    out.push((
        "qualified active interpreters, with expiry (2 queries)".to_owned(),
        format!("{} + {}", ids.len(), ids.len()),
        ms,
    ));
    let (care, ms) = timed(|| care_trained(&db, &ids)).await?;
    out.push((
        "their care training (1 query)".to_owned(),
        care.len().to_string(),
        ms,
    ));
    let (weekly, ms) = timed(|| interpreters::weekly_of(&db, &ids)).await?;
    let spans: usize = weekly.values().flat_map(|w| w.values()).map(Vec::len).sum();
    out.push((
        "their weekly availability".to_owned(),
        spans.to_string(),
        ms,
    ));
    let (_, ms) = timed(|| interpreters::exceptions_between(&db, &ids, day, day)).await?;
    out.push(("their exceptions that day".to_owned(), "0".to_owned(), ms));
    let (roster, ms) = timed(|| Roster::load(&db, tz(), mode, day, day)).await?;
    out.push((
        "all of `Roster::load` (the reads above)".to_owned(),
        "".to_owned(),
        ms,
    ));
    let (from, until) = roster.hold_window();
    let holds = || {
        interpreter_hold::Entity::find()
            .filter(interpreter_hold::Column::StaffUserId.is_in(ids.clone()))
            .filter(interpreter_hold::Column::CellStart.gte(from.unix_timestamp()))
            .filter(interpreter_hold::Column::CellStart.lt(until.unix_timestamp()))
    };
    let (rows, ms) = timed(|| holds().all(&db)).await?;
    out.push((
        "their held cells that can touch the day's times, one row a quarter hour".to_owned(),
        rows.len().to_string(),
        ms,
    ));
    let (n, ms) = timed(|| holds().count(&db)).await?;
    out.push((
        "the same cells counted by the database (`COUNT(*)`, for comparison)".to_owned(),
        format!("1 (of {n})"),
        ms,
    ));
    let (calendar, ms) = timed(|| Calendar::load(&db, tz(), mode, day, day, None)).await?;
    out.push((
        "all of `Calendar::load` (roster and held cells)".to_owned(),
        "".to_owned(),
        ms,
    ));
    let cache = ScheduleCache::default();
    cache.calendar(&db, tz(), mode, day, day).await?;
    let (_, ms) = timed(|| cache.calendar(&db, tz(), mode, day, day)).await?;
    out.push((
        "the calendar as the time page gets it, kept by `ScheduleCache`".to_owned(),
        "".to_owned(),
        ms,
    ));
    let now = OffsetDateTime::now_utc();
    let mut times = Vec::with_capacity(REPEAT);
    let mut free = Vec::new();
    for _ in 0..REPEAT {
        let started = Instant::now();
        free = calendar.free_starts(day, now);
        times.push(started.elapsed());
    }
    times.sort();
    out.push((
        format!(
            "free-time arithmetic (`free_starts`: {} free times)",
            free.len()
        ),
        "".to_owned(),
        times[REPEAT / 2].as_secs_f64() * 1e3,
    ));
    // What `confirm` reads at the time chosen: the cells held during its hold, then the
    // week's sessions of the free interpreters, counted.
    let start = *free.first().ok_or("no free time")?;
    let (held, ms) = timed(|| roster.holds_at(&db, start)).await?;
    out.push((
        "confirm: the cells held at the time chosen (inside its transaction)".to_owned(),
        held.values().map(Vec::len).sum::<usize>().to_string(),
        ms,
    ));
    let monday = day - Duration::days(i64::from(day.weekday().number_days_from_monday()));
    let (week, ms) = timed(|| {
        booking::Entity::find()
            .select_only()
            .column(booking::Column::InterpreterId)
            .column_as(booking::Column::Id.count(), "sessions")
            .filter(booking::Column::InterpreterId.is_in(ids.clone()))
            .filter(booking::Column::Status.eq("booked"))
            .filter(booking::Column::StartsAt.gte(day_start(monday, tz())))
            .filter(booking::Column::StartsAt.lt(day_start(monday + Duration::days(7), tz())))
            .group_by(booking::Column::InterpreterId)
            .into_tuple::<(i64, i64)>()
            .all(&db)
    })
    .await?;
    let sessions: i64 = week.iter().map(|(_, n)| n).sum();
    out.push((
        format!("confirm: the week's sessions of all 10 interpreters, counted per interpreter ({sessions} sessions)"),
        week.len().to_string(),
        ms,
    ));
    db.close().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Processes and wrk.

struct Binaries {
    yorisoi: PathBuf,
    baseline: PathBuf,
}

impl Binaries {
    /// The release binaries next to this one (`target/release/examples/bench_booking`).
    fn find() -> Fallible<Binaries> {
        let me = std::env::current_exe()?;
        let examples = me.parent().ok_or("no folder")?;
        let bins = Binaries {
            yorisoi: examples.parent().ok_or("no folder")?.join("yorisoi"),
            baseline: examples.join("bench_baseline"),
        };
        for path in [&bins.yorisoi, &bins.baseline] {
            if !path.exists() {
                return Err(format!(
                    "{} is missing: run bench/booking-run, which builds it",
                    path.display()
                )
                .into());
            }
        }
        Ok(bins)
    }
}

/// A child process, killed when dropped.
struct Server {
    child: std::process::Child,
}

impl Server {
    async fn start(
        program: &Path,
        env: &[(&str, String)],
        log: &Path,
        ready: &str,
    ) -> Fallible<Server> {
        // Only the settings given here: nothing leaks in from the caller's environment.
        let mut command = std::process::Command::new(program);
        command.env_clear();
        if program.file_name().is_some_and(|n| n == "yorisoi") {
            command.arg("serve");
        }
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(log)?)
            .spawn()?;
        let server = Server { child };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = client.get(ready).send().await
                && r.status().is_success()
            {
                return Ok(server);
            }
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        let said = std::fs::read_to_string(log).unwrap_or_default();
        Err(format!("{} did not answer {ready}: {said}", program.display()).into())
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak and resident memory, from `/proc`.
    fn memory(&self) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .map(|l| l[name.len()..].trim().to_owned())
                .unwrap_or_else(|| "?".to_owned())
        };
        format!(
            "peak {} (VmHWM), resident {} (VmRSS)",
            field("VmHWM:"),
            field("VmRSS:")
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The 1, 5 and 15-minute load averages: other work on the machine shows here.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|_| "?".to_owned())
}

fn free_port() -> Fallible<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn memory_total() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| format!("{:.0} GiB", kb / 1_048_576.0))
        .unwrap_or_else(|| "? GiB".to_owned())
}

async fn server_version(admin: &str) -> Fallible<String> {
    let conn = Database::connect(admin).await?;
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SHOW server_version".to_owned(),
        ))
        .await?
        .ok_or("no row")?;
    let version: String = row.try_get("", "server_version")?;
    conn.close().await?;
    Ok(version
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned())
}

struct Wrk {
    rps: f64,
    p50: String,
    p99: String,
    requests: f64,
    /// CPU seconds the server used during the run.
    cpu: f64,
}

impl Wrk {
    fn row(&self, what: &str) {
        println!(
            "| {what} | {:.2} | {} | {} | {:.3} ms |",
            self.rps,
            self.p50,
            self.p99,
            self.cpu * 1e3 / self.requests.max(1.0)
        );
    }
}

/// CPU seconds (user and system) a process has used, from `/proc/<pid>/stat`.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses: utime and stime are the
    // 12th and 13th of them, in clock ticks.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<f64> = rest
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0.0))
        .collect();
    let ticks = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(100.0);
    (fields.get(11).unwrap_or(&0.0) + fields.get(12).unwrap_or(&0.0)) / ticks
}

async fn wrk(secs: u64, url: &str, header: Option<&str>, pid: u32) -> Fallible<Wrk> {
    let cpu_before = cpu_seconds(pid);
    let mut command = tokio::process::Command::new("wrk");
    command.args(["-t2", "-c32", &format!("-d{secs}s"), "--latency"]);
    if let Some(h) = header {
        command.args(["-H", h]);
    }
    let output = command.arg(url).output().await?;
    let cpu = cpu_seconds(pid) - cpu_before;
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        return Err(format!("wrk failed on {url}: {out}").into());
    }
    for bad in ["Non-2xx or 3xx responses", "Socket errors"] {
        if let Some(line) = out.lines().find(|l| l.contains(bad)) {
            return Err(format!("wrk on {url}: {}", line.trim()).into());
        }
    }
    let field = |first: &str| {
        out.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|w| w.first() == Some(&first))
            .and_then(|w| w.get(1).map(|s| (*s).to_owned()))
            .unwrap_or_default()
    };
    Ok(Wrk {
        rps: field("Requests/sec:").parse()?,
        p50: field("50%"),
        p99: field("99%"),
        // "123456 requests in 10.00s, 1.2GB read"
        requests: out
            .lines()
            .find(|l| l.contains(" requests in "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0.0),
        cpu,
    })
}

// ---------------------------------------------------------------------------------------
// Journeys.

/// One visitor with their own cookies and connection, not following redirects.
struct Visitor {
    base: String,
    client: reqwest::Client,
    jar: Arc<Jar>,
}

struct Reply {
    status: u16,
    location: String,
    body: String,
}

impl Visitor {
    fn new(base: &str) -> Visitor {
        let jar = Arc::new(Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Visitor {
            base: base.to_owned(),
            client,
            jar,
        }
    }

    fn cookie_header(&self) -> String {
        let url = self.base.parse().expect("base url");
        self.jar
            .cookies(&url)
            .and_then(|h| h.to_str().ok().map(str::to_owned))
            .unwrap_or_default()
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.cookie_header()
            .split("; ")
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    async fn read(response: reqwest::Response) -> Fallible<Reply> {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.text().await?;
        Ok(Reply {
            status,
            location,
            body,
        })
    }

    async fn get(&self, path: &str) -> Fallible<Reply> {
        Self::read(
            self.client
                .get(format!("{}{path}", self.base))
                .send()
                .await?,
        )
        .await
    }

    /// Posts a form with the CSRF token from the cookie, as the page's form would.
    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Fallible<Reply> {
        if self.cookie("yorisoi_csrf").is_none() {
            self.get("/book").await?;
        }
        let token = self.cookie("yorisoi_csrf").ok_or("no CSRF cookie")?;
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        Self::read(
            self.client
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(serde_urlencoded::to_string(&all)?)
                .send()
                .await?,
        )
        .await
    }

    async fn step(&self, path: &str, fields: &[(&str, &str)], to: &str) -> Fallible<()> {
        let reply = self.post(path, fields).await?;
        if reply.status != 303 || reply.location != to {
            return Err(format!(
                "POST {path} answered {} to {:?}, not 303 to {to}",
                reply.status, reply.location
            )
            .into());
        }
        Ok(())
    }

    async fn walk_to_time(&self, mode: SessionMode, day: Date, today: Date) -> Fallible<()> {
        self.step("/book/mode", &[("mode", mode.as_str())], "/book/day")
            .await?;
        let week = ((day - today).whole_days() / 7).to_string();
        self.step(
            "/book/day",
            &[("day", &iso_day(day)), ("week", &week)],
            "/book/time",
        )
        .await
    }

    async fn walk_to_check(
        &self,
        (mode, day, start): (SessionMode, Date, i64),
        today: Date,
        n: usize,
    ) -> Fallible<()> {
        self.walk_to_time(mode, day, today).await?;
        self.step(
            "/book/time",
            &[("start", &start.to_string())],
            "/book/details",
        )
        .await?;
        let name = format!("{} {n}", SURNAMES[n % SURNAMES.len()]);
        let email = format!("racer{n}@example.jp");
        self.step(
            "/book/details",
            &[
                ("name", &name),
                ("email", &email),
                ("member_number", ""),
                ("topic", "points"),
                ("topic_other", ""),
                ("sign_language", "jsl"),
                ("sign_language_other", ""),
                ("needs", ""),
            ],
            "/book/check",
        )
        .await?;
        let check = self.get("/book/check").await?;
        if check.status != 200 {
            return Err(format!("the check page answered {}", check.status).into());
        }
        Ok(())
    }
}

/// The start values a time page offers.
fn start_values(body: &str) -> Vec<i64> {
    body.split("name=\"start\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

/// The free times of a day, as a new visitor's time page shows them.
async fn free_starts(base: &str, mode: SessionMode, day: Date, today: Date) -> Fallible<Vec<i64>> {
    let scout = Visitor::new(base);
    scout.walk_to_time(mode, day, today).await?;
    Ok(start_values(&scout.get("/book/time").await?.body))
}

/// `n` different free times, taking whole days from `next_day` on, alternating modes.
async fn spread_targets(
    base: &str,
    today: Date,
    next_day: &mut i64,
    n: usize,
) -> Fallible<Vec<(SessionMode, Date, i64)>> {
    let mut targets = Vec::new();
    while targets.len() < n {
        if *next_day > DAYS {
            return Err("not enough seeded days left for the confirmations".into());
        }
        let day = today + Duration::days(*next_day);
        *next_day += 1;
        for mode in SessionMode::ALL {
            for start in free_starts(base, mode, day, today).await? {
                targets.push((mode, day, start));
            }
        }
    }
    targets.truncate(n);
    Ok(targets)
}

struct Outcome {
    latency: StdDuration,
    status: u16,
    location: String,
}

struct Round {
    outcomes: Vec<Outcome>,
    /// CPU seconds the server used while the confirmations were answered.
    cpu: f64,
}

impl Round {
    fn merge(rounds: &[Round]) -> Round {
        Round {
            outcomes: rounds
                .iter()
                .flat_map(|r| r.outcomes.iter())
                .map(|o| Outcome {
                    latency: o.latency,
                    status: o.status,
                    location: o.location.clone(),
                })
                .collect(),
            cpu: rounds.iter().map(|r| r.cpu).sum(),
        }
    }

    fn confirmed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.status == 303 && o.location == "/book/confirmation")
            .count()
    }

    fn taken(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.status == 303 && o.location.starts_with("/book/time"))
            .count()
    }

    fn server_errors(&self) -> usize {
        self.outcomes.iter().filter(|o| o.status >= 500).count()
    }

    /// A latency percentile in milliseconds.
    fn percentile(&self, p: f64) -> f64 {
        let mut all: Vec<StdDuration> = self.outcomes.iter().map(|o| o.latency).collect();
        all.sort();
        if all.is_empty() {
            return 0.0;
        }
        all[((all.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
    }
}

/// Walks `clients` journeys to the check page (client `i` choosing target `i` modulo their
/// number), then confirms them all at once or one after another.
async fn confirm_round(
    base: &str,
    today: Date,
    targets: &[(SessionMode, Date, i64)],
    clients: usize,
    at_once: bool,
    pid: u32,
) -> Fallible<Round> {
    let mut walks = tokio::task::JoinSet::new();
    for i in 0..clients {
        let target = targets[i % targets.len()];
        let base = base.to_owned();
        walks.spawn(async move {
            let visitor = Visitor::new(&base);
            visitor
                .walk_to_check(target, today, i)
                .await
                .map(|_| visitor)
        });
    }
    let mut visitors = Vec::with_capacity(clients);
    while let Some(walked) = walks.join_next().await {
        visitors.push(walked??);
    }
    let mut outcomes = Vec::with_capacity(clients);
    let cpu_before = cpu_seconds(pid);
    if at_once {
        let barrier = Arc::new(tokio::sync::Barrier::new(clients));
        let mut presses = tokio::task::JoinSet::new();
        for visitor in visitors {
            let barrier = barrier.clone();
            presses.spawn(async move {
                barrier.wait().await;
                let started = Instant::now();
                let reply = visitor.post("/book/check", &[]).await;
                reply.map(|r| Outcome {
                    latency: started.elapsed(),
                    status: r.status,
                    location: r.location,
                })
            });
        }
        while let Some(pressed) = presses.join_next().await {
            outcomes.push(pressed??);
        }
    } else {
        for visitor in visitors {
            let started = Instant::now();
            let r = visitor.post("/book/check", &[]).await?;
            outcomes.push(Outcome {
                latency: started.elapsed(),
                status: r.status,
                location: r.location,
            });
        }
    }
    Ok(Round {
        outcomes,
        cpu: cpu_seconds(pid) - cpu_before,
    })
}

// ---------------------------------------------------------------------------------------
// The double-booking check.

struct Verified {
    booked: u64,
    holds: u64,
    overlaps_sql: u64,
    overlaps_with_buffer: usize,
    mismatched: usize,
    orphans: usize,
}

impl Verified {
    fn clean(&self) -> bool {
        self.overlaps_sql == 0
            && self.overlaps_with_buffer == 0
            && self.mismatched == 0
            && self.orphans == 0
    }
}

async fn verify(url: &str) -> Fallible<Verified> {
    let db = yorisoi::db::connect(url).await?;
    let overlaps_sql = count(
        &db,
        "bookings a JOIN bookings b ON a.interpreter_id = b.interpreter_id AND a.id < b.id \
         WHERE a.status = 'booked' AND b.status = 'booked' \
         AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at",
    )
    .await?;
    let desk = settings::load(&db).await?;
    let booked = booking::Entity::find()
        .filter(booking::Column::Status.eq("booked"))
        .all(&db)
        .await?;
    let holds = interpreter_hold::Entity::find().all(&db).await?;
    // Held cells by booking.
    let mut cells: HashMap<i64, HashSet<(i64, i64)>> = HashMap::new();
    for h in &holds {
        cells
            .entry(h.booking_id)
            .or_default()
            .insert((h.staff_user_id, h.cell_start));
    }
    let mut mismatched = 0;
    let mut by_interpreter: HashMap<i64, Vec<schedule::Interval>> = HashMap::new();
    let booked_ids: HashSet<i64> = booked.iter().map(|b| b.id).collect();
    for b in &booked {
        let mode = b.mode;
        let held = schedule::held(b.starts_at, &desk.rules(mode));
        let expected: HashSet<(i64, i64)> = schedule::cells(&held)
            .into_iter()
            .map(|c| (b.interpreter_id, c.unix_timestamp()))
            .collect();
        if cells.get(&b.id) != Some(&expected) {
            mismatched += 1;
        }
        by_interpreter
            .entry(b.interpreter_id)
            .or_default()
            .push(held);
    }
    let mut overlaps_with_buffer = 0;
    for list in by_interpreter.values_mut() {
        list.sort_by_key(|i| i.start);
        for (i, a) in list.iter().enumerate() {
            overlaps_with_buffer += list[i + 1..].iter().take_while(|b| b.start < a.end).count();
        }
    }
    let orphans = holds
        .iter()
        .filter(|h| !booked_ids.contains(&h.booking_id))
        .count();
    db.close().await?;
    Ok(Verified {
        booked: booked.len() as u64,
        holds: holds.len() as u64,
        overlaps_sql,
        overlaps_with_buffer,
        mismatched,
        orphans,
    })
}
