//! The measures of customer feedback: the figures by month and channel in the tables beside
//! the charts, each staff member's own figures without contacts under a harassment measure
//! (and only for those who publish improvements), and the CSV of every piece of feedback,
//! filtered as the triage list filters, quoted safely.

use crate::db_tests;
use crate::support::{Page, TOKYO, TestApp, at, key, today};
use reqwest::StatusCode;
use sea_orm::ActiveModelTrait;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::EntityTrait;
use time::{Date, OffsetDateTime, UtcOffset};
use yorisoi::domain::Lang;
use yorisoi::domain::Role;
use yorisoi::domain::feedback::{Channel, Kind};
use yorisoi::domain::improvement::CaseStatus;
use yorisoi::entities::{
    feedback, feedback_invitation, feedback_theme, feedback_theme_tag, improvement_case,
    support_request,
};

db_tests!(
    the_tables_hold_the_months_figures_and_staff_figures_leave_out_measures,
    the_csv_holds_every_piece_filtered_and_quoted_safely,
);

const MEASURES: &str = "/staff/feedback/measures";
const EXPORT: &str = "/staff/feedback/export.csv";

/// One piece of feedback to write.
struct Piece {
    reference: &'static str,
    channel: Channel,
    kind: Kind,
    ease: i16,
    staff: Option<i64>,
    under_measure: bool,
    at: OffsetDateTime,
    comment: Option<&'static str>,
    request: Option<i64>,
    case: Option<i64>,
}

/// What the seeded feedback refers to.
struct Seeded {
    /// The first day of this month and of the month before, in the desk's zone.
    this_month: Date,
    last_month_day: Date,
    waiting_theme: i64,
    request_reference: String,
    case_reference: String,
}

fn utc(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(UtcOffset::UTC)
}

async fn theme(app: &TestApp, ja: &str, en: &str, archived: bool) -> i64 {
    feedback_theme::ActiveModel {
        id: NotSet,
        name_ja: Set(ja.to_owned()),
        name_en: Set(en.to_owned()),
        archived: Set(archived),
        created_at: Set(app.state().now()),
    }
    .insert(&app.state().db)
    .await
    .unwrap()
    .id
}

async fn invitations(
    app: &TestApp,
    channel: Channel,
    first_contact: i64,
    asked: i64,
    answered: i64,
    when: OffsetDateTime,
) {
    for n in 0..asked {
        feedback_invitation::ActiveModel {
            id: NotSet,
            channel: Set(channel),
            contact_id: Set(first_contact + n),
            staff_user_id: Set(None),
            lang: Set(Lang::En),
            under_measure: Set(false),
            created_at: Set(utc(when)),
            answered_at: Set((n < answered).then(|| utc(when))),
        }
        .insert(&app.state().db)
        .await
        .unwrap();
    }
}

