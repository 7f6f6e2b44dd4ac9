//! Every route of the app in one table, with what it needs: the router is built from this
//! table, and the tests walk it, so no route can be added without its rule.

use super::{AppState, audit, door, outbox, public, setup, staff};
use crate::domain::Permission;
use crate::error::Error;
use crate::services::accounts::{SignedInProxy, SignedInStaff};
use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone.
    Public,
    /// A signed-in staff member whose role holds the permission.
    Staff(Permission),
    /// A signed-in proxy. What they may do for which customer is checked by the handler,
    /// against the registration the route names.
    Proxy,
}

/// The pattern of the route that answered, such as `/bookings/{token}`: what the request
/// log names instead of the path, which may hold a secret token.
#[derive(Debug, Clone, Copy)]
pub struct RouteTemplate(pub &'static str);

/// One route: method, path pattern and access rule.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    /// GET or POST.
    pub method: Method,
    /// The path pattern, such as `/staff/users/{id}`.
    pub path: &'static str,
    /// Who may use it.
    pub access: Access,
}

struct Table {
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
}

impl Table {
    fn add<H, T>(mut self, method: Method, path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = if method == Method::POST {
            post(handler)
        } else {
            get(handler)
        };
        let route = match access {
            Access::Public => route,
            Access::Staff(permission) => {
                route.route_layer(from_fn(move |req: Request, next: Next| {
                    guard(permission, req, next)
                }))
            }
            Access::Proxy => route.route_layer(from_fn(proxy_guard)),
        };
        // Outermost, so that the guards' answers carry the route too.
        let route = route.layer(from_fn(move |req: Request, next: Next| async move {
            let mut response = next.run(req).await;
            response.extensions_mut().insert(RouteTemplate(path));
            response
        }));
        self.router = self.router.route(path, route);
        self.specs.push(RouteSpec {
            method,
            path,
            access,
        });
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Self {
        self.add(Method::GET, path, access, handler)
    }

    fn post<H: Handler<T, AppState>, T: 'static>(
        self,
        path: &'static str,
        access: Access,
        handler: H,
    ) -> Self {
        self.add(Method::POST, path, access, handler)
    }
}

/// Sends an anonymous visitor to sign in, and answers 403 to a staff member who lacks the
/// permission.
async fn guard(permission: Permission, req: Request, next: Next) -> Response {
    match req.extensions().get::<SignedInStaff>() {
        None => {
            let back = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/staff");
            let target = if req.method() == Method::GET {
                back
            } else {
                "/staff"
            };
            Redirect::to(&format!(
                "/staff/login?next={}",
                crate::views::layout::encode(target)
            ))
            .into_response()
        }
        Some(staff) if staff.role.may(permission) => next.run(req).await,
        Some(_) => Error::Forbidden.into_response(),
    }
}

/// Sends a visitor who is not signed in as a proxy to the proxy sign-in page.
async fn proxy_guard(req: Request, next: Next) -> Response {
    if req.extensions().get::<SignedInProxy>().is_some() {
        return next.run(req).await;
    }
    let back = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/proxy");
    let target = if req.method() == Method::GET {
        back
    } else {
        "/proxy"
    };
    Redirect::to(&format!(
        "/proxy/login?next={}",
        crate::views::layout::encode(target)
    ))
    .into_response()
}

