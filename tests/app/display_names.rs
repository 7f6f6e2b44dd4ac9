//! Staff are shown to customers and proxies by their display names, never by their full
//! names. One walk goes through every flow that can show or email anything about a staff
//! member: two sessions booked at /book, one moved, given to another interpreter, reminded
//! of and cancelled by staff; the written-chat room by page and live; a support request,
//! answered, written to again and closed; a proxy's application, approval, portal, request,
//! booking and chat room, and the registration's end. Every page the customer's and the
//! proxy's browsers were shown, every public link on those pages and in the emails, and
//! every email to someone outside the desk are then read for any staff member's full name
//! or either half of it.

use crate::db_tests;
use crate::support::{
    Browser, Events, PASSWORD, Page, TOKYO, TestApp, at, first_recipient, html_of, key, see_other,
    subject_of, text_of, today, tomorrow,
};
use mail_parser::MessageParser;
use reqwest::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};
use std::collections::BTreeSet;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};
use time_tz::OffsetDateTimeExt;
use yorisoi::domain::Qualification::{SignLanguageInterpreter, WrittenChat};
use yorisoi::domain::Role;
use yorisoi::domain::schedule::SessionMode;
use yorisoi::entities::{booking, proxy_registration, staff_user, support_request};

db_tests!(staff_full_names_never_reach_a_customer_or_a_proxy);

/// A staff member of the walk, with names no page or email would hold by chance.
struct Person {
    email: &'static str,
    full_name: &'static str,
    display_name: &'static str,
}

/// An interpreter of both kinds of session.
const MARIKO: Person = Person {
    email: "mariko@example.jp",
    full_name: "渡辺 真理子",
    display_name: "まりこ",
};

/// An interpreter of both kinds of session.
const MAGGIE: Person = Person {
    email: "maggie@example.jp",
    full_name: "Margaret Thornbury-Okafor",
    display_name: "Maggie",
};

/// The coordinator who verifies the proxy, answers requests and changes sessions.
const SAWAKO: Person = Person {
    email: "sawako@example.jp",
    full_name: "小鳥遊 紗和子",
    display_name: "さわこ",
};

const STAFF: [&Person; 3] = [&MARIKO, &MAGGIE, &SAWAKO];

/// The supervisor who takes a measure after an incident.
const EMIKO: Person = Person {
    email: "emiko@example.jp",
    full_name: "五十嵐 恵美子",
    display_name: "えみこ",
};

/// The supervisor who decides the customer's appeal.
const BEA: Person = Person {
    email: "bea@example.jp",
    full_name: "Beatrice Oyelaran-Fitzgerald",
    display_name: "Bea",
};

/// Staff the customers never meet by any name: the letters about a measure name no one.
const SUPERVISORS: [&Person; 2] = [&EMIKO, &BEA];

/// The customer who books a sign-language session, in Japanese.
const HANAKO: (&str, &str) = ("山田 花子", "hanako@example.jp");
/// The customer who books a written chat and sends a request, in English.
const KENJI: (&str, &str) = ("Kenji Mori", "kenji@example.jp");
/// The customer a proxy acts for, and the proxy.
const TOME: (&str, &str) = ("中村 トメ", "tome@example.jp");
const ICHIRO: (&str, &str) = ("中村 一郎", "ichiro@example.jp");

/// How long a live page is given to be sent something.
const SOON: std::time::Duration = std::time::Duration::from_secs(5);

/// Every full name of the walk's staff, and each part of it: the parts between spaces, and
/// of a double-barrelled name, each name alone.
fn full_name_parts() -> Vec<String> {
    let mut parts = BTreeSet::new();
    for person in STAFF.into_iter().chain(SUPERVISORS) {
        parts.insert(person.full_name.to_owned());
        for word in person.full_name.split_whitespace() {
            parts.insert(word.to_owned());
            parts.extend(word.split('-').map(str::to_owned));
        }
    }
    parts.into_iter().collect()
}

/// The full names, or parts of them, that `text` holds.
fn full_names_in(text: &str) -> Vec<String> {
    let text = text.to_lowercase();
    full_name_parts()
        .into_iter()
        .filter(|part| text.contains(&part.to_lowercase()))
        .collect()
}

/// One thing shown on the customer's side: what it was and its text.
struct Shown {
    what: String,
    text: String,
}

/// A browser on the customer's side that keeps everything it was shown: each page's body
/// and each live event's data, with the paths it read.
struct Visitor {
    who: &'static str,
    browser: Browser,
    shown: Mutex<Vec<Shown>>,
    read: Mutex<BTreeSet<String>>,
}

