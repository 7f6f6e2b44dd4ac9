//! How qualifications decide who takes a session: an interpreter whose certification has
//! expired by a session's day is never offered, given or moved onto it, and is flagged on
//! the sessions they hold; care training comes first for a customer with a proxy, after the
//! sign language the customer asked for.

use super::{dated, record};
use crate::db_tests;
use crate::proxies::{application, approved, proxy_browser, scopes};
use crate::support::{TOKYO, TestApp, at, choose_session, key, see_other, today, tomorrow};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use time::{Date, Duration};
use yorisoi::domain::booking::DetailsForm;
use yorisoi::domain::schedule::SessionMode::{self, SignLanguageVideo};
use yorisoi::domain::{Lang, Qualification, QualificationRecord, Role, SignLanguage};
use yorisoi::entities::booking;
use yorisoi::services::booking::make::{self, NewBooking, OnBehalf};
use yorisoi::services::booking::manage::{ChangedBy, reschedule};
use yorisoi::services::booking::{Booking, BookingError};
use yorisoi::services::interpreters;
use yorisoi::services::proxies::Registration;
use yorisoi::services::reassignment::reassign_choices;

db_tests!(
    an_expired_certification_is_never_offered_or_assigned,
    care_training_goes_first_for_a_customer_with_a_proxy,
);

/// Books a session directly through the service, for a customer at `email`, asking for
/// Japanese Sign Language, as a confirmed journey would; `on_behalf` for a proxy's booking.
async fn book(
    app: &TestApp,
    mode: SessionMode,
    start: time::OffsetDateTime,
    email: &str,
    on_behalf: Option<&Registration>,
) -> Result<Booking, BookingError> {
    let details = DetailsForm {
        name: "Test Customer".into(),
        email: email.into(),
        topic: "statements".into(),
        sign_language: "jsl".into(),
        ..Default::default()
    }
    .validate(mode)
    .unwrap();
    make::confirm(
        &app.uc(),
        &app.state().calendars,
        &NewBooking {
            mode,
            start,
            details,
            lang: Lang::En,
            on_behalf: on_behalf.map(|r| OnBehalf {
                proxy_id: r.proxy_account_id.unwrap(),
                registration_id: r.id,
                copy_to: None,
            }),
            request_id: None,
        },
        None,
    )
    .await
    .map(|c| c.booking)
}

/// The sign-language start times a customer may choose on `day`.
async fn free_starts(app: &TestApp, day: Date) -> Vec<time::OffsetDateTime> {
    app.state()
        .calendars
        .calendar(&app.state().db, TOKYO, SignLanguageVideo, day, day)
        .await
        .unwrap()
        .free_starts(day, app.state().now())
}

