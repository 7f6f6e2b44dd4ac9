//! The published customer-harassment policy: the page in both languages, and the links to
//! it from the footer of every page and from the start page.

use crate::db_tests;
use crate::support::{Page, TestApp};
use reqwest::StatusCode;
use yorisoi::domain::incident::Category;

const POLICY: &str = "/policy/customer-harassment";

db_tests!(
    the_policy_reads_in_japanese,
    the_policy_reads_in_english,
    every_page_links_to_the_policy,
);

/// Each `h2` of the page's sections, with the `id` the contents list links to, in order.
fn section_ids(page: &Page) -> Vec<String> {
    page.attrs("main h2[id]", "id")
        .into_iter()
        .filter(|id| id != "policy-contents")
        .collect()
}

async fn the_policy_reads_in_japanese(app: TestApp) {
    let page = app.browser().get(POLICY).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.attr("html", "lang").as_deref(), Some("ja"));
    assert_eq!(page.texts("h1"), vec!["カスタマーハラスメントに対する方針"]);
    assert!(
        page.title()
            .starts_with("カスタマーハラスメントに対する方針")
    );

    let sections = page.texts("main h2[id]:not(#policy-contents)");
    assert_eq!(
        sections,
        vec![
            "この方針を定める理由",
            "ハラスメントにあたる行為",
            "ハラスメントにあたらないこと",
            "私たちの対応",
            "職員を守るための取り組み",
            "この方針についてのご質問・ご意見",
            "適用の開始日",
        ],
        "the sections, what is never harassment before what the desk does"
    );
    assert!(page.body.contains("厚生労働省"), "the ministry's manual");
    assert!(
        page.body.contains("暴言・侮辱・誹謗中傷"),
        "a category's name"
    );
    assert!(
        page.body.contains("ゆっくり進める"),
        "asking for a slower pace is never harassment"
    );
    assert!(
        page.body.contains("カードの紛失や盗難をお知らせになること"),
        "reporting a lost card is never harassment"
    );
    assert!(
        page.text("#effective-date + p").contains("2026年12月1日"),
        "the effective date, written the Japanese way"
    );
    assert!(
        yorisoi::i18n::missing_keys().is_empty(),
        "{:?}",
        yorisoi::i18n::missing_keys()
    );
}

async fn the_policy_reads_in_english(app: TestApp) {
    let page = app
        .browser()
        .get_with(POLICY, &[("accept-language", "en")])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.attr("html", "lang").as_deref(), Some("en"));
    assert_eq!(page.texts("h1"), vec!["Customer harassment policy"]);

    // The contents list leads to each section, in the order they come.
    let ids = section_ids(&page);
    assert_eq!(
        ids,
        vec![
            "why",
            "harassment",
            "never-harassment",
            "what-we-do",
            "staff",
            "questions",
            "effective-date"
        ]
    );
    let contents: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
    assert_eq!(
        page.attrs("nav[aria-labelledby=policy-contents] a", "href"),
        contents
    );
    assert_eq!(
        page.texts("nav[aria-labelledby=policy-contents] a"),
        page.texts("main h2[id]:not(#policy-contents)"),
        "each contents link says its section's heading"
    );

    // One named category a line, the names staff will file incidents under.
    let names = page.texts("#harassment ~ ul > li > strong");
    assert_eq!(names.len(), Category::ALL.len(), "{names:?}");
    assert!(names.contains(&"Sexual harassment".to_owned()));
    assert!(names.contains(&"Invading staff privacy".to_owned()));

    let never = page.texts("#never-harassment ~ ul > li");
    assert!(
        never.iter().any(|item| item.contains("a slower pace")
            && item.contains("an explanation again (and again)")),
        "asking for an accommodation is never harassment: {never:?}"
    );
    assert!(
        never.contains(
            &"reporting a lost or stolen card, or telling us that your card has been used \
              without your permission"
                .to_owned()
        ),
        "reporting a lost card is never harassment: {never:?}"
    );
    // The ways that stay open lead to their pages.
    assert_eq!(
        page.attr("main a[href='/requests/new/lost-card']", "href")
            .as_deref(),
        Some("/requests/new/lost-card")
    );
    assert!(page.attr("main a[href='/proxy/revoke']", "href").is_some());

    let steps = page.texts("#what-we-do ~ ol > li");
    assert_eq!(steps.len(), 7, "{steps:?}");
    assert!(steps[0].starts_with("We answer courteously"));
    assert!(steps[5].contains("Two people at the desk must agree"));
    assert!(
        page.body
            .contains("decided by a supervisor who did not impose the measure")
    );

    // Questions go to the usual ways of writing to the desk.
    assert!(
        page.attr(".write-to-us a[href='/requests/new']", "href")
            .is_some()
    );
    assert_eq!(
        page.text("#effective-date + p"),
        "This policy applies from 1 Dec 2026."
    );
}

async fn every_page_links_to_the_policy(app: TestApp) {
    let browser = app.english_browser().await;
    for path in [
        "/",
        "/book",
        "/requests/new",
        "/proxy/apply",
        "/accessibility",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(
            page.attr(&format!("footer a[href='{POLICY}']"), "href")
                .as_deref(),
            Some(POLICY),
            "the footer of {path} links to the policy"
        );
    }
    let home = browser.get("/").await;
    assert_eq!(
        home.texts(&format!("main a[href='{POLICY}']")),
        vec!["Read our customer harassment policy"],
        "the start page's help list links to the policy"
    );
    let policy = browser.get(POLICY).await;
    assert_eq!(policy.status, StatusCode::OK);
    assert!(
        policy
            .headers
            .get("cache-control")
            .is_some_and(|v| v == "no-cache"),
        "the same page for everyone, kept and checked again"
    );
}
