//! The written-chat room benchmark (issue 15), run by `bench/chat-run`.
//!
//! `bench_chat seed N` seeds the database at `DATABASE_URL` (the schema is created when
//! missing) through the services: the desk open 09:00–17:00 every day, 20 written-chat
//! interpreters available those hours, and `N` written-chat sessions confirmed through
//! `services::booking::make::confirm` at free times from tomorrow on, each room opened early
//! by `services::chat::open_now` so that it is open now. It prints one line a session:
//! the session's id and the raw token of the manage link the confirmation made.
//!
//! `bench_chat load POST_URL STREAM_URL ROOMS SECONDS POST_PID STREAM_PID` is the load
//! generator, the same for Yorisoi and the baseline (`bench/chat_baseline.rs`). The URLs
//! are templates in which `{id}` and `{token}` are replaced by each room's (from the file
//! `ROOMS`, as `seed` prints it). It
//!
//! 1. reads the stream server's resident memory (`VmRSS`) with no stream open, opens one
//!    stream per room (`BENCH_STREAM_COOKIE` is sent with each) and reads it again, then
//!    opens four more per room (1,000 for 200 rooms) and reads it once more, then closes
//!    the extra ones;
//! 2. per room, posts a message a second (the `chat_message` field, with `csrf_token` and
//!    the `yorisoi_csrf` cookie when `BENCH_CSRF_FROM` names a page that sets it) for two
//!    seconds of warm-up and then `SECONDS`, and times each message from just before its
//!    POST is sent to the arrival of its event on the room's stream, matched by a marker in
//!    the message; after the last POST it waits up to five seconds for stragglers;
//! 3. prints `key value` lines: the counts, the latencies, the POST answers' latencies,
//!    the servers' CPU time during the measured run, the memory readings and the load
//!    average.