impl Visitor {
    fn new(who: &'static str, browser: Browser) -> Visitor {
        Visitor {
            who,
            browser,
            shown: Mutex::new(Vec::new()),
            read: Mutex::new(BTreeSet::new()),
        }
    }

    fn keep(&self, what: String, text: &str) {
        if !text.trim().is_empty() {
            self.shown.lock().unwrap().push(Shown {
                what: format!("{}: {what}", self.who),
                text: text.to_owned(),
            });
        }
    }

    async fn get(&self, path: &str) -> Page {
        let page = self.browser.get(path).await;
        self.read.lock().unwrap().insert(path.to_owned());
        self.keep(format!("GET {path} ({})", page.status), &page.body);
        page
    }

    /// Reads a page the walk needs, which must open.
    async fn open(&self, path: &str) -> Page {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{} GET {path}", self.who);
        page
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.browser.post(path, fields).await;
        self.keep(format!("POST {path} ({})", page.status), &page.body);
        page
    }

    /// Posts a form the walk needs, which must be taken; where it leads.
    async fn send(&self, path: &str, fields: &[(&str, &str)]) -> String {
        see_other(&self.post(path, fields).await)
    }

    async fn events(&self, path: &str) -> Events {
        let events = self.browser.events(path, &[]).await;
        assert_eq!(events.status, StatusCode::OK, "{} events {path}", self.who);
        events
    }

    /// Reads the next live event of `events`, which must come, and keeps its data.
    async fn next_event(&self, events: &mut Events, path: &str) -> String {
        let event = events
            .next(SOON)
            .await
            .unwrap_or_else(|| panic!("{}: an event on {path}", self.who));
        self.keep(format!("event {} on {path}", event.event), &event.data);
        event.data
    }

    /// Follows once every link on the pages this browser was shown that stays on the site
    /// and is not a staff page, an asset or a language switch, and not read yet.
    async fn follow_links(&self, base: &str) -> usize {
        let bodies: Vec<String> = self
            .shown
            .lock()
            .unwrap()
            .iter()
            .map(|s| s.text.clone())
            .collect();
        let mut links = BTreeSet::new();
        for body in bodies {
            links.extend(links_on_page(&body, base));
        }
        let unread: Vec<String> = {
            let read = self.read.lock().unwrap();
            links.into_iter().filter(|l| !read.contains(l)).collect()
        };
        for path in &unread {
            self.get(path).await;
        }
        unread.len()
    }

    fn shown(&self) -> Vec<Shown> {
        std::mem::take(&mut *self.shown.lock().unwrap())
    }
}

/// The path of a link, when it stays on the site and is one a customer or proxy follows:
/// not a staff page, an asset or a language switch.
fn site_path(href: &str, base: &str) -> Option<String> {
    let path = match href.strip_prefix(base) {
        Some(rest) => rest,
        None if href.starts_with('/') && !href.starts_with("//") => href,
        None => return None,
    };
    let path = path.split('#').next().unwrap_or_default();
    let path = if path.is_empty() { "/" } else { path };
    let skipped = ["/staff", "/assets/", "/language/"]
        .iter()
        .any(|p| path.starts_with(p));
    (!skipped).then(|| path.replace("&amp;", "&"))
}

fn links_on_page(body: &str, base: &str) -> Vec<String> {
    let selector = scraper::Selector::parse("a[href]").unwrap();
    scraper::Html::parse_document(body)
        .select(&selector)
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| site_path(href, base))
        .collect()
}

/// The links to the site in an email's text or HTML: each runs from the site's address to
/// the first space, quote or angle bracket.
fn links_in_email(text: &str, base: &str) -> Vec<String> {
    let ends = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>');
    text.match_indices(base)
        .filter_map(|(at, _)| text[at..].split(ends).next())
        .filter_map(|link| site_path(link, base))
        .collect()
}

/// What an email says, every part decoded: who it is from and to (names and addresses),
/// its subject, text, HTML and calendar file.
fn email_text(raw: &[u8]) -> String {
    let message = MessageParser::default().parse(raw).expect("parsable email");
    let mut text = vec![subject_of(raw), text_of(raw), html_of(raw)];
    let people = [
        message.from(),
        message.sender(),
        message.reply_to(),
        message.to(),
        message.cc(),
    ];
    for addr in people.into_iter().flatten().flat_map(|a| a.iter()) {
        text.extend(addr.name().map(str::to_owned));
        text.extend(addr.address().map(str::to_owned));
    }
    for attachment in message.attachments() {
        text.push(String::from_utf8_lossy(attachment.contents()).replace("\r\n ", ""));
    }
    text.join("\n")
}

