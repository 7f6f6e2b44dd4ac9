//! Every route in the route table, tried by every role and by an anonymous visitor.

use crate::support::{Backend, Browser, PASSWORD, Page, TestApp};
use reqwest::StatusCode;
use yorisoi::domain::Role;
use yorisoi::web::{Access, routes};

fn concrete(path: &str, user_id: i64) -> String {
    path.replace("{id}", &user_id.to_string())
}

/// A staff member of one role, signed in once for the whole walk.
struct Member {
    role: Role,
    email: String,
    browser: Browser,
}

impl Member {
    async fn new(app: &TestApp, role: Role) -> Member {
        let email = format!("walk-{}@example.jp", role.as_str());
        app.create_staff(&email, role).await;
        Member {
            role,
            browser: app.sign_in_as(&email).await,
            email,
        }
    }

    /// Signs in again after an answer that ended the session (signing out does), so that
    /// every route is still tried signed in.
    async fn stay_signed_in(&self, page: &Page) {
        let ended = page
            .set_cookies()
            .iter()
            .any(|c| c.to_ascii_lowercase().contains("max-age=0"));
        if ended {
            let again = self.browser.sign_in(&self.email, PASSWORD).await;
            assert_eq!(again.status, StatusCode::SEE_OTHER, "{:?}", self.role);
        }
    }
}

async fn walk(backend: Backend) {
    let Some(app) = TestApp::spawn(backend, |_| {}).await else {
        eprintln!("skipped on PostgreSQL: TEST_POSTGRES_URL is not set");
        return;
    };
    // A target account that no request below can harm for the others: actions on it succeed
    // or are refused, and no request names a walking member's own account.
    let target = app
        .create_staff("target@example.jp", Role::Interpreter)
        .await;
    let mut members = Vec::new();
    for role in Role::ALL {
        members.push(Member::new(&app, role).await);
    }
    let mut checked = 0;
    for route in routes::table() {
        let Access::Staff(permission) = route.access else {
            continue;
        };
        let path = concrete(route.path, target);

        let anonymous = app.browser();
        let page = if route.method == "GET" {
            anonymous.get(&path).await
        } else {
            anonymous.post(&path, &[]).await
        };
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "anonymous {} {path}",
            route.method
        );
        assert!(
            page.location().unwrap().starts_with("/staff/login?next="),
            "anonymous {} {path}",
            route.method
        );

        for member in &members {
            let (role, browser) = (member.role, &member.browser);
            let page = if route.method == "GET" {
                browser.get(&path).await
            } else {
                browser.post(&path, &[]).await
            };
            if role.may(permission) {
                assert!(
                    page.status != StatusCode::FORBIDDEN
                        && !page
                            .location()
                            .unwrap_or("")
                            .starts_with("/staff/login?next="),
                    "{role:?} may {} {path} but got {}",
                    route.method,
                    page.status
                );
                assert!(
                    !page.status.is_server_error(),
                    "{role:?} {} {path}: {}",
                    route.method,
                    page.status
                );
            } else {
                assert_eq!(
                    page.status,
                    StatusCode::FORBIDDEN,
                    "{role:?} may not {} {path}",
                    route.method
                );
                assert_eq!(page.texts("h1").len(), 1, "the 403 page is in the layout");
            }
            member.stay_signed_in(&page).await;
            checked += 1;
        }
    }
    assert!(
        checked >= 4 * 10,
        "every staff route was walked ({checked} checks)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_staff_route_for_every_role_on_sqlite() {
    walk(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_staff_route_for_every_role_on_postgres() {
    walk(Backend::Postgres).await;
}

#[test]
fn every_staff_route_declares_a_permission_and_public_routes_are_few() {
    let table = routes::table();
    // The only staff pages open to anyone are the ways in: sign-in and the emailed links.
    let ways_in = [
        "/staff/login",
        "/staff/forgot",
        "/staff/reset/{token}",
        "/staff/invitation/{token}",
    ];
    for route in &table {
        if route.path.starts_with("/staff") && !ways_in.contains(&route.path) {
            assert!(
                matches!(route.access, Access::Staff(_)),
                "{} {} has no permission",
                route.method,
                route.path
            );
        }
    }
    let public: Vec<_> = table
        .iter()
        .filter(|r| r.access == Access::Public)
        .map(|r| r.path)
        .collect();
    assert!(
        public
            .iter()
            .all(|p| !p.starts_with("/staff") || ways_in.contains(p)),
        "{public:?}"
    );
}