/// Builds the router and returns the table it was built from.
pub fn build() -> (Router<AppState>, Vec<RouteSpec>) {
    use Access::*;
    use Permission::*;
    let table = Table {
        router: Router::new(),
        specs: Vec::new(),
    }
    .get("/", Public, public::home)
    .get("/accessibility", Public, public::accessibility)
    .get("/preferences", Public, public::preferences)
    .post("/preferences", Public, public::save_preferences)
    .get("/language/{code}", Public, public::language)
    .get("/healthz", Public, public::healthz)
    .get("/assets/{name}", Public, public::asset)
    .get("/setup/{token}", Public, setup::form)
    .post("/setup/{token}", Public, setup::submit)
    // The doors: one set of handlers for both realms, which read the realm from the path.
    .get("/staff/login", Public, door::login_form)
    .post("/staff/login", Public, door::sign_in)
    .get("/staff/forgot", Public, door::forgot_form)
    .post("/staff/forgot", Public, door::forgot)
    .get("/staff/reset/{token}", Public, door::link_form)
    .post("/staff/reset/{token}", Public, door::link_save)
    .get("/staff/invitation/{token}", Public, door::link_form)
    .post("/staff/invitation/{token}", Public, door::link_save)
    .post("/staff/logout", Staff(ViewDashboard), door::sign_out)
    .get("/staff", Staff(ViewDashboard), staff::dashboard)
    .get(
        "/staff/password",
        Staff(ChangeOwnPassword),
        staff::password_form,
    )
    .post(
        "/staff/password",
        Staff(ChangeOwnPassword),
        staff::change_password,
    )
    .get("/staff/users", Staff(ManageStaff), staff::users)
    .get("/staff/users/new", Staff(ManageStaff), staff::user_new_form)
    .post("/staff/users/new", Staff(ManageStaff), staff::user_create)
    .get(
        "/staff/users/{id}",
        Staff(ManageStaff),
        staff::user_edit_form,
    )
    .post("/staff/users/{id}", Staff(ManageStaff), staff::user_update)
    .post(
        "/staff/users/{id}/deactivate",
        Staff(ManageStaff),
        staff::user_deactivate,
    )
    .post(
        "/staff/users/{id}/reactivate",
        Staff(ManageStaff),
        staff::user_reactivate,
    )
    .post(
        "/staff/users/{id}/invite",
        Staff(ManageStaff),
        staff::user_reinvite,
    )
    .get("/staff/audit", Staff(ViewAudit), audit::audit)
    .get("/staff/outbox", Staff(ViewOutbox), outbox::page)
    .post("/staff/outbox/{id}/retry", Staff(ViewOutbox), outbox::retry);
    // The public booking journey and manage links.
    let table = book_routes(table);
    // Senior Support: the application, the proxy's portal, and staff verification.
    let table = proxy_routes(table);
    // Staff scheduling: board, sessions, interpreters, desk settings.
    let table = schedule_routes(table);
    // Support requests: the public journey and thread, the proxy's, and the staff queue.
    let table = request_routes(table);
    // The desk's written ways in, and a customer's "this was not me".
    let table = contact_routes(table);
    (table.router, table.specs)
}

fn book_routes(table: Table) -> Table {
    use super::book::{journey as book, manage};
    use Access::Public;
    table
        .get("/book", Public, book::start)
        .get("/book/mode", Public, book::mode_form)
        .post("/book/mode", Public, book::mode_save)
        .get("/book/day", Public, book::day_form)
        .post("/book/day", Public, book::day_save)
        .get("/book/time", Public, book::time_form)
        .post("/book/time", Public, book::time_save)
        .get("/book/details", Public, book::details_form)
        .post("/book/details", Public, book::details_save)
        .get("/book/check", Public, book::check_form)
        .post("/book/check", Public, book::confirm)
        .get("/book/confirmation", Public, book::confirmation)
        .get("/bookings/{token}", Public, manage::manage)
        .get("/bookings/{token}/cancel", Public, manage::cancel_form)
        .post("/bookings/{token}/cancel", Public, manage::cancel)
        .get("/bookings/{token}/reschedule", Public, manage::move_day)
        .get(
            "/bookings/{token}/reschedule/time",
            Public,
            manage::move_time,
        )
        .post("/bookings/{token}/reschedule", Public, manage::move_save)
}