/// The newest booking.
async fn newest_booking(app: &TestApp) -> booking::Model {
    booking::Entity::find()
        .order_by_desc(booking::Column::Id)
        .one(&app.state().db)
        .await
        .unwrap()
        .expect("a booking")
}

/// The newest support request.
async fn newest_request(app: &TestApp) -> support_request::Model {
    support_request::Entity::find()
        .order_by_desc(support_request::Column::Id)
        .one(&app.state().db)
        .await
        .unwrap()
        .expect("a request")
}

/// The messages shown in a chat room's log: who wrote each, and what.
fn log_of(page: &Page) -> Vec<(String, String)> {
    let who = page.texts("[role=log] .thread__meta strong");
    let what = page.texts("[role=log] .thread__body");
    who.into_iter().zip(what).collect()
}

/// Walks the booking journey from the mode question to the confirmation page, reading
/// every page on the way.
async fn book(v: &Visitor, mode: SessionMode, start: OffsetDateTime, details: &[(&str, &str)]) {
    v.open("/book/mode").await;
    assert_eq!(
        v.send("/book/mode", &[("mode", mode.as_str())]).await,
        "/book/day"
    );
    v.open("/book/day").await;
    let day = key(start.to_timezone(TOKYO).date());
    assert_eq!(
        v.send("/book/day", &[("day", &day), ("week", "0")]).await,
        "/book/time"
    );
    v.open("/book/time").await;
    let start = start.unix_timestamp().to_string();
    assert_eq!(
        v.send("/book/time", &[("start", &start)]).await,
        "/book/details"
    );
    v.open("/book/details").await;
    assert_eq!(v.send("/book/details", details).await, "/book/check");
    v.open("/book/check").await;
    assert_eq!(v.send("/book/check", &[]).await, "/book/confirmation");
    v.open("/book/confirmation").await;
}

/// Walks the request journey from the topic question to the check page, reading every page
/// on the way, and sends it; where it leads.
async fn send_request(v: &Visitor, details: &str, name: &str, email: &str) -> String {
    let steps: [(&str, Vec<(&str, &str)>); 5] = [
        ("topic", vec![("topic", "statements")]),
        ("details", vec![("details", details)]),
        ("about-you", vec![("name", name), ("member_number", "")]),
        ("reply", vec![("channel", "email")]),
        ("contact", vec![("email", email)]),
    ];
    for (step, fields) in steps {
        let path = format!("/requests/new/{step}");
        v.open(&path).await;
        v.send(&path, &fields).await;
    }
    v.open("/requests/new/check").await;
    v.send("/requests/new/check", &[]).await
}

async fn staff_full_names_never_reach_a_customer_or_a_proxy(app: TestApp) {
    let mut walk = Walk::start(&app).await;
    let registration = walk.a_proxy_applies_and_is_approved().await;
    let video = walk.a_video_session_is_booked_moved_and_reassigned().await;
    walk.a_written_chat_takes_place().await;
    walk.a_request_is_answered_and_closed().await;
    walk.a_measure_is_taken_and_appealed().await;
    walk.the_proxy_acts_for_the_customer(registration).await;
    walk.the_registration_ends(registration).await;
    walk.a_reminder_goes_then_staff_cancel(video).await;
    let shown = walk.everything_shown().await;

    // No full name, nor any part of one, in anything a customer or proxy was shown.
    let leaks: Vec<String> = shown
        .iter()
        .filter_map(|s| {
            let found = full_names_in(&s.text);
            (!found.is_empty()).then(|| format!("{found:?} in {}", s.what))
        })
        .collect();
    assert!(
        leaks.is_empty(),
        "staff full names shown to a customer or proxy:\n{}",
        leaks.join("\n")
    );
    // Display names instead: each staff member of the walk is named by theirs somewhere.
    for person in STAFF {
        assert!(
            shown.iter().any(|s| s.text.contains(person.display_name)),
            "{} is shown by display name",
            person.display_name
        );
    }
    // And the same reading finds every full name on the staff pages that show them.
    let admin = app.english_staff(Role::Admin).await;
    let users = admin.get("/staff/users").await;
    assert_eq!(users.status, StatusCode::OK);
    assert_eq!(full_names_in(&users.body), full_name_parts());
    let listed = walk.coordinator.get("/staff/interpreters").await;
    assert_eq!(listed.status, StatusCode::OK);
    for person in [&MARIKO, &MAGGIE] {
        assert!(
            listed.body.contains(person.full_name),
            "{}",
            person.full_name
        );
    }
}