async fn an_expired_certification_is_never_offered_or_assigned(app: TestApp) {
    use Qualification::SignLanguageInterpreter;
    app.open_every_day("09:00", "17:00").await;
    let (day1, day2) = (tomorrow(&app), tomorrow(&app) + Duration::days(1));
    // Ito's certification is valid through tomorrow, and no longer.
    let ito = app
        .add_interpreter("ito", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    record(
        &app,
        ito,
        &[dated(
            SignLanguageInterpreter,
            Some(day1 - Duration::days(1000)),
            Some(day1),
        )],
    )
    .await;

    // On its last day it holds; the day after, nobody is offered, and a booking for that
    // day is refused.
    assert!(free_starts(&app, day1).await.contains(&at(day1, 10, 0)));
    assert!(
        free_starts(&app, day2).await.is_empty(),
        "no time is offered with an expired certification"
    );
    let first = book(
        &app,
        SignLanguageVideo,
        at(day1, 10, 0),
        "a@example.jp",
        None,
    )
    .await
    .unwrap();
    assert_eq!(first.interpreter_id, ito);
    assert!(matches!(
        book(
            &app,
            SignLanguageVideo,
            at(day2, 10, 0),
            "b@example.jp",
            None
        )
        .await,
        Err(BookingError::Taken)
    ));
    // The public journey offers no time that day either.
    let customer = app.browser();
    see_other(
        &customer
            .post("/book/mode", &[("mode", SignLanguageVideo.as_str())])
            .await,
    );
    let offered = customer
        .get("/book/day")
        .await
        .attrs("input[name=day]", "value");
    assert!(offered.contains(&key(day1)), "{offered:?}");
    assert!(!offered.contains(&key(day2)), "the day is not offered");

    // Kondo's certification runs for years: Kondo is offered and given the day-two session.
    let kondo = app
        .add_interpreter("kondo", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    record(
        &app,
        kondo,
        &[dated(
            SignLanguageInterpreter,
            Some(day1 - Duration::days(400)),
            Some(day1 + Duration::days(3 * 365)),
        )],
    )
    .await;
    assert!(free_starts(&app, day2).await.contains(&at(day2, 10, 0)));
    let second = book(
        &app,
        SignLanguageVideo,
        at(day2, 10, 0),
        "b@example.jp",
        None,
    )
    .await
    .unwrap();
    assert_eq!(second.interpreter_id, kondo);

    // Reassignment offers Kondo for Ito's session, never Ito for Kondo's.
    let tz = TOKYO;
    let db = &app.state().db;
    assert_eq!(reassign_choices(db, tz, &first).await.unwrap(), [kondo]);
    assert!(
        reassign_choices(db, tz, &second).await.unwrap().is_empty(),
        "Ito's certification will have expired by then"
    );

    // Moving Ito's session to the day after: Ito cannot keep it, and Kondo takes it.
    assert!(matches!(
        reschedule(&app.uc(), first.id, ChangedBy::Staff, at(day2, 13, 0), true).await,
        Err(BookingError::InterpreterBusy)
    ));
    let moved = reschedule(
        &app.uc(),
        first.id,
        ChangedBy::Staff,
        at(day2, 13, 0),
        false,
    )
    .await
    .unwrap();
    assert_eq!(moved.interpreter_id, kondo);
    let back = reschedule(
        &app.uc(),
        first.id,
        ChangedBy::Staff,
        at(day1, 11, 0),
        false,
    )
    .await
    .unwrap();
    assert_eq!(back.interpreter_id, kondo, "Kondo keeps it where free");

    // A booked session whose interpreter's certification will have expired by its day is
    // on the attention list, with the reason in words. A coordinator records that Ito's
    // certification expired today.
    let third = book(
        &app,
        SignLanguageVideo,
        at(day1, 14, 0),
        "c@example.jp",
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        third.interpreter_id, ito,
        "the least booked on its last day"
    );
    let coordinator = app.english_staff(Role::Coordinator).await;
    let today_key = key(today(&app));
    let shortened = coordinator
        .post(
            &format!("/staff/interpreters/{ito}/qualifications"),
            &[
                ("qualification", "sign_language_interpreter"),
                ("sign_language", "jsl"),
                ("expires_on-sign_language_interpreter", &today_key),
            ],
        )
        .await;
    see_other(&shortened);
    let list = coordinator.get("/staff/schedule/attention").await;
    assert_eq!(
        list.texts("tbody tr td:first-child a"),
        std::slice::from_ref(&third.reference)
    );
    let reason = list.text("tbody");
    assert!(
        reason.contains("qualification as Sign-language interpreter expires on")
            && reason.contains("before the day of this session"),
        "{reason}"
    );
    let session = coordinator
        .get(&format!("/staff/sessions/{}", third.id))
        .await;
    assert!(
        session
            .text("#session-attention")
            .contains("before the day of this session")
    );
    assert_eq!(
        session.attrs("input[name=interpreter]", "value"),
        [kondo.to_string()],
        "Kondo is offered to take it"
    );
    let japanese = app.signed_in(Role::Coordinator).await.0;
    let list = japanese.get("/staff/schedule/attention").await;
    let reason = list.text("tbody");
    assert!(
        reason.contains("このセッションの日には期限が切れています"),
        "{reason}"
    );
}

async fn care_training_goes_first_for_a_customer_with_a_proxy(app: TestApp) {
    use Qualification::{DementiaSupporter, SignLanguageInterpreter};
    app.open_every_day("09:00", "17:00").await;
    let day = tomorrow(&app);
    // Aoki comes first by id; Mori has completed the dementia-supporter course.
    let aoki = app
        .add_interpreter("aoki", &[SignLanguageInterpreter], &[("09:00", "17:00")])
        .await;
    let mori = app
        .add_interpreter(
            "mori",
            &[SignLanguageInterpreter, DementiaSupporter],
            &[("09:00", "17:00")],
        )
        .await;
    assert!(aoki < mori);
    let proxy = "care-proxy@example.jp";
    let customer_email = "hanako@example.jp";
    let r = approved(
        &app,
        &application(
            "山田 花子",
            "やまだ はなこ",
            proxy,
            scopes(true, true, false),
            Some(customer_email),
        ),
    )
    .await;

    // The proxy books through their portal: Mori takes it, though Aoki is free too.
    let browser = proxy_browser(&app, proxy).await;
    let start = browser
        .post(&format!("/proxy/customers/{}/book", r.id), &[])
        .await;
    assert_eq!(see_other(&start), "/book/mode");
    choose_session(&browser, SignLanguageVideo, at(day, 10, 0)).await;
    see_other(
        &browser
            .post(
                "/book/details",
                &[
                    ("name", "山田 花子"),
                    ("email", proxy),
                    ("member_number", "AB12345"),
                    ("topic", "points"),
                    ("sign_language", "jsl"),
                    ("needs", ""),
                ],
            )
            .await,
    );
    assert_eq!(
        see_other(&browser.post("/book/check", &[]).await),
        "/book/confirmation"
    );
    let by_proxy = booking::Entity::find()
        .filter(booking::Column::ProxyRegistrationId.eq(r.id))
        .one(&app.state().db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_proxy.interpreter_id, mori);

    // Someone without a proxy goes to the least booked, Aoki.
    let other = book(
        &app,
        SignLanguageVideo,
        at(day, 11, 0),
        "x@example.jp",
        None,
    )
    .await
    .unwrap();
    assert_eq!(other.interpreter_id, aoki);

    // The customer booking for herself, known by her email address, has a proxy: with one
    // session each, Mori takes it.
    let herself = book(
        &app,
        SignLanguageVideo,
        at(day, 12, 0),
        customer_email,
        None,
    )
    .await
    .unwrap();
    assert_eq!(herself.interpreter_id, mori);

    // The sign language the customer asked for still comes first: once Mori signs only
    // ASL, a proxy's booking for Japanese Sign Language goes to Aoki.
    interpreters::set_qualifications_and_languages(
        &app.uc(),
        mori,
        &[
            QualificationRecord::undated(SignLanguageInterpreter),
            QualificationRecord::undated(DementiaSupporter),
        ],
        &[SignLanguage::Asl],
    )
    .await
    .unwrap();
    let language_first = book(&app, SignLanguageVideo, at(day, 13, 0), proxy, Some(&r))
        .await
        .unwrap();
    assert_eq!(language_first.interpreter_id, aoki);

    // Care training counts only while it holds: with Mori's course expired by the day, a
    // proxy's booking goes by the week's sessions (two each) and the lowest id.
    interpreters::set_qualifications_and_languages(
        &app.uc(),
        mori,
        &[
            QualificationRecord::undated(SignLanguageInterpreter),
            dated(DementiaSupporter, None, Some(today(&app))),
        ],
        &[SignLanguage::Jsl],
    )
    .await
    .unwrap();
    let lapsed = book(&app, SignLanguageVideo, at(day, 14, 0), proxy, Some(&r))
        .await
        .unwrap();
    assert_eq!(lapsed.interpreter_id, aoki);
}