fn proxy_routes(table: Table) -> Table {
    use super::{
        door, journey, proxy_apply as apply, proxy_portal as portal, staff_proxies as staff,
    };
    use crate::domain::proxy::ApplicationDraft;
    use Access::{Proxy, Public, Staff};
    use Permission::*;
    table
        .get("/proxy/apply", Public, journey::start::<ApplicationDraft>)
        .get(
            "/proxy/apply/check",
            Public,
            journey::check_form::<ApplicationDraft>,
        )
        .post("/proxy/apply/check", Public, apply::submit)
        .get("/proxy/apply/confirmation", Public, apply::confirmation)
        .get(
            "/proxy/apply/{step}",
            Public,
            journey::step_form::<ApplicationDraft>,
        )
        .post(
            "/proxy/apply/{step}",
            Public,
            journey::step_save::<ApplicationDraft>,
        )
        .get("/proxy/revoke", Public, apply::end_form)
        .post("/proxy/revoke", Public, apply::end_save)
        .get("/proxy/revoke/sent", Public, apply::end_sent)
        .get("/proxy/login", Public, door::login_form)
        .post("/proxy/login", Public, door::sign_in)
        .get("/proxy/forgot", Public, door::forgot_form)
        .post("/proxy/forgot", Public, door::forgot)
        .get("/proxy/activate/{token}", Public, door::link_form)
        .post("/proxy/activate/{token}", Public, door::link_save)
        .get("/proxy/reset/{token}", Public, door::link_form)
        .post("/proxy/reset/{token}", Public, door::link_save)
        .post("/proxy/logout", Proxy, door::sign_out)
        .get("/proxy", Proxy, portal::portal)
        .get("/proxy/customers/{id}", Proxy, portal::customer)
        .post("/proxy/customers/{id}/book", Proxy, portal::book)
        .post(
            "/proxy/customers/{id}/sessions/{booking_id}/manage",
            Proxy,
            portal::manage,
        )
        .get(
            "/proxy/customers/{id}/step-down",
            Proxy,
            portal::step_down_form,
        )
        .post("/proxy/customers/{id}/step-down", Proxy, portal::step_down)
        .post("/proxy/customers/{id}/renew", Proxy, portal::renew)
        .get("/staff/proxies", Staff(VerifyProxies), staff::queue)
        .get(
            "/staff/proxies/end-requests",
            Staff(VerifyProxies),
            staff::end_requests,
        )
        .post(
            "/staff/proxies/end-requests/{id}/confirm",
            Staff(VerifyProxies),
            staff::confirm_end,
        )
        .post(
            "/staff/proxies/end-requests/{id}/decline",
            Staff(VerifyProxies),
            staff::decline_end,
        )
        .get("/staff/proxies/{id}", Staff(VerifyProxies), staff::detail)
        .post(
            "/staff/proxies/{id}/review",
            Staff(VerifyProxies),
            staff::start_review,
        )
        .post(
            "/staff/proxies/{id}/documents",
            Staff(VerifyProxies),
            staff::record_documents,
        )
        .post(
            "/staff/proxies/{id}/consent",
            Staff(VerifyProxies),
            staff::record_consent,
        )
        .post(
            "/staff/proxies/{id}/approve",
            Staff(VerifyProxies),
            staff::approve,
        )
        .post(
            "/staff/proxies/{id}/reject",
            Staff(VerifyProxies),
            staff::reject,
        )
        .post(
            "/staff/proxies/{id}/revoke",
            Staff(VerifyProxies),
            staff::revoke,
        )
        .post(
            "/staff/proxies/{id}/renew",
            Staff(VerifyProxies),
            staff::renew,
        )
        .get(
            "/staff/settings/proxies",
            Staff(ManageDeskSettings),
            staff::settings_form,
        )
        .post(
            "/staff/settings/proxies",
            Staff(ManageDeskSettings),
            staff::settings_save,
        )
}

fn schedule_routes(table: Table) -> Table {
    use super::schedule;
    use Access::Staff;
    use Permission::*;
    // Routes under `ViewDashboard` serve coordinators for anyone and an interpreter for
    // their own sessions and page; the handler answers 404 for anything else.
    table
        .get("/staff/schedule", Staff(ManageSchedule), schedule::board)
        .get(
            "/staff/schedule/attention",
            Staff(ManageSchedule),
            schedule::attention_list,
        )
        .get(
            "/staff/sessions/{id}",
            Staff(ViewDashboard),
            schedule::session,
        )
        .post(
            "/staff/sessions/{id}/reassign",
            Staff(ManageSchedule),
            schedule::reassign,
        )
        .post(
            "/staff/sessions/{id}/ask-new-time",
            Staff(ManageSchedule),
            schedule::ask_new_time,
        )
        .post(
            "/staff/sessions/{id}/outcome",
            Staff(ManageSchedule),
            schedule::outcome,
        )
        .post(
            "/staff/sessions/{id}/notes",
            Staff(ViewDashboard),
            schedule::add_note,
        )
        .get(
            "/staff/sessions/{id}/cancel",
            Staff(ManageSchedule),
            schedule::cancel_form,
        )
        .post(
            "/staff/sessions/{id}/cancel",
            Staff(ManageSchedule),
            schedule::cancel,
        )
        .get(
            "/staff/my-sessions",
            Staff(ManageOwnSessions),
            schedule::my_sessions,
        )
        .get(
            "/staff/availability",
            Staff(ManageOwnSessions),
            schedule::my_availability,
        )
        .get(
            "/staff/interpreters",
            Staff(ManageSchedule),
            schedule::interpreters_list,
        )
        .get(
            "/staff/interpreters/{id}",
            Staff(ViewDashboard),
            schedule::interpreter_page,
        )
        .post(
            "/staff/interpreters/{id}/weekly",
            Staff(ViewDashboard),
            schedule::save_weekly,
        )
        .post(
            "/staff/interpreters/{id}/qualifications",
            Staff(ManageSchedule),
            schedule::save_qualifications,
        )
        .post(
            "/staff/interpreters/{id}/email-language",
            Staff(ViewDashboard),
            schedule::save_email_lang,
        )
        .post(
            "/staff/interpreters/{id}/exceptions",
            Staff(ViewDashboard),
            schedule::add_exception,
        )
        .post(
            "/staff/interpreters/{id}/exceptions/{exception_id}/delete",
            Staff(ViewDashboard),
            schedule::remove_exception,
        )
        .get(
            "/staff/settings/sessions",
            Staff(ManageDeskSettings),
            schedule::settings,
        )
        .post(
            "/staff/settings/sessions/{mode}",
            Staff(ManageDeskSettings),
            schedule::save_rules,
        )
        .post(
            "/staff/settings/reminders",
            Staff(ManageDeskSettings),
            schedule::save_reminders,
        )
        .post(
            "/staff/settings/video-rooms",
            Staff(ManageDeskSettings),
            schedule::save_room_template,
        )
        .post(
            "/staff/settings/hours",
            Staff(ManageDeskSettings),
            schedule::save_hours,
        )
        .get(
            "/staff/settings/closed-days",
            Staff(ManageDeskSettings),
            schedule::closed_days,
        )
        .post(
            "/staff/settings/closed-days",
            Staff(ManageDeskSettings),
            schedule::close_day,
        )
        .post(
            "/staff/settings/closed-days/rules",
            Staff(ManageDeskSettings),
            schedule::save_closure_rules,
        )
        .post(
            "/staff/settings/closed-days/{day}/delete",
            Staff(ManageDeskSettings),
            schedule::reopen_day,
        )
        .post(
            "/staff/settings/closed-days/{day}/restore",
            Staff(ManageDeskSettings),
            schedule::close_again,
        )
}