/// The desk of the walk, signed in, and the browsers on the customers' side.
struct Walk<'a> {
    app: &'a TestApp,
    /// The interpreters' ids: 渡辺 真理子's, then Margaret Thornbury-Okafor's.
    interpreter_ids: [i64; 2],
    /// Their browsers, in the same order.
    interpreters: [Browser; 2],
    coordinator: Browser,
    /// 山田 花子, who books a sign-language session in Japanese.
    hanako: Visitor,
    /// Kenji Mori, who books a written chat and sends a request in English.
    kenji: Visitor,
    /// 中村 一郎, who applies to act for 中村 トメ, in Japanese.
    proxy: Visitor,
    /// How many links were followed.
    followed: usize,
}

impl<'a> Walk<'a> {
    /// The desk open every day: two interpreters of both kinds of session and a
    /// coordinator, named in full for staff and by display name for customers, signed in.
    async fn start(app: &'a TestApp) -> Walk<'a> {
        app.open_every_day("09:00", "17:00").await;
        let mut ids = Vec::new();
        for (person, role) in [
            (&MARIKO, Role::Interpreter),
            (&MAGGIE, Role::Interpreter),
            (&SAWAKO, Role::Coordinator),
        ] {
            let id = app
                .create_named_staff(person.email, person.full_name, person.display_name, role)
                .await;
            ids.push(id);
        }
        let interpreter_ids = [ids[0], ids[1]];
        for id in interpreter_ids {
            app.make_interpreter(
                id,
                &[SignLanguageInterpreter, WrittenChat],
                &[("09:00", "17:00")],
            )
            .await;
        }
        Walk {
            app,
            interpreter_ids,
            interpreters: [
                app.sign_in_as(MARIKO.email).await,
                app.sign_in_as(MAGGIE.email).await,
            ],
            coordinator: app.sign_in_as(SAWAKO.email).await,
            hanako: Visitor::new("customer 山田 花子", app.browser()),
            kenji: Visitor::new("customer Kenji Mori", app.english_browser().await),
            proxy: Visitor::new("proxy 中村 一郎", app.browser()),
            followed: 0,
        }
    }

    /// Where the interpreter with this id comes in the walk's lists.
    fn which(&self, id: i64) -> usize {
        self.interpreter_ids
            .iter()
            .position(|i| *i == id)
            .unwrap_or_else(|| panic!("{id} is not an interpreter of the walk"))
    }

    /// The interpreter with this id.
    fn interpreter(&self, id: i64) -> &'static Person {
        [&MARIKO, &MAGGIE][self.which(id)]
    }

    /// The browser of the interpreter with this id.
    fn interpreter_browser(&self, id: i64) -> &Browser {
        &self.interpreters[self.which(id)]
    }

    /// Posts a staff form, which must be taken.
    async fn staff_send(browser: &Browser, path: &str, fields: &[(&str, &str)]) -> String {
        see_other(&browser.post(path, fields).await)
    }

    /// A proxy applies at /proxy/apply; the coordinator checks the documents and consent,
    /// and approves: the proxy and the customer are emailed. The registration's id.
    async fn a_proxy_applies_and_is_approved(&self) -> i64 {
        let proxy = &self.proxy;
        proxy.open("/proxy/apply").await;
        let answers: [(&str, &[(&str, &str)]); 10] = [
            (
                "customer-name",
                &[
                    ("principal_full_name", TOME.0),
                    ("principal_kana", "ナカムラ トメ"),
                ],
            ),
            (
                "customer-birth",
                &[
                    ("birth-year", "1941"),
                    ("birth-month", "3"),
                    ("birth-day", "9"),
                ],
            ),
            (
                "customer-address",
                &[("principal_address", "東京都千代田区千代田1-1")],
            ),
            (
                "customer-contact",
                &[
                    ("principal_member_number", "AB12345"),
                    ("principal_email", TOME.1),
                ],
            ),
            (
                "proxy-name",
                &[
                    ("proxy_full_name", ICHIRO.0),
                    ("proxy_kana", "ナカムラ イチロウ"),
                ],
            ),
            ("relationship", &[("relationship", "child")]),
            (
                "proxy-contact",
                &[
                    ("proxy_email", ICHIRO.1),
                    ("proxy_address", "東京都港区芝公園2-2"),
                ],
            ),
            ("scope", &[("scope", "ask"), ("scope", "book")]),
            ("consent", &[("consent_method", "video")]),
            ("declaration", &[("declaration", "yes")]),
        ];
        for (step, fields) in answers {
            let path = format!("/proxy/apply/{step}");
            proxy.open(&path).await;
            proxy.send(&path, fields).await;
        }
        proxy.open("/proxy/apply/check").await;
        assert_eq!(
            proxy.send("/proxy/apply/check", &[]).await,
            "/proxy/apply/confirmation"
        );
        proxy.open("/proxy/apply/confirmation").await;
        let registration = proxy_registration::Entity::find()
            .one(&self.app.state().db)
            .await
            .unwrap()
            .expect("the application");

        let coordinator = &self.coordinator;
        let page = format!("/staff/proxies/{}", registration.id);
        assert_eq!(coordinator.get(&page).await.status, StatusCode::OK);
        let documents = [
            ("customer_document", "my_number_card"),
            ("proxy_document", "driving_licence"),
        ];
        Self::staff_send(coordinator, &format!("{page}/documents"), &documents).await;
        let day = today(self.app);
        let consent = [
            ("consent_how", "counter"),
            ("consent_on-year", &day.year().to_string()),
            ("consent_on-month", &u8::from(day.month()).to_string()),
            ("consent_on-day", &day.day().to_string()),
        ];
        Self::staff_send(coordinator, &format!("{page}/consent"), &consent).await;
        Self::staff_send(coordinator, &format!("{page}/approve"), &[]).await;
        registration.id
    }