use std::collections::HashMap;
use std::error::Error;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Fallible<T> = Result<T, Box<dyn Error + Send + Sync>>;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("seed") => seed::run(args.get(1).and_then(|n| n.parse().ok()).unwrap_or(200)).await,
        Some("load") if args.len() == 7 => load::run(&args[1..]).await,
        _ => Err(
            "usage: bench_chat seed N | bench_chat load POST_URL STREAM_URL ROOMS SECONDS POST_PID STREAM_PID"
                .into(),
        ),
    };
    if let Err(e) = outcome {
        eprintln!("bench_chat: {e}");
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------
// Seeding.

mod seed {
    use super::Fallible;
    use sea_orm::ConnectionTrait;
    use std::collections::BTreeMap;
    use time::{Duration, OffsetDateTime};
    use yorisoi::domain::booking::DetailsForm;
    use yorisoi::domain::schedule::{LocalSpan, SessionMode};
    use yorisoi::domain::{DisplayName, Email, FullName, Lang, Qualification, Role};
    use yorisoi::services::booking::BookingError;
    use yorisoi::services::booking::make::{NewBooking, confirm};
    use yorisoi::services::calendar::{Calendar, ScheduleCache, local_date};
    use yorisoi::services::{Actor, UseCase, chat, interpreters, settings, staff};
    use yorisoi::{Config, db};

    const INTERPRETERS: usize = 20;

    fn invalid(why: yorisoi::domain::Invalid) -> String {
        format!("rejected: {why:?}")
    }

    pub async fn run(n: usize) -> Fallible<()> {
        let config = Config::from_env()?;
        let conn = db::connect(&config.database_url).await?;
        db::migrate(&conn).await?;
        let actor = Actor::default();
        // No relay runs here: the bell rings for nobody.
        let mail_wake = tokio::sync::Notify::new();
        let uc = |now| UseCase {
            db: &conn,
            now,
            config: &config,
            actor: &actor,
            mail_wake: &mail_wake,
        };
        let now = OffsetDateTime::now_utc;
        let span = LocalSpan::parse("09:00", "17:00").map_err(|_| "bad span")?;
        let week: BTreeMap<u8, Vec<LocalSpan>> = (1..=7u8).map(|d| (d, vec![span])).collect();
        settings::opening::save_hours(&uc(now()), &week).await?;
        for i in 0..INTERPRETERS {
            let new = staff::NewStaff {
                email: Email::parse(&format!("chat{i:02}@bench.yorisoi.example"))
                    .map_err(invalid)?,
                full_name: FullName::parse(&format!("筆談 通訳{i:02}")).map_err(invalid)?,
                display_name: DisplayName::parse(&format!("通訳{i:02}")).map_err(invalid)?,
                role: Role::Interpreter,
                password_hash: None,
            };
            let id = staff::create(&uc(now()), &new, Lang::Ja).await?.id;
            interpreters::set_qualifications(&uc(now()), id, &[Qualification::WrittenChat]).await?;
            interpreters::save_weekly(&uc(now()), id, &week).await?;
        }
        let tz = config.timezone;
        let calendars = ScheduleCache::default();
        let mut day = local_date(now(), tz) + Duration::days(1);
        let mut made = 0;
        while made < n {
            let calendar =
                Calendar::load(&conn, tz, SessionMode::WrittenChat, day, day, None).await?;
            let Some(&start) = calendar.free_starts(day, now()).first() else {
                day += Duration::days(1);
                continue;
            };
            let details = DetailsForm {
                name: format!("お客様 {made}"),
                email: format!("customer{made}@bench.yorisoi.example"),
                topic: "card_payments".to_owned(),
                ..Default::default()
            }
            .validate(SessionMode::WrittenChat)
            .map_err(|e| format!("details rejected: {e:?}"))?;
            let new = NewBooking {
                mode: SessionMode::WrittenChat,
                start,
                details,
                lang: Lang::Ja,
                on_behalf: None,
                request_id: None,
            };
            let confirmed = match confirm(&uc(now()), &calendars, &new, None).await {
                Ok(c) => c,
                Err(BookingError::Taken) => continue,
                Err(e) => return Err(e.into()),
            };
            let id = confirmed.booking.id;
            chat::open_now(&uc(now()), id)
                .await
                .map_err(|e| format!("opening room {id}: {e}"))?;
            println!("{id} {}", confirmed.manage_token.expose());
            made += 1;
        }
        // The emails are not the point here.
        conn.execute_unprepared("DELETE FROM outbox_messages")
            .await?;
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// The load generator.

mod load {
    use super::*;

    /// Extra streams a room, beside its own, for the memory reading.
    const EXTRA_PER_ROOM: usize = 4;
    const WARM_UP: Duration = Duration::from_secs(2);
    const GRACE: Duration = Duration::from_secs(5);
    /// A message slower than this is counted by the second it was sent in.
    const SLOW: Duration = Duration::from_millis(50);

    struct RoomUrls {
        post: String,
        stream: String,
    }

    /// What was sent and what arrived, by (room, sequence number).
    #[derive(Default)]
    struct Ledger {
        /// When each message's POST was about to be sent.
        sent: HashMap<(usize, u64), Instant>,
        /// The POST's answer: its status (0 when the request failed) and how long it took.
        answered: HashMap<(usize, u64), (u16, Duration)>,
        /// When each message's event arrived (the first time).
        arrived: HashMap<(usize, u64), Instant>,
        /// Events of a message that had arrived already.
        duplicates: usize,
    }

    /// Streams that are open and streams that ended or failed.
    #[derive(Default)]
    struct StreamCounts {
        open: AtomicUsize,
        refused: AtomicUsize,
        ended: AtomicUsize,
        events: AtomicU64,
    }

    fn template(t: &str, id: &str, token: &str) -> String {
        t.replace("{id}", id).replace("{token}", token)
    }

    fn rss_kb(pid: u32) -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .and_then(|kb| kb.parse().ok())
            })
            .unwrap_or(0)
    }

    /// User plus system CPU seconds of a process so far.
    fn cpu_seconds(pid: u32) -> f64 {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return 0.0;
        };
        // Fields after the command name, which ends with the last ')'.
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        // utime and stime are fields 14 and 15 of the whole line: 11 and 12 here.
        (ticks(11) + ticks(12)) / 100.0
    }

    fn load_average() -> String {
        std::fs::read_to_string("/proc/loadavg")
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|_| "?".to_owned())
    }

    /// The `yorisoi_csrf` cookie a page sets.
    async fn csrf_cookie(client: &reqwest::Client, url: &str) -> Fallible<String> {
        let answer = client.get(url).send().await?;
        for value in answer.headers().get_all(reqwest::header::SET_COOKIE) {
            let value = value.to_str().unwrap_or_default();
            if let Some(rest) = value.strip_prefix("yorisoi_csrf=") {
                return Ok(rest.split(';').next().unwrap_or_default().to_owned());
            }
        }
        Err(format!("{url} set no yorisoi_csrf cookie").into())
    }

    /// The `(room, sequence)` a message's marker `[cb:ROOM:SEQ]` names.
    fn marker(text: &str) -> Option<(usize, u64)> {
        let start = text.find("[cb:")? + 4;
        let rest = &text[start..];
        let end = rest.find(']')?;
        let (room, seq) = rest[..end].split_once(':')?;
        Some((room.parse().ok()?, seq.parse().ok()?))
    }

    /// Opens a room's stream; once its answer's headers are in, reads events until it ends
    /// or `stop` is set, noting each message's arrival.
    async fn follow(
        client: reqwest::Client,
        url: String,
        cookie: Option<String>,
        ledger: Arc<Mutex<Ledger>>,
        counts: Arc<StreamCounts>,
        ready: tokio::sync::mpsc::Sender<bool>,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut request = client
            .get(&url)
            .header(reqwest::header::ACCEPT, "text/event-stream");
        if let Some(c) = &cookie {
            request = request.header(reqwest::header::COOKIE, c);
        }
        let mut answer = match request.send().await {
            Ok(a) if a.status() == reqwest::StatusCode::OK => a,
            Ok(a) => {
                eprintln!("bench_chat: {url} answered {}", a.status());
                counts.refused.fetch_add(1, Ordering::Relaxed);
                let _ = ready.send(false).await;
                return;
            }
            Err(e) => {
                eprintln!("bench_chat: {url}: {e}");
                counts.refused.fetch_add(1, Ordering::Relaxed);
                let _ = ready.send(false).await;
                return;
            }
        };
        counts.open.fetch_add(1, Ordering::Relaxed);
        let _ = ready.send(true).await;
        drop(ready);
        let mut buffer = String::new();
        loop {
            let chunk = tokio::select! {
                chunk = answer.chunk() => chunk,
                _ = stop.changed() => break,
            };
            let at = Instant::now();
            match chunk {
                Ok(Some(bytes)) => {
                    buffer.push_str(&String::from_utf8_lossy(&bytes));
                    while let Some(end) = buffer.find("\n\n") {
                        let event: String = buffer.drain(..end + 2).collect();
                        if !event.lines().any(|l| l == "event: message") {
                            continue;
                        }
                        counts.events.fetch_add(1, Ordering::Relaxed);
                        if let Some(key) = marker(&event) {
                            let mut guard = ledger.lock().unwrap_or_else(|e| e.into_inner());
                            let ledger = &mut *guard;
                            match ledger.arrived.entry(key) {
                                std::collections::hash_map::Entry::Occupied(_) => {
                                    ledger.duplicates += 1;
                                }
                                std::collections::hash_map::Entry::Vacant(v) => {
                                    v.insert(at);
                                }
                            }
                        }
                    }
                }
                Ok(None) | Err(_) => {
                    if !*stop.borrow() {
                        counts.ended.fetch_add(1, Ordering::Relaxed);
                    }
                    break;
                }
            }
        }
        counts.open.fetch_sub(1, Ordering::Relaxed);
    }

    /// Opens the streams `urls` names, all at once, and waits until each has its answer's
    /// headers or failed. Says how many opened.
    async fn open_streams(
        client: &reqwest::Client,
        urls: &[String],
        cookie: &Option<String>,
        ledger: &Arc<Mutex<Ledger>>,
        counts: &Arc<StreamCounts>,
        stop: &tokio::sync::watch::Receiver<bool>,
    ) -> usize {
        let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(urls.len().max(1));
        for url in urls {
            tokio::spawn(follow(
                client.clone(),
                url.clone(),
                cookie.clone(),
                ledger.clone(),
                counts.clone(),
                ready_tx.clone(),
                stop.clone(),
            ));
        }
        drop(ready_tx);
        let mut opened = 0;
        while let Some(ok) = ready_rx.recv().await {
            opened += usize::from(ok);
        }
        opened
    }

    fn percentile(sorted: &[Duration], p: f64) -> f64 {
        if sorted.is_empty() {
            return f64::NAN;
        }
        let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1].as_secs_f64() * 1e3
    }

    pub async fn run(args: &[String]) -> Fallible<()> {
        let (post_t, stream_t, rooms_file) = (&args[0], &args[1], &args[2]);
        let secs: u64 = args[3].parse()?;
        let post_pid: u32 = args[4].parse()?;
        let stream_pid: u32 = args[5].parse()?;
        let rooms: Vec<RoomUrls> = std::fs::read_to_string(rooms_file)?
            .lines()
            .filter_map(|l| l.split_once(' '))
            .map(|(id, token)| RoomUrls {
                post: template(post_t, id, token),
                stream: template(stream_t, id, token),
            })
            .collect();
        if rooms.is_empty() {
            return Err(format!("{rooms_file} names no rooms").into());
        }
        let n = rooms.len();
        let stream_cookie = std::env::var("BENCH_STREAM_COOKIE")
            .ok()
            .filter(|c| !c.is_empty());
        let streams_client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let posts_client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()?;
        let csrf = match std::env::var("BENCH_CSRF_FROM")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(url) => Some(csrf_cookie(&posts_client, &url).await?),
            None => None,
        };
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);

        // 1. Memory per open stream.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss_0 = rss_kb(stream_pid);
        let counts = Arc::new(StreamCounts::default());
        let own: Vec<String> = rooms.iter().map(|r| r.stream.clone()).collect();
        let opened = open_streams(
            &streams_client,
            &own,
            &stream_cookie,
            &ledger,
            &counts,
            &stop_rx,
        )
        .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss_n = rss_kb(stream_pid);
        let extra_counts = Arc::new(StreamCounts::default());
        let (extra_stop_tx, extra_stop_rx) = tokio::sync::watch::channel(false);
        let extra: Vec<String> = (0..EXTRA_PER_ROOM)
            .flat_map(|_| rooms.iter().map(|r| r.stream.clone()))
            .collect();
        let extra_opened = open_streams(
            &streams_client,
            &extra,
            &stream_cookie,
            &ledger,
            &extra_counts,
            &extra_stop_rx,
        )
        .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss_all = rss_kb(stream_pid);
        let open_at_peak =
            counts.open.load(Ordering::Relaxed) + extra_counts.open.load(Ordering::Relaxed);
        let _ = extra_stop_tx.send(true);
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!("streams {n}");
        println!("streams_opened {opened}");
        println!("streams_extra {}", extra.len());
        println!("streams_extra_opened {extra_opened}");
        println!("streams_open_at_peak {open_at_peak}");
        println!(
            "streams_ended_during_memory {}",
            counts.ended.load(Ordering::Relaxed) + extra_counts.ended.load(Ordering::Relaxed)
        );
        println!("rss_0_kb {rss_0}");
        println!("rss_n_kb {rss_n}");
        println!("rss_all_kb {rss_all}");
        println!(
            "kb_per_stream_first {:.1}",
            rss_n.saturating_sub(rss_0) as f64 / n as f64
        );
        println!(
            "kb_per_stream_more {:.1}",
            rss_all.saturating_sub(rss_n) as f64 / extra.len() as f64
        );
        println!(
            "kb_per_stream_all {:.1}",
            rss_all.saturating_sub(rss_0) as f64 / (n + extra.len()) as f64
        );
        if opened < n {
            return Err(format!("only {opened} of {n} streams opened").into());
        }

        // 2. A message a second in every room.
        let started = Instant::now();
        let measure_from = started + WARM_UP;
        let until = measure_from + Duration::from_secs(secs);
        let load_start = load_average();
        let posters: Vec<_> = rooms
            .iter()
            .enumerate()
            .map(|(room, urls)| {
                let client = posts_client.clone();
                let url = urls.post.clone();
                let ledger = ledger.clone();
                let csrf = csrf.clone();
                // Spread the rooms over the second.
                let first = started + Duration::from_micros((room * 1_000_000 / n) as u64);
                tokio::spawn(async move {
                    let mut tick = tokio::time::interval_at(first.into(), Duration::from_secs(1));
                    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                    let mut seq = 0u64;
                    loop {
                        tick.tick().await;
                        if Instant::now() >= until {
                            break;
                        }
                        seq += 1;
                        let body = format!("Message [cb:{room}:{seq}] from the bench.");
                        let mut form = vec![("chat_message", body)];
                        let mut request = client.post(&url);
                        if let Some(token) = &csrf {
                            form.push(("csrf_token", token.clone()));
                            request = request
                                .header(reqwest::header::COOKIE, format!("yorisoi_csrf={token}"));
                        }
                        let request = request
                            .header(
                                reqwest::header::CONTENT_TYPE,
                                "application/x-www-form-urlencoded",
                            )
                            .body(serde_urlencoded::to_string(&form).unwrap_or_default());
                        let sent = Instant::now();
                        ledger
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .sent
                            .insert((room, seq), sent);
                        let status = match request.send().await {
                            Ok(answer) => {
                                let status = answer.status().as_u16();
                                let _ = answer.bytes().await;
                                status
                            }
                            Err(_) => 0,
                        };
                        ledger
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .answered
                            .insert((room, seq), (status, sent.elapsed()));
                    }
                })
            })
            .collect();
        tokio::time::sleep_until(measure_from.into()).await;
        let cpu_start = (cpu_seconds(post_pid), cpu_seconds(stream_pid));
        for p in posters {
            let _ = p.await;
        }
        let cpu_end = (cpu_seconds(post_pid), cpu_seconds(stream_pid));
        let load_end = load_average();
        // Stragglers.
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline {
            let missing = {
                let l = ledger.lock().unwrap_or_else(|e| e.into_inner());
                l.answered
                    .iter()
                    .filter(|(k, (s, _))| *s == 303 && !l.arrived.contains_key(k))
                    .count()
            };
            if missing == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = stop_tx.send(true);
        let ended = counts.ended.load(Ordering::Relaxed);

        // 3. What happened to the messages sent in the measured time.
        let l = ledger.lock().unwrap_or_else(|e| e.into_inner());
        let measured: Vec<(&(usize, u64), &Instant)> =
            l.sent.iter().filter(|(_, t)| **t >= measure_from).collect();
        let mut latencies = Vec::new();
        let mut answers = Vec::new();
        let (mut accepted, mut lost, mut failed) = (0, 0, 0);
        let mut statuses: HashMap<u16, usize> = HashMap::new();
        let mut arrived_though_failed = 0;
        // When the slow ones were sent: a stall shows as one second, a queue as many.
        let mut slow_by_second: std::collections::BTreeMap<u64, usize> = Default::default();
        for (key, sent) in &measured {
            let (status, took) = l.answered.get(key).copied().unwrap_or((0, Duration::ZERO));
            *statuses.entry(status).or_default() += 1;
            let arrival = l.arrived.get(key);
            if status == 303 {
                accepted += 1;
                answers.push(took);
                match arrival {
                    Some(at) => {
                        let latency = at.saturating_duration_since(**sent);
                        if latency > SLOW {
                            let second = sent.duration_since(measure_from).as_secs();
                            *slow_by_second.entry(second).or_default() += 1;
                        }
                        latencies.push(latency);
                    }
                    None => lost += 1,
                }
            } else {
                failed += 1;
                arrived_though_failed += usize::from(arrival.is_some());
            }
        }
        latencies.sort();
        answers.sort();
        let mut statuses: Vec<_> = statuses.into_iter().collect();
        statuses.sort();
        println!("seconds {secs}");
        println!("sent {}", measured.len());
        println!("accepted {accepted}");
        println!("failed {failed}");
        println!(
            "statuses {}",
            statuses
                .iter()
                .map(|(s, c)| format!("{s}:{c}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        println!("arrived {}", latencies.len());
        println!("lost {lost}");
        println!("arrived_though_failed {arrived_though_failed}");
        println!("duplicates {}", l.duplicates);
        println!("streams_ended_during_load {ended}");
        println!("p50_ms {:.2}", percentile(&latencies, 0.50));
        println!("p90_ms {:.2}", percentile(&latencies, 0.90));
        println!("p99_ms {:.2}", percentile(&latencies, 0.99));
        println!("max_ms {:.2}", percentile(&latencies, 1.0));
        println!("slow_count {}", slow_by_second.values().sum::<usize>());
        println!(
            "slow_seconds {}",
            slow_by_second
                .iter()
                .map(|(s, c)| format!("{s}:{c}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        println!("post_p50_ms {:.2}", percentile(&answers, 0.50));
        println!("post_p99_ms {:.2}", percentile(&answers, 0.99));
        let per_message = |cpu: f64| cpu * 1e3 / accepted.max(1) as f64;
        println!(
            "cpu_post_ms_per_message {:.3}",
            per_message(cpu_end.0 - cpu_start.0)
        );
        if post_pid != stream_pid {
            println!(
                "cpu_stream_ms_per_message {:.3}",
                per_message(cpu_end.1 - cpu_start.1)
            );
        }
        println!("load_start {load_start}");
        println!("load_end {load_end}");
        Ok(())
    }
}