fn contact_routes(table: Table) -> Table {
    use super::{contact, not_me};
    use Access::{Public, Staff};
    use Permission::*;
    table
        .get(
            "/staff/settings/contact",
            Staff(ManageDeskSettings),
            contact::settings_form,
        )
        .post(
            "/staff/settings/contact",
            Staff(ManageDeskSettings),
            contact::settings_save,
        )
        .get("/proxy/not-me/{token}", Public, not_me::form)
        .post("/proxy/not-me/{token}", Public, not_me::stop)
}

fn request_routes(table: Table) -> Table {
    use super::{journey, proxy_portal as portal, requests, staff_requests as staff};
    use crate::domain::request::RequestDraft;
    use Access::{Proxy, Public, Staff};
    use Permission::*;
    table
        .get("/requests/new", Public, journey::start::<RequestDraft>)
        .get("/requests/new/lost-card", Public, requests::lost_card)
        .get(
            "/requests/new/check",
            Public,
            journey::check_form::<RequestDraft>,
        )
        .post("/requests/new/check", Public, requests::submit)
        .get("/requests/new/confirmation", Public, requests::confirmation)
        .get(
            "/requests/new/{step}",
            Public,
            journey::step_form::<RequestDraft>,
        )
        .post(
            "/requests/new/{step}",
            Public,
            journey::step_save::<RequestDraft>,
        )
        .get("/requests/{token}", Public, requests::thread)
        .post("/requests/{token}", Public, requests::add_message)
        .post("/requests/{token}/book", Public, requests::book)
        .post("/proxy/customers/{id}/ask", Proxy, portal::ask)
        .get(
            "/proxy/customers/{id}/requests/{request_id}",
            Proxy,
            portal::request_thread,
        )
        .post(
            "/proxy/customers/{id}/requests/{request_id}",
            Proxy,
            portal::request_message,
        )
        .post(
            "/proxy/customers/{id}/requests/{request_id}/book",
            Proxy,
            portal::request_book,
        )
        .get("/staff/requests", Staff(HandleRequests), staff::queue)
        .get("/staff/requests/{id}", Staff(HandleRequests), staff::detail)
        .post(
            "/staff/requests/{id}/reply",
            Staff(HandleRequests),
            staff::reply,
        )
        .post(
            "/staff/requests/{id}/note",
            Staff(HandleRequests),
            staff::note,
        )
        .post(
            "/staff/requests/{id}/assign",
            Staff(HandleRequests),
            staff::assign,
        )
        .post(
            "/staff/requests/{id}/status",
            Staff(HandleRequests),
            staff::status,
        )
        .get(
            "/staff/settings/requests",
            Staff(ManageDeskSettings),
            staff::settings_form,
        )
        .post(
            "/staff/settings/requests",
            Staff(ManageDeskSettings),
            staff::settings_save,
        )
}

/// The route table, for tests and documentation.
pub fn table() -> Vec<RouteSpec> {
    build().1
}