    /// 山田 花子 books a sign-language session at /book, opens it from her email and moves
    /// it; the coordinator asks her for a new time, then gives it to the other interpreter.
    /// Each change is emailed to her. The session's id.
    async fn a_video_session_is_booked_moved_and_reassigned(&self) -> i64 {
        let (app, hanako) = (self.app, &self.hanako);
        hanako.open("/").await;
        hanako.open("/book").await;
        let day = today(app) + Duration::days(2);
        let details = [
            ("name", HANAKO.0),
            ("email", HANAKO.1),
            ("member_number", ""),
            ("topic", "points"),
            ("topic_other", ""),
            ("sign_language", "jsl"),
            ("sign_language_other", ""),
            ("needs", "ゆっくりお願いします。"),
        ];
        let start = at(day, 10, 0);
        book(hanako, SessionMode::SignLanguageVideo, start, &details).await;
        let video = newest_booking(app).await;
        let confirmation = app.email_with(HANAKO.1, &video.reference).await;
        let manage = app.link_path(&confirmation, "/bookings/");
        hanako.open(&manage).await;
        hanako.open(&format!("{manage}/reschedule")).await;
        hanako
            .open(&format!("{manage}/reschedule/time?day={}", key(day)))
            .await;
        let moved_to = at(day, 14, 0).unix_timestamp().to_string();
        let moved = hanako
            .send(
                &format!("{manage}/reschedule"),
                &[("day", &key(day)), ("start", &moved_to), ("keep", "1")],
            )
            .await;
        hanako.open(&moved).await;

        let session = format!("/staff/sessions/{}", video.id);
        let coordinator = &self.coordinator;
        assert_eq!(coordinator.get(&session).await.status, StatusCode::OK);
        Self::staff_send(coordinator, &format!("{session}/ask-new-time"), &[]).await;
        let asked = app.email_with(HANAKO.1, "/bookings/").await;
        hanako.open(&app.link_path(&asked, "/bookings/")).await;
        let other = self
            .interpreter_ids
            .into_iter()
            .find(|id| *id != video.interpreter_id)
            .unwrap();
        let given = other.to_string();
        let path = format!("{session}/reassign");
        Self::staff_send(coordinator, &path, &[("interpreter", &given)]).await;
        let told = app
            .email_with(HANAKO.1, self.interpreter(other).display_name)
            .await;
        hanako.open(&app.link_path(&told, "/bookings/")).await;
        video.id
    }

