//! Every route of the app in one table, with what it needs: the router is built from this
//! table, and the tests walk it, so no route can be added without its rule.

use super::{AppState, audit, door, outbox, public, setup, staff, staff_room};
use crate::domain::Permission;
use crate::error::Error;
use crate::paths;
use crate::services::accounts::{SignedInProxy, SignedInStaff};
use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

mod feedback;
mod feedback_measures;
mod improvements;
mod incidents;
mod qualifications;

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
                .unwrap_or(paths::staff::HOME);
            let target = if req.method() == Method::GET {
                back
            } else {
                paths::staff::HOME
            };
            Redirect::to(&format!(
                "{}?next={}",
                paths::staff::LOGIN,
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
        .unwrap_or(paths::proxy::HOME);
    let target = if req.method() == Method::GET {
        back
    } else {
        paths::proxy::HOME
    };
    Redirect::to(&format!(
        "{}?next={}",
        paths::proxy::LOGIN,
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
    .get(paths::public::HOME, Public, public::home)
    .get(paths::public::ACCESSIBILITY, Public, public::accessibility)
    .get(paths::public::POLICY, Public, public::policy)
    .get(paths::public::PREFERENCES, Public, public::preferences)
    .post(paths::public::PREFERENCES, Public, public::save_preferences)
    .get(paths::public::LANGUAGE, Public, public::language)
    .get(paths::public::HEALTHZ, Public, public::healthz)
    .get(paths::public::ASSET, Public, public::asset)
    .get(paths::public::SETUP, Public, setup::form)
    .post(paths::public::SETUP, Public, setup::submit)
    // The doors: one set of handlers for both realms, which read the realm from the path.
    .get(paths::staff::LOGIN, Public, door::login_form)
    .post(paths::staff::LOGIN, Public, door::sign_in)
    .get(paths::staff::FORGOT, Public, door::forgot_form)
    .post(paths::staff::FORGOT, Public, door::forgot)
    .get(paths::staff::RESET, Public, door::link_form)
    .post(paths::staff::RESET, Public, door::link_save)
    .get(paths::staff::INVITATION, Public, door::link_form)
    .post(paths::staff::INVITATION, Public, door::link_save)
    .post(paths::staff::LOGOUT, Staff(ViewDashboard), door::sign_out)
    .get(paths::staff::HOME, Staff(ViewDashboard), staff::dashboard)
    .get(
        paths::staff::PASSWORD,
        Staff(ChangeOwnPassword),
        staff::password_form,
    )
    .post(
        paths::staff::PASSWORD,
        Staff(ChangeOwnPassword),
        staff::change_password,
    )
    // Saved phrases: everyone who may be in a chat room keeps their own.
    .get(
        paths::staff::PHRASES,
        Staff(ViewDashboard),
        staff_room::phrases,
    )
    .post(
        paths::staff::PHRASES,
        Staff(ViewDashboard),
        staff_room::add_phrase,
    )
    .post(
        paths::staff::PHRASE_DELETE,
        Staff(ViewDashboard),
        staff_room::remove_phrase,
    )
    .get(paths::staff::USERS, Staff(ManageStaff), staff::users)
    .get(
        paths::staff::USER_NEW,
        Staff(ManageStaff),
        staff::user_new_form,
    )
    .post(
        paths::staff::USER_NEW,
        Staff(ManageStaff),
        staff::user_create,
    )
    .get(
        paths::staff::USER,
        Staff(ManageStaff),
        staff::user_edit_form,
    )
    .post(paths::staff::USER, Staff(ManageStaff), staff::user_update)
    .post(
        paths::staff::USER_DEACTIVATE,
        Staff(ManageStaff),
        staff::user_deactivate,
    )
    .post(
        paths::staff::USER_REACTIVATE,
        Staff(ManageStaff),
        staff::user_reactivate,
    )
    .post(
        paths::staff::USER_INVITE,
        Staff(ManageStaff),
        staff::user_reinvite,
    )
    .get(paths::staff::AUDIT, Staff(ViewAudit), audit::audit)
    .get(paths::staff::OUTBOX, Staff(ViewOutbox), outbox::page)
    .post(paths::staff::OUTBOX_RETRY, Staff(ViewOutbox), outbox::retry);
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
    // Customer-harassment incidents and calls for support.
    let table = incidents::incident_routes(table);
    // Repeated contact after a resolved matter, and how long incidents are kept.
    let table = incidents::signal_routes(table);
    // The voice of the customer: feedback forms and their triage.
    let table = feedback::feedback_routes(table);
    // The measures of customer feedback, and its CSV.
    let table = feedback_measures::measure_routes(table);
    // Improvement cases, and the public "you said, we did" page.
    let table = improvements::improvement_routes(table);
    // Staff qualifications and when they expire.
    let table = qualifications::qualification_routes(table);
    (table.router, table.specs)
}

fn book_routes(table: Table) -> Table {
    use super::booking::{journey as book, manage};
    use super::{chat, chat_live};
    use Access::Public;
    table
        .get(paths::booking::START, Public, book::start)
        .get(paths::booking::MODE, Public, book::mode_form)
        .post(paths::booking::MODE, Public, book::mode_save)
        .get(paths::booking::DAY, Public, book::day_form)
        .post(paths::booking::DAY, Public, book::day_save)
        .get(paths::booking::TIME, Public, book::time_form)
        .post(paths::booking::TIME, Public, book::time_save)
        .get(paths::booking::DETAILS, Public, book::details_form)
        .post(paths::booking::DETAILS, Public, book::details_save)
        .get(paths::booking::CHECK, Public, book::check_form)
        .post(paths::booking::CHECK, Public, book::confirm)
        .get(paths::booking::LIMITED, Public, book::limited)
        .get(paths::booking::CONFIRMATION, Public, book::confirmation)
        .get(paths::booking::MANAGE, Public, manage::manage)
        .get(paths::booking::CANCEL, Public, manage::cancel_form)
        .post(paths::booking::CANCEL, Public, manage::cancel)
        .get(paths::booking::MOVE, Public, manage::move_day)
        .get(paths::booking::MOVE_TIME, Public, manage::move_time)
        .post(paths::booking::MOVE, Public, manage::move_save)
        .get(paths::booking::CHAT, Public, chat::customer_room)
        .post(paths::booking::CHAT, Public, chat::customer_post)
        .get(
            paths::booking::CHAT_EVENTS,
            Public,
            chat_live::customer_events,
        )
        .post(
            paths::booking::CHAT_TRANSCRIPT,
            Public,
            chat::customer_transcript,
        )
}

fn proxy_routes(table: Table) -> Table {
    use super::{
        door, journey, proxy_apply as apply, proxy_portal as portal, staff_proxies as staff,
    };
    use crate::domain::proxy::ApplicationDraft;
    use Access::{Proxy, Public, Staff};
    use Permission::*;
    table
        .get(
            paths::proxy::APPLY,
            Public,
            journey::start::<ApplicationDraft>,
        )
        .get(
            paths::proxy::APPLY_CHECK,
            Public,
            journey::check_form::<ApplicationDraft>,
        )
        .post(paths::proxy::APPLY_CHECK, Public, apply::submit)
        .get(
            paths::proxy::APPLY_CONFIRMATION,
            Public,
            apply::confirmation,
        )
        .get(
            paths::proxy::APPLY_STEP,
            Public,
            journey::step_form::<ApplicationDraft>,
        )
        .post(
            paths::proxy::APPLY_STEP,
            Public,
            journey::step_save::<ApplicationDraft>,
        )
        .get(paths::proxy::REVOKE, Public, apply::end_form)
        .post(paths::proxy::REVOKE, Public, apply::end_save)
        .get(paths::proxy::REVOKE_SENT, Public, apply::end_sent)
        .get(paths::proxy::LOGIN, Public, door::login_form)
        .post(paths::proxy::LOGIN, Public, door::sign_in)
        .get(paths::proxy::FORGOT, Public, door::forgot_form)
        .post(paths::proxy::FORGOT, Public, door::forgot)
        .get(paths::proxy::ACTIVATE, Public, door::link_form)
        .post(paths::proxy::ACTIVATE, Public, door::link_save)
        .get(paths::proxy::RESET, Public, door::link_form)
        .post(paths::proxy::RESET, Public, door::link_save)
        .post(paths::proxy::LOGOUT, Proxy, door::sign_out)
        .get(paths::proxy::HOME, Proxy, portal::portal)
        .get(paths::proxy::CUSTOMER, Proxy, portal::customer)
        .post(paths::proxy::CUSTOMER_BOOK, Proxy, portal::book)
        .post(paths::proxy::CUSTOMER_SESSION, Proxy, portal::manage)
        .post(paths::proxy::CUSTOMER_SESSION_CHAT, Proxy, portal::chat)
        .get(paths::proxy::STEP_DOWN, Proxy, portal::step_down_form)
        .post(paths::proxy::STEP_DOWN, Proxy, portal::step_down)
        .post(paths::proxy::RENEW, Proxy, portal::renew)
        .get(paths::staff::PROXIES, Staff(VerifyProxies), staff::queue)
        .get(
            paths::staff::PROXY_END_REQUESTS,
            Staff(VerifyProxies),
            staff::end_requests,
        )
        .post(
            paths::staff::PROXY_END_CONFIRM,
            Staff(VerifyProxies),
            staff::confirm_end,
        )
        .post(
            paths::staff::PROXY_END_DECLINE,
            Staff(VerifyProxies),
            staff::decline_end,
        )
        .get(paths::staff::PROXY, Staff(VerifyProxies), staff::detail)
        .post(
            paths::staff::PROXY_REVIEW,
            Staff(VerifyProxies),
            staff::start_review,
        )
        .post(
            paths::staff::PROXY_DOCUMENTS,
            Staff(VerifyProxies),
            staff::record_documents,
        )
        .post(
            paths::staff::PROXY_CONSENT,
            Staff(VerifyProxies),
            staff::record_consent,
        )
        .post(
            paths::staff::PROXY_APPROVE,
            Staff(VerifyProxies),
            staff::approve,
        )
        .post(
            paths::staff::PROXY_REJECT,
            Staff(VerifyProxies),
            staff::reject,
        )
        .post(
            paths::staff::PROXY_REVOKE,
            Staff(VerifyProxies),
            staff::revoke,
        )
        .post(
            paths::staff::PROXY_RENEW,
            Staff(VerifyProxies),
            staff::renew,
        )
        .get(
            paths::staff::SETTINGS_PROXIES,
            Staff(ManageDeskSettings),
            staff::settings_form,
        )
        .post(
            paths::staff::SETTINGS_PROXIES,
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
        .get(
            paths::staff::SCHEDULE,
            Staff(ManageSchedule),
            schedule::board,
        )
        .get(
            paths::staff::ATTENTION,
            Staff(ManageSchedule),
            schedule::attention_list,
        )
        .get(
            paths::staff::SESSION,
            Staff(ViewDashboard),
            schedule::session,
        )
        .post(
            paths::staff::SESSION_REASSIGN,
            Staff(ManageSchedule),
            schedule::reassign,
        )
        .post(
            paths::staff::SESSION_ASK_NEW_TIME,
            Staff(ManageSchedule),
            schedule::ask_new_time,
        )
        .post(
            paths::staff::SESSION_OUTCOME,
            Staff(ManageSchedule),
            schedule::outcome,
        )
        .post(
            paths::staff::SESSION_NOTES,
            Staff(ViewDashboard),
            schedule::add_note,
        )
        .get(
            paths::staff::SESSION_CANCEL,
            Staff(ManageSchedule),
            schedule::cancel_form,
        )
        .post(
            paths::staff::SESSION_CANCEL,
            Staff(ManageSchedule),
            schedule::cancel,
        )
        // The assigned staff member and those who run the schedule; checked in the handler.
        .get(
            paths::staff::SESSION_CHAT,
            Staff(ViewDashboard),
            super::chat::staff_room,
        )
        .post(
            paths::staff::SESSION_CHAT,
            Staff(ViewDashboard),
            super::chat::staff_post,
        )
        .get(
            paths::staff::SESSION_CHAT_EVENTS,
            Staff(ViewDashboard),
            super::chat_live::staff_events,
        )
        .post(
            paths::staff::SESSION_CHAT_OPEN,
            Staff(ViewDashboard),
            super::chat::staff_open,
        )
        .post(
            paths::staff::SESSION_CHAT_END,
            Staff(ViewDashboard),
            super::chat::staff_end,
        )
        .post(
            paths::staff::SESSION_CHAT_NOTES,
            Staff(ViewDashboard),
            super::staff_room::add_note,
        )
        .get(
            paths::staff::MY_SESSIONS,
            Staff(ManageOwnSessions),
            schedule::my_sessions,
        )
        .get(
            paths::staff::AVAILABILITY,
            Staff(ManageOwnSessions),
            schedule::my_availability,
        )
        .get(
            paths::staff::INTERPRETERS,
            Staff(ManageSchedule),
            schedule::interpreters_list,
        )
        .get(
            paths::staff::INTERPRETER,
            Staff(ViewDashboard),
            schedule::interpreter_page,
        )
        .post(
            paths::staff::INTERPRETER_WEEKLY,
            Staff(ViewDashboard),
            schedule::save_weekly,
        )
        .post(
            paths::staff::INTERPRETER_QUALIFICATIONS,
            Staff(ManageSchedule),
            schedule::save_qualifications,
        )
        .post(
            paths::staff::INTERPRETER_EMAIL_LANGUAGE,
            Staff(ViewDashboard),
            schedule::save_email_lang,
        )
        .post(
            paths::staff::INTERPRETER_EXCEPTIONS,
            Staff(ViewDashboard),
            schedule::add_exception,
        )
        .post(
            paths::staff::INTERPRETER_EXCEPTION_DELETE,
            Staff(ViewDashboard),
            schedule::remove_exception,
        )
        .get(
            paths::staff::SETTINGS_SESSIONS,
            Staff(ManageDeskSettings),
            schedule::settings,
        )
        .post(
            paths::staff::SETTINGS_SESSION_MODE,
            Staff(ManageDeskSettings),
            schedule::save_rules,
        )
        .post(
            paths::staff::SETTINGS_REMINDERS,
            Staff(ManageDeskSettings),
            schedule::save_reminders,
        )
        .post(
            paths::staff::SETTINGS_VIDEO_ROOMS,
            Staff(ManageDeskSettings),
            schedule::save_room_template,
        )
        .post(
            paths::staff::SETTINGS_CHAT_ROOMS,
            Staff(ManageDeskSettings),
            schedule::save_chat_rooms,
        )
        .post(
            paths::staff::SETTINGS_HOURS,
            Staff(ManageDeskSettings),
            schedule::save_hours,
        )
        .get(
            paths::staff::CLOSED_DAYS,
            Staff(ManageDeskSettings),
            schedule::closed_days,
        )
        .post(
            paths::staff::CLOSED_DAYS,
            Staff(ManageDeskSettings),
            schedule::close_day,
        )
        .post(
            paths::staff::CLOSED_DAYS_RULES,
            Staff(ManageDeskSettings),
            schedule::save_closure_rules,
        )
        .post(
            paths::staff::CLOSED_DAY_DELETE,
            Staff(ManageDeskSettings),
            schedule::reopen_day,
        )
        .post(
            paths::staff::CLOSED_DAY_RESTORE,
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
            paths::staff::SETTINGS_CONTACT,
            Staff(ManageDeskSettings),
            contact::settings_form,
        )
        .post(
            paths::staff::SETTINGS_CONTACT,
            Staff(ManageDeskSettings),
            contact::settings_save,
        )
        .get(paths::proxy::NOT_ME, Public, not_me::form)
        .post(paths::proxy::NOT_ME, Public, not_me::stop)
}

fn request_routes(table: Table) -> Table {
    use super::{journey, proxy_portal as portal, requests, staff_requests as staff};
    use crate::domain::request::RequestDraft;
    use Access::{Proxy, Public, Staff};
    use Permission::*;
    table
        .get(paths::requests::NEW, Public, journey::start::<RequestDraft>)
        .get(paths::requests::LOST_CARD, Public, requests::lost_card)
        .get(paths::requests::LIMITED, Public, requests::limited)
        .get(
            paths::requests::CHECK,
            Public,
            journey::check_form::<RequestDraft>,
        )
        .post(paths::requests::CHECK, Public, requests::submit)
        .get(
            paths::requests::CONFIRMATION,
            Public,
            requests::confirmation,
        )
        .get(
            paths::requests::STEP,
            Public,
            journey::step_form::<RequestDraft>,
        )
        .post(
            paths::requests::STEP,
            Public,
            journey::step_save::<RequestDraft>,
        )
        .get(paths::requests::THREAD, Public, requests::thread)
        .post(paths::requests::THREAD, Public, requests::add_message)
        .post(paths::requests::BOOK, Public, requests::book)
        .post(paths::proxy::ASK, Proxy, portal::ask)
        .get(paths::proxy::REQUEST, Proxy, portal::request_thread)
        .post(paths::proxy::REQUEST, Proxy, portal::request_message)
        .post(paths::proxy::REQUEST_BOOK, Proxy, portal::request_book)
        .get(paths::staff::REQUESTS, Staff(HandleRequests), staff::queue)
        .get(paths::staff::REQUEST, Staff(HandleRequests), staff::detail)
        .post(
            paths::staff::REQUEST_REPLY,
            Staff(HandleRequests),
            staff::reply,
        )
        .post(
            paths::staff::REQUEST_NOTE,
            Staff(HandleRequests),
            staff::note,
        )
        .post(
            paths::staff::REQUEST_ASSIGN,
            Staff(HandleRequests),
            staff::assign,
        )
        .post(
            paths::staff::REQUEST_STATUS,
            Staff(HandleRequests),
            staff::status,
        )
        .get(
            paths::staff::SETTINGS_REQUESTS,
            Staff(ManageDeskSettings),
            staff::settings_form,
        )
        .post(
            paths::staff::SETTINGS_REQUESTS,
            Staff(ManageDeskSettings),
            staff::settings_save,
        )
}

/// The route table, for tests and documentation.
pub fn table() -> Vec<RouteSpec> {
    build().1
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn every_address_in_the_paths_module_is_routed_and_every_route_is_one_of_them() {
        let routed: BTreeSet<&str> = super::table().iter().map(|r| r.path).collect();
        let declared: BTreeSet<&str> = crate::paths::all().collect();
        let unrouted: Vec<_> = declared.difference(&routed).collect();
        let undeclared: Vec<_> = routed.difference(&declared).collect();
        assert!(unrouted.is_empty(), "declared but not routed: {unrouted:?}");
        assert!(
            undeclared.is_empty(),
            "routed but not declared: {undeclared:?}"
        );
    }
}