/// Eight pieces of feedback over this month and the last, about an interpreter among
/// others (one from a contact under a harassment measure), with invitations, themes, a
/// request and an improvement case.
async fn seed(app: &TestApp) -> Seeded {
    let db = &app.state().db;
    let sato = app
        .create_named_staff("sato@example.jp", "Sato Ichiro", "sato", Role::Interpreter)
        .await;
    let today = today(app);
    let this_month = today.replace_day(1).unwrap();
    let last_month_day = (this_month - time::Duration::days(1))
        .replace_day(5)
        .unwrap();
    let waiting = theme(app, "待ち時間", "Waiting", false).await;
    let old = theme(app, "古い言葉", "Old words", true).await;
    theme(app, "使っていない", "Unused", false).await;
    theme(app, "消えた", "Gone", true).await;
    let request_id = crate::incidents::send_request(app).await;
    let request_reference = support_request::Entity::find_by_id(request_id)
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .reference;
    let now = app.state().now();
    let case = improvement_case::ActiveModel {
        id: NotSet,
        reference: Set("IC-TEST-01".to_owned()),
        status: Set(CaseStatus::InProgress),
        you_said_ja: Set("待ち時間が長い".to_owned()),
        you_said_en: Set("The wait is long".to_owned()),
        we_did_ja: Set(None),
        we_did_en: Set(None),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        started_at: Set(Some(now)),
        done_at: Set(None),
        published_at: Set(None),
        published_by: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    let piece = |reference, channel, kind, ease, at| Piece {
        reference,
        channel,
        kind,
        ease,
        staff: None,
        under_measure: false,
        at,
        comment: None,
        request: None,
        case: None,
    };
    use Channel::*;
    use Kind::*;
    let pieces = [
        // Half past midnight on the first in Tokyo is still the month before in UTC.
        Piece {
            staff: Some(sato),
            comment: Some("Kind and clear."),
            case: Some(case.id),
            ..piece(
                "FB-T-0001",
                SignLanguage,
                Compliment,
                5,
                at(this_month, 0, 30),
            )
        },
        Piece {
            staff: Some(sato),
            ..piece(
                "FB-T-0002",
                SignLanguage,
                Suggestion,
                4,
                at(this_month, 9, 0),
            )
        },
        Piece {
            staff: Some(sato),
            under_measure: true,
            ..piece(
                "FB-T-0003",
                SignLanguage,
                Complaint,
                2,
                at(this_month, 9, 10),
            )
        },
        Piece {
            request: Some(request_id),
            ..piece("FB-T-0004", Request, Other, 3, at(this_month, 9, 20))
        },
        Piece {
            comment: Some("Great, \"really\" helpful,\nthanks"),
            ..piece("FB-T-0005", General, Compliment, 5, at(this_month, 9, 30))
        },
        Piece {
            comment: Some("=HYPERLINK(\"http://x.example\")"),
            ..piece("FB-T-0006", General, Complaint, 1, at(this_month, 9, 40))
        },
        piece(
            "FB-T-0007",
            WrittenChat,
            Suggestion,
            4,
            at(last_month_day, 12, 0),
        ),
        Piece {
            staff: Some(sato),
            comment: Some("+81 is the code I called from"),
            ..piece(
                "FB-T-0008",
                WrittenChat,
                Compliment,
                5,
                at(last_month_day, 12, 5),
            )
        },
    ];
    let mut ids = Vec::new();
    for p in pieces {
        let written = feedback::ActiveModel {
            id: NotSet,
            reference: Set(p.reference.to_owned()),
            invitation_id: Set(None),
            channel: Set(p.channel),
            kind: Set(p.kind),
            ease: Set(p.ease),
            comment: Set(p.comment.map(str::to_owned)),
            name: Set(None),
            email: Set(None),
            wants_reply: Set(false),
            lang: Set(Lang::En),
            staff_user_id: Set(p.staff),
            under_measure: Set(p.under_measure),
            request_id: Set(p.request),
            case_id: Set(p.case),
            created_at: Set(utc(p.at)),
        }
        .insert(db)
        .await
        .unwrap();
        ids.push(written.id);
    }
    for (feedback_id, theme_id) in [(ids[0], waiting), (ids[0], old), (ids[3], waiting)] {
        feedback_theme_tag::ActiveModel {
            feedback_id: Set(feedback_id),
            theme_id: Set(theme_id),
        }
        .insert(db)
        .await
        .unwrap();
    }
    invitations(app, SignLanguage, 100, 4, 3, at(this_month, 8, 0)).await;
    invitations(app, Request, 200, 2, 1, at(this_month, 8, 0)).await;
    invitations(app, Proxy, 300, 1, 0, at(this_month, 8, 0)).await;
    invitations(app, WrittenChat, 400, 2, 2, at(last_month_day, 8, 0)).await;
    Seeded {
        this_month,
        last_month_day,
        waiting_theme: waiting,
        request_reference,
        case_reference: case.reference,
    }
}

/// The cells of a table's row: `row` counts from the end (0 is the last, this month).
fn row_from_end(page: &Page, table: &str, row: usize) -> Vec<String> {
    let rows = page.texts(&format!("#{table} tbody tr"));
    assert!(rows.len() > row, "{table} has {} rows", rows.len());
    let nth = rows.len() - row;
    page.texts(&format!("#{table} tbody tr:nth-child({nth}) td"))
}

async fn the_tables_hold_the_months_figures_and_staff_figures_leave_out_measures(app: TestApp) {
    seed(&app).await;
    let supervisor = app.english_staff(Role::Supervisor).await;
    let page = supervisor.get(MEASURES).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // Every chart is a figure with a caption, a picture named by its title and description,
    // and a table of the same figures.
    let pictures = page.attrs("figure svg[role=img]", "aria-labelledby");
    assert_eq!(pictures.len(), 6, "{pictures:?}");
    assert_eq!(page.texts("figure figcaption").len(), 6);
    assert_eq!(page.texts("figure svg title").len(), 6);
    assert_eq!(page.texts("figure svg desc").len(), 6);
    for id in ["responses", "ease", "satisfied", "rate", "kinds", "themes"] {
        assert!(
            !page
                .texts(&format!("#feedback-{id}-table tbody tr"))
                .is_empty(),
            "{id} has its table"
        );
    }
    // Channels: sign language, written chat, request, proxy, open form. This month first.
    assert_eq!(
        row_from_end(&page, "feedback-responses-table", 0),
        ["3", "0", "1", "0", "2"],
        "the 00:30 piece on the first counts in this month, in the desk's zone"
    );
    assert_eq!(
        row_from_end(&page, "feedback-ease-table", 0),
        ["3.7", "–", "3.0", "–", "3.0"]
    );
    assert_eq!(
        row_from_end(&page, "feedback-satisfied-table", 0),
        ["67%", "–", "0%", "–", "50%"]
    );
    assert_eq!(
        row_from_end(&page, "feedback-rate-table", 0),
        ["75%", "–", "50%", "0%"],
        "the open form has no rate; a channel nobody was asked in has none either"
    );
    assert_eq!(
        row_from_end(&page, "feedback-asked-table", 0),
        ["4", "3", "0", "0", "2", "1", "1", "0"]
    );
    // Kinds: compliment, suggestion, complaint, other.
    assert_eq!(
        row_from_end(&page, "feedback-kinds-table", 0),
        ["2", "1", "2", "1"]
    );
    // The month before.
    assert_eq!(
        row_from_end(&page, "feedback-responses-table", 1),
        ["0", "2", "0", "0", "0"]
    );
    assert_eq!(
        row_from_end(&page, "feedback-ease-table", 1),
        ["–", "4.5", "–", "–", "–"]
    );
    assert_eq!(
        row_from_end(&page, "feedback-satisfied-table", 1),
        ["–", "100%", "–", "–", "–"]
    );
    assert_eq!(
        row_from_end(&page, "feedback-rate-table", 1),
        ["–", "100%", "–", "–"]
    );
    assert_eq!(
        row_from_end(&page, "feedback-kinds-table", 1),
        ["1", "1", "0", "0"]
    );
    assert_eq!(
        page.texts("#feedback-responses-table tbody tr").len(),
        12,
        "twelve months"
    );
    // Themes over the year: archived ones counted and marked, unused archived ones not shown.
    assert_eq!(
        page.texts("#feedback-themes-table tbody tr th"),
        ["Waiting", "Old words (archived)", "Unused", "No theme"]
    );
    assert_eq!(
        page.texts("#feedback-themes-table tbody tr td"),
        ["2", "1", "0", "6"]
    );
    // The method is written beside every figure, with how many responses it counts.
    let methods = page.texts(".chart__method");
    assert!(methods.len() >= 6, "{methods:?}");
    let main = page.text("main");
    assert!(
        main.contains("Ease is the mean of answers to \"How easy was it to get what you needed?\" from 1 very hard to 5 very easy"),
        "{main}"
    );
    assert!(
        main.contains("Satisfied is the share answering 4 (easy) or 5 (very easy)"),
        "{main}"
    );
    assert!(main.contains("8 responses"), "{main}");
    // The staff figures leave out the contact under a measure, and say so.
    assert_eq!(page.texts("#feedback-staff-table tbody tr th"), ["sato"]);
    assert_eq!(
        page.texts("#feedback-staff-table tbody tr td"),
        ["Sato Ichiro", "3", "4.7", "2"],
        "5, 4 and 5: the 2 from a contact under a measure is left out"
    );
    assert!(
        page.text("#feedback-staff-excluded")
            .contains("1 response about a staff member was left out"),
        "{}",
        page.text("#feedback-staff-excluded")
    );
    assert_eq!(
        page.attr("#feedback-staff-table", "aria-describedby")
            .as_deref(),
        Some("feedback-staff-excluded")
    );
    // The CSV is a download from the page.
    assert_eq!(page.attr("a[download]", "href").as_deref(), Some(EXPORT));
    // A coordinator triages feedback and reads the measures, but not each staff member's.
    let coordinator = app.english_staff(Role::Coordinator).await;
    let theirs = coordinator.get(MEASURES).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert_eq!(
        row_from_end(&theirs, "feedback-responses-table", 0),
        ["3", "0", "1", "0", "2"]
    );
    assert!(theirs.texts("#feedback-staff-table").is_empty());
    assert!(theirs.texts("#staff").is_empty());
    assert!(!theirs.body.contains("Sato Ichiro"));
    // An interpreter reads neither the page nor the CSV.
    let (interpreter, _) = app.signed_in(Role::Interpreter).await;
    for path in [MEASURES, EXPORT] {
        assert_eq!(
            interpreter.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // What the triage page embeds, and a shorter period, straight from the service.
    use yorisoi::services::feedback::measures::{Period, load, load_period};
    let db = &app.state().db;
    let now = app.state().now();
    let year = load(db, now, TOKYO).await.unwrap();
    assert_eq!(year.months.len(), 12);
    assert_eq!(year.answers().responses(), 8);
    assert_eq!(year.latest().unwrap().answers().responses(), 6);
    let month = load_period(db, &Period::ending(now, TOKYO, 1))
        .await
        .unwrap();
    assert_eq!(month.months.len(), 1);
    assert_eq!(month.answers().responses(), 6);
    assert_eq!(month.untagged, 4);
    // In Japanese too, with the same figures.
    let (japanese, _) = app.signed_in(Role::Admin).await;
    let ja = japanese.get(MEASURES).await;
    assert_eq!(ja.status, StatusCode::OK);
    assert_eq!(
        row_from_end(&ja, "feedback-ease-table", 0),
        ["3.7", "–", "3.0", "–", "3.0"]
    );
    assert!(ja.text("#feedback-staff-excluded").contains("1件"));
}

/// Reads CSV text: cells split on commas outside quotes, quotes doubled inside them, rows on
/// line ends outside quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cell.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut cell)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            other => cell.push(other),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// The references of an export's rows, in order.
fn references(rows: &[Vec<String>]) -> Vec<&str> {
    rows[1..].iter().map(|r| r[0].as_str()).collect()
}

async fn the_csv_holds_every_piece_filtered_and_quoted_safely(app: TestApp) {
    let seeded = seed(&app).await;
    let supervisor = app.english_staff(Role::Supervisor).await;
    let csv = supervisor.get(EXPORT).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let header = |name: &str| {
        csv.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(header("content-type").starts_with("text/csv"));
    assert!(header("content-disposition").starts_with("attachment"));
    let rows = parse_csv(&csv.body);
    assert_eq!(
        rows[0],
        [
            "reference",
            "received",
            "channel",
            "kind",
            "ease",
            "satisfied",
            "themes",
            "case_reference",
            "request_reference",
            "staff",
            "comment"
        ]
    );
    assert!(rows.iter().all(|r| r.len() == 11), "{rows:?}");
    assert_eq!(
        references(&rows),
        [
            "FB-T-0006",
            "FB-T-0005",
            "FB-T-0004",
            "FB-T-0003",
            "FB-T-0002",
            "FB-T-0001",
            "FB-T-0008",
            "FB-T-0007"
        ],
        "newest first"
    );
    let row = |reference: &str| {
        rows.iter()
            .find(|r| r[0] == reference)
            .unwrap_or_else(|| panic!("{reference} in the CSV"))
            .clone()
    };
    let first = row("FB-T-0001");
    assert_eq!(
        first[1],
        format!("{}T00:30:00+09:00", key(seeded.this_month)),
        "received, in the desk's zone"
    );
    assert_eq!(
        first[2..],
        [
            "sign_language",
            "compliment",
            "5",
            "yes",
            "Waiting; Old words",
            seeded.case_reference.as_str(),
            "",
            "sato",
            "Kind and clear."
        ]
    );
    let request = row("FB-T-0004");
    assert_eq!(request[5], "no");
    assert_eq!(request[6], "Waiting");
    assert_eq!(request[8], seeded.request_reference);
    assert_eq!(request[9], "", "nobody named");
    // Commas, quotes and a line break come back as written; formulas are never formulas.
    assert_eq!(row("FB-T-0005")[10], "Great, \"really\" helpful,\nthanks");
    assert_eq!(row("FB-T-0006")[10], "'=HYPERLINK(\"http://x.example\")");
    assert_eq!(row("FB-T-0008")[10], "'+81 is the code I called from");
    assert!(
        csv.body
            .contains("\"'=HYPERLINK(\"\"http://x.example\"\")\""),
        "{}",
        csv.body
    );
    // The triage list's filters.
    let filtered = |query: String| {
        let browser = &supervisor;
        async move {
            let page = browser.get(&format!("{EXPORT}?{query}")).await;
            assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
            parse_csv(&page.body)
                .iter()
                .skip(1)
                .map(|r| r[0].clone())
                .collect::<Vec<String>>()
        }
    };
    assert_eq!(
        filtered("kind=complaint".into()).await,
        ["FB-T-0006", "FB-T-0003"]
    );
    assert_eq!(
        filtered("channel=written_chat".into()).await,
        ["FB-T-0008", "FB-T-0007"]
    );
    let day = key(seeded.last_month_day);
    assert_eq!(
        filtered(format!("from={day}&to={day}")).await,
        ["FB-T-0008", "FB-T-0007"]
    );
    assert_eq!(
        filtered(format!("from={}", key(seeded.this_month)))
            .await
            .len(),
        6,
        "the first day starts at midnight in the desk's zone"
    );
    assert_eq!(
        filtered(format!(
            "to={}",
            key(seeded.this_month - time::Duration::days(1))
        ))
        .await,
        ["FB-T-0008", "FB-T-0007"]
    );
    assert_eq!(
        filtered(format!("theme={}", seeded.waiting_theme)).await,
        ["FB-T-0004", "FB-T-0001"]
    );
    assert_eq!(
        filtered(format!(
            "kind=compliment&theme={}&kind=&channel=",
            seeded.waiting_theme
        ))
        .await
        .len(),
        1
    );
    // Filters that cannot be read get the form again, with what was typed and why.
    let refused = supervisor
        .get(&format!("{EXPORT}?from=2026-02-30&kind=praise"))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.texts(".error-summary li").len(),
        2,
        "{}",
        refused.body
    );
    assert_eq!(
        refused.attr("input#from", "value").as_deref(),
        Some("2026-02-30")
    );
    assert!(
        refused.title().starts_with("Error (2)"),
        "{}",
        refused.title()
    );
    let backwards = supervisor
        .get(&format!(
            "{EXPORT}?from={}&to={day}",
            key(seeded.this_month)
        ))
        .await;
    assert_eq!(backwards.status, StatusCode::BAD_REQUEST);
    assert!(
        backwards
            .text(".error-summary")
            .contains("same as or after the start date")
    );
    // Themes are written in the reader's language.
    let (japanese, _) = app.signed_in(Role::Coordinator).await;
    let ja = parse_csv(&japanese.get(EXPORT).await.body);
    let first = ja.iter().find(|r| r[0] == "FB-T-0001").unwrap();
    assert_eq!(first[6], "待ち時間; 古い言葉");
}