    /// Kenji Mori books a written chat; its interpreter opens the room early, they write to
    /// each other while Kenji's page follows the room live, and the interpreter ends it:
    /// the conversation is emailed to him.
    async fn a_written_chat_takes_place(&self) {
        let (app, kenji) = (self.app, &self.kenji);
        kenji.open("/book").await;
        let details = [
            ("name", KENJI.0),
            ("email", KENJI.1),
            ("member_number", ""),
            ("topic", "statements"),
            ("topic_other", ""),
            ("needs", "Please write plainly."),
        ];
        let start = at(tomorrow(app), 10, 0);
        book(kenji, SessionMode::WrittenChat, start, &details).await;
        let chat = newest_booking(app).await;
        let shown_as = self.interpreter(chat.interpreter_id).display_name;
        let staff = self.interpreter_browser(chat.interpreter_id);
        let confirmation = app.email_with(KENJI.1, &chat.reference).await;
        let manage = app.link_path(&confirmation, "/bookings/");
        kenji.open(&manage).await;
        let room = format!("{manage}/chat");
        kenji.open(&room).await;
        let staff_room = format!("/staff/sessions/{}/chat", chat.id);
        Self::staff_send(staff, &format!("{staff_room}/open"), &[]).await;
        kenji.open(&room).await;
        let events = format!("{room}/events?after=0");
        let mut live = kenji.events(&events).await;
        kenji
            .send(&room, &[("chat_message", "Hello, I have a question.")])
            .await;
        let answer = [("chat_message", "Good morning. How can I help?")];
        Self::staff_send(staff, &staff_room, &answer).await;
        kenji.next_event(&mut live, &events).await;
        let answered = kenji.next_event(&mut live, &events).await;
        assert!(
            answered.contains(shown_as),
            "the live message names the interpreter by display name: {answered}"
        );
        let page = kenji.open(&room).await;
        assert_eq!(
            log_of(&page),
            [
                (KENJI.0.to_owned(), "Hello, I have a question.".to_owned()),
                (
                    shown_as.to_owned(),
                    "Good morning. How can I help?".to_owned()
                ),
            ],
            "the room shows the interpreter by display name"
        );
        let end = [("outcome", "completed")];
        Self::staff_send(staff, &format!("{staff_room}/end"), &end).await;
        kenji.next_event(&mut live, &events).await;
        kenji.open(&room).await;
        let transcript = app.email_with(KENJI.1, "conversation").await;
        assert!(text_of(&transcript).contains(shown_as));
        kenji.open(&app.link_path(&transcript, "/bookings/")).await;
    }

    /// Kenji sends a support request at /requests/new; the coordinator answers it by email,
    /// he writes again on its thread, and the coordinator resolves and then closes it.
    async fn a_request_is_answered_and_closed(&self) {
        let (app, kenji, coordinator) = (self.app, &self.kenji, &self.coordinator);
        kenji.open("/requests/new").await;
        let details = "My statement shows one payment twice.";
        let sent = send_request(kenji, details, KENJI.0, KENJI.1).await;
        kenji.open(&sent).await;
        let thread = sent.trim_end_matches("?sent=1").to_owned();
        let request = newest_request(app).await;
        let page = format!("/staff/requests/{}", request.id);
        assert_eq!(coordinator.get(&page).await.status, StatusCode::OK);
        let reply = [("reply", "We have refunded the second payment.")];
        Self::staff_send(coordinator, &format!("{page}/reply"), &reply).await;
        let answered = app.email_with(KENJI.1, "refunded the second").await;
        let read = kenji.open(&app.link_path(&answered, "/requests/")).await;
        assert!(
            read.body.contains(SAWAKO.display_name),
            "the thread names the coordinator by display name"
        );
        kenji
            .send(&thread, &[("message", "Thank you. When will it arrive?")])
            .await;
        kenji.open(&thread).await;
        for status in ["resolved", "closed"] {
            let to = [("status", status)];
            Self::staff_send(coordinator, &format!("{page}/status"), &to).await;
            kenji.open(&thread).await;
        }
    }

    /// The coordinator reports an incident from Kenji's request; a supervisor warns him in
    /// writing; he reads the notice and appeals from it; another supervisor answers.
    async fn a_measure_is_taken_and_appealed(&self) {
        let (app, kenji, coordinator) = (self.app, &self.kenji, &self.coordinator);
        let mut supervisors = Vec::new();
        for person in SUPERVISORS {
            app.create_named_staff(
                person.email,
                person.full_name,
                person.display_name,
                Role::Supervisor,
            )
            .await;
            supervisors.push(app.sign_in_as(person.email).await);
        }
        let request = newest_request(app).await;
        let sawako = staff_user::Entity::find()
            .all(&app.state().db)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.email == SAWAKO.email)
            .unwrap();
        let day = app.state().now().to_timezone(TOKYO).date();
        let (year, month, date, affected) = (
            day.year().to_string(),
            u8::from(day.month()).to_string(),
            day.day().to_string(),
            sawako.id.to_string(),
        );
        let report = [
            ("occurred-year", year.as_str()),
            ("occurred-month", month.as_str()),
            ("occurred-day", date.as_str()),
            ("occurred_time", "00:00"),
            ("venue", "request"),
            ("category", "abusive_words"),
            ("account", "Called me useless."),
            ("demand", "unreasonable"),
            ("manner", "unacceptable"),
            ("affected", affected.as_str()),
            ("not_accommodation", "yes"),
        ];
        let new = format!("/staff/incidents/new?request={}", request.id);
        let reported = Self::staff_send(coordinator, &new, &report).await;
        let incident = reported
            .split('?')
            .next()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        let ends = day + time::Duration::days(30);
        let (ends_year, ends_month, ends_day) = (
            ends.year().to_string(),
            u8::from(ends.month()).to_string(),
            ends.day().to_string(),
        );
        let warning = [
            ("measure_kind", "warning"),
            (
                "measure_reason",
                "You called a member of our staff useless.",
            ),
            ("ends-year", ends_year.as_str()),
            ("ends-month", ends_month.as_str()),
            ("ends-day", ends_day.as_str()),
            ("letter_lang", "en"),
        ];
        let measures = format!("/staff/incidents/{incident}/measures");
        Self::staff_send(&supervisors[0], &measures, &warning).await;
        let letter = app
            .email_with(KENJI.1, "A warning from our support desk")
            .await;
        let notice = app.link_path(&letter, "/notices/");
        kenji.open(&notice).await;
        let appeal = [("appeal", "I was upset. I am sorry.")];
        kenji.send(&format!("{notice}/appeal"), &appeal).await;
        kenji.open(&notice).await;
        let appeal = yorisoi::entities::measure_appeal::Entity::find()
            .all(&app.state().db)
            .await
            .unwrap()
            .remove(0);
        let answer = [("outcome", "upheld"), ("answer", "Thank you for writing.")];
        let decide = format!("/staff/appeals/{}/decide", appeal.id);
        Self::staff_send(&supervisors[1], &decide, &answer).await;
        app.email_with(KENJI.1, "Our answer to your appeal").await;
        kenji.open(&notice).await;
    }

    /// The proxy activates the account from the emailed link, signs in and reads the
    /// portal; sends a request for the customer, which the coordinator answers; books a
    /// written chat for her and writes in its room with the interpreter.
    async fn the_proxy_acts_for_the_customer(&mut self, registration: i64) {
        let (app, proxy) = (self.app, &self.proxy);
        let activation = app.email_with(ICHIRO.1, "/proxy/activate/").await;
        let activate = app.link_path(&activation, "/proxy/activate/");
        proxy.open(&activate).await;
        let password = [
            ("new_password", PASSWORD),
            ("new_password_confirm", PASSWORD),
        ];
        assert_eq!(
            proxy.send(&activate, &password).await,
            "/proxy/login?password_set=1"
        );
        proxy.open("/proxy/login?password_set=1").await;
        let sign_in = [("email", ICHIRO.1), ("password", PASSWORD)];
        assert_eq!(proxy.send("/proxy/login", &sign_in).await, "/proxy");
        proxy.open("/proxy").await;
        let customer = format!("/proxy/customers/{registration}");
        proxy.open(&customer).await;
        proxy.open(&format!("{customer}/step-down")).await;

        // A request for the customer, answered.
        assert_eq!(
            proxy.send(&format!("{customer}/ask"), &[]).await,
            "/requests/new/topic"
        );
        let sent = send_request(proxy, "母の住所を変えたいです。", TOME.0, ICHIRO.1).await;
        proxy.open(&sent).await;
        let asked = newest_request(app).await;
        assert_eq!(asked.proxy_registration_id, Some(registration));
        let reply = [("reply", "新しい住所を登録しました。")];
        let path = format!("/staff/requests/{}/reply", asked.id);
        Self::staff_send(&self.coordinator, &path, &reply).await;
        app.email_with(ICHIRO.1, "新しい住所を登録しました。").await;
        let thread = sent.trim_end_matches("?sent=1").to_owned();
        let page = proxy.open(&thread).await;
        assert!(page.body.contains(SAWAKO.display_name));
        proxy
            .send(&thread, &[("message", "ありがとうございました。")])
            .await;
        proxy.open(&thread).await;

        // A written chat for the customer, and its room.
        assert_eq!(
            proxy.send(&format!("{customer}/book"), &[]).await,
            "/book/mode"
        );
        let details = [
            ("name", TOME.0),
            ("email", ICHIRO.1),
            ("member_number", "AB12345"),
            ("topic", "points"),
            ("needs", ""),
        ];
        let start = at(tomorrow(app), 11, 0);
        book(proxy, SessionMode::WrittenChat, start, &details).await;
        let chat = newest_booking(app).await;
        assert_eq!(chat.proxy_registration_id, Some(registration));
        let shown_as = self.interpreter(chat.interpreter_id).display_name;
        let staff = self.interpreter_browser(chat.interpreter_id);
        let staff_room = format!("/staff/sessions/{}/chat", chat.id);
        Self::staff_send(staff, &format!("{staff_room}/open"), &[]).await;
        proxy.open(&customer).await;
        let session = format!("{customer}/sessions/{}", chat.id);
        let room = proxy.send(&format!("{session}/chat"), &[]).await;
        proxy.open(&room).await;
        let events = format!("{room}/events?after=0");
        let mut live = proxy.events(&events).await;
        proxy
            .send(&room, &[("chat_message", "母の代わりに書いています。")])
            .await;
        let answer = [("chat_message", "ありがとうございます。")];
        Self::staff_send(staff, &staff_room, &answer).await;
        proxy.next_event(&mut live, &events).await;
        let answered = proxy.next_event(&mut live, &events).await;
        assert!(answered.contains(shown_as), "{answered}");
        let page = proxy.open(&room).await;
        assert_eq!(log_of(&page)[1].0, shown_as);
        let manage = proxy.send(&format!("{session}/manage"), &[]).await;
        proxy.open(&manage).await;
        // The portal's links are followed while the registration lets the proxy in.
        self.followed += self.proxy.follow_links(&app.base).await;
    }

    /// The coordinator ends the registration: the proxy and the customer are told, and the
    /// proxy's pages are closed to them.
    async fn the_registration_ends(&mut self, registration: i64) {
        let reason = [("reason", "ご本人から終了のお申し出がありました。")];
        let path = format!("/staff/proxies/{registration}/revoke");
        Self::staff_send(&self.coordinator, &path, &reason).await;
        self.proxy.get("/proxy").await;
        // The customers' links are followed while their sessions are still booked.
        self.followed += self.hanako.follow_links(&self.app.base).await;
        self.followed += self.kenji.follow_links(&self.app.base).await;
    }

    /// A day before 山田 花子's session its reminder goes; then staff cancel it.
    async fn a_reminder_goes_then_staff_cancel(&mut self, video: i64) {
        let app = self.app;
        let state = app.state();
        let b = booking::Entity::find_by_id(video)
            .one(&state.db)
            .await
            .unwrap()
            .unwrap();
        app.set_now(b.starts_at - Duration::hours(23));
        let reminded = yorisoi::services::booking::reminders::send_due_reminders(
            &state.db,
            state.now(),
            &state.config,
        )
        .await
        .unwrap();
        assert!(reminded >= 1, "the session is reminded of");
        let reminder = app.email_with(HANAKO.1, &b.reference).await;
        let manage = app.link_path(&reminder, "/bookings/");
        self.hanako.open(&manage).await;
        // A day on, the coordinator signs in again.
        self.coordinator = app.sign_in_as(SAWAKO.email).await;
        let cancel = format!("/staff/sessions/{video}/cancel");
        assert_eq!(self.coordinator.get(&cancel).await.status, StatusCode::OK);
        let reason = [("reason", "The interpreter is unwell.")];
        Self::staff_send(&self.coordinator, &cancel, &reason).await;
        app.email_with(HANAKO.1, &b.reference).await;
        self.hanako.open(&manage).await;
    }

    /// Everything shown on the customers' side: every email to an address outside the desk,
    /// once the relay has written them all; the pages and live events the browsers read,
    /// with every public link on them and in those emails followed once.
    async fn everything_shown(&mut self) -> Vec<Shown> {
        let app = self.app;
        let written = app.count("outbox_messages").await as usize;
        let emails = app.wait_for_dropped(written).await;
        assert_eq!(emails.len(), written, "every email was written");
        let staff_addresses: BTreeSet<String> = staff_user::Entity::find()
            .all(&app.state().db)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.email)
            .collect();
        let outside: Vec<Shown> = emails
            .iter()
            .filter_map(|raw| {
                let to = first_recipient(raw).expect("a recipient");
                (!staff_addresses.contains(&to)).then(|| Shown {
                    what: format!("email to {to}: {}", subject_of(raw)),
                    text: email_text(raw),
                })
            })
            .collect();
        for to in [HANAKO.1, KENJI.1, TOME.1, ICHIRO.1] {
            assert!(
                outside.iter().any(|s| s.what.contains(to)),
                "{to} was written to"
            );
        }

        for visitor in [&self.hanako, &self.kenji, &self.proxy] {
            self.followed += visitor.follow_links(&app.base).await;
        }
        let stranger = Visitor::new("a link in an email", app.browser());
        let emailed: BTreeSet<String> = outside
            .iter()
            .flat_map(|s| links_in_email(&s.text, &app.base))
            .collect();
        for path in &emailed {
            stranger.get(path).await;
        }
        self.followed += emailed.len();

        let mut shown = Vec::new();
        for visitor in [&self.hanako, &self.kenji, &self.proxy, &stranger] {
            shown.extend(visitor.shown());
        }
        eprintln!(
            "read {} pages and live events, {} of the links on them and in the emails \
             followed once, and {} emails",
            shown.len(),
            self.followed,
            outside.len()
        );
        shown.extend(outside);
        shown
    }
}
