//! Every address of the site, written once. The route table registers these patterns, and
//! pages, redirects and emailed links build their addresses from them, so an address can
//! only change here.
//!
//! Each address is a constant holding its pattern, such as `/staff/requests/{id}`. An
//! address with parts to fill in also has a function of the same name in lower case that
//! fills them: `staff::request(7)` is `/staff/requests/7`. The parts are ids, hexadecimal
//! tokens, slugs and ISO days, which never need escaping in a path.

/// Declares addresses: a constant per pattern, and for a pattern with parts, a function
/// taking those parts in order. `ALL` lists the group's patterns.
macro_rules! paths {
    ($(
        $(#[$doc:meta])*
        $pattern_name:ident $(, $filler:ident($($part:ident),+))? = $pattern:literal;
    )*) => {
        $(
            $(#[$doc])*
            pub const $pattern_name: &str = $pattern;
            $(
                #[doc = concat!("`", $pattern, "`, its parts filled in.")]
                pub fn $filler($($part: impl std::fmt::Display),+) -> String {
                    format!($pattern)
                }
            )?
        )*
        /// Every pattern of this group.
        pub const ALL: &[&str] = &[$($pattern),*];
    };
}

/// Pages for everyone: the start page, preferences, the assets and first setup.
pub mod public {
    paths! {
        /// The start page.
        HOME = "/";
        /// How the site meets accessibility needs.
        ACCESSIBILITY = "/accessibility";
        /// The desk's customer-harassment policy.
        POLICY = "/policy/customer-harassment";
        /// A person's notice of a measure, by the link in its letter: what is limited, until
        /// when, what stays open, and the appeal.
        NOTICE, notice(token) = "/notices/{token}";
        /// Appealing against a measure, from its notice.
        NOTICE_APPEAL, notice_appeal(token) = "/notices/{token}/appeal";
        /// Text size, colours and language.
        PREFERENCES = "/preferences";
        /// Switches the language, then goes back.
        LANGUAGE, language(code) = "/language/{code}";
        /// Whether the server is up.
        HEALTHZ = "/healthz";
        /// A stylesheet, script or picture.
        ASSET, asset(name) = "/assets/{name}";
        /// The first administrator's account, by the link printed at first start.
        SETUP, setup(token) = "/setup/{token}";
    }
}

/// Booking a session (the `/book` journey) and managing one by its emailed link.
pub mod booking {
    paths! {
        /// The start of booking.
        START = "/book";
        /// Sign language or written chat.
        MODE = "/book/mode";
        /// Which day.
        DAY = "/book/day";
        /// Which time.
        TIME = "/book/time";
        /// Who and what about.
        DETAILS = "/book/details";
        /// Everything once more before confirming.
        CHECK = "/book/check";
        /// What a person under a measure meets instead of booking: what is limited, until
        /// when, and what stays open.
        LIMITED = "/book/limited";
        /// Booked: the reference and the manage link, shown once.
        CONFIRMATION = "/book/confirmation";
        /// A session, by the token of its manage link.
        MANAGE, manage(token) = "/bookings/{token}";
        /// Cancelling a session.
        CANCEL, cancel(token) = "/bookings/{token}/cancel";
        /// Moving a session: the day, and saving the new time.
        MOVE, move_day(token) = "/bookings/{token}/reschedule";
        /// Moving a session: the time on the day chosen.
        MOVE_TIME, move_time(token) = "/bookings/{token}/reschedule/time";
        /// A written-chat session's room: reading and writing messages.
        CHAT, chat(token) = "/bookings/{token}/chat";
        /// A written-chat room's news, as Server-Sent Events, for the page to follow live.
        CHAT_EVENTS, chat_events(token) = "/bookings/{token}/chat/events";
        /// Whether the customer is emailed the conversation when the session ends.
        CHAT_TRANSCRIPT, chat_transcript(token) = "/bookings/{token}/chat/transcript";
    }
}

/// Support requests: the journey at `/requests/new` and each request's thread by link.
pub mod requests {
    paths! {
        /// The start of a request.
        NEW = "/requests/new";
        /// What to do at once about a lost or stolen card.
        LOST_CARD = "/requests/new/lost-card";
        /// What a person under a measure meets instead of sending: what is limited, until
        /// when, and what stays open.
        LIMITED = "/requests/new/limited";
        /// Everything once more before sending.
        CHECK = "/requests/new/check";
        /// Sent: the reference and the thread's link.
        CONFIRMATION = "/requests/new/confirmation";
        /// A step of the journey.
        STEP, step(step) = "/requests/new/{step}";
        /// A request's thread, by the token of its link.
        THREAD, thread(token) = "/requests/{token}";
        /// Booking a session about a request.
        BOOK, book(token) = "/requests/{token}/book";
    }
}

/// Proxies: applying, ending a registration, the proxy's door and portal.
pub mod proxy {
    paths! {
        /// The portal: the customers a proxy acts for.
        HOME = "/proxy";
        /// The start of an application to act for a customer.
        APPLY = "/proxy/apply";
        /// Everything once more before applying.
        APPLY_CHECK = "/proxy/apply/check";
        /// Applied: the reference.
        APPLY_CONFIRMATION = "/proxy/apply/confirmation";
        /// A step of the application.
        APPLY_STEP, apply_step(step) = "/proxy/apply/{step}";
        /// A customer ends a proxy's registration.
        REVOKE = "/proxy/revoke";
        /// The customer's ending was received.
        REVOKE_SENT = "/proxy/revoke/sent";
        /// A customer stops an application that was not hers, by her emailed link.
        NOT_ME, not_me(token) = "/proxy/not-me/{token}";
        /// A proxy signs in.
        LOGIN = "/proxy/login";
        /// A proxy asks for a new password.
        FORGOT = "/proxy/forgot";
        /// A proxy chooses a first password, once approved.
        ACTIVATE, activate(token) = "/proxy/activate/{token}";
        /// A proxy chooses a new password.
        RESET, reset(token) = "/proxy/reset/{token}";
        /// A proxy signs out.
        LOGOUT = "/proxy/logout";
        /// One customer the proxy acts for.
        CUSTOMER, customer(id) = "/proxy/customers/{id}";
        /// Booking a session for the customer.
        CUSTOMER_BOOK, customer_book(id) = "/proxy/customers/{id}/book";
        /// Opening the manage page of a session booked for the customer.
        CUSTOMER_SESSION, customer_session(id, booking_id) =
            "/proxy/customers/{id}/sessions/{booking_id}/manage";
        /// Opening the written-chat room of a session booked for the customer.
        CUSTOMER_SESSION_CHAT, customer_session_chat(id, booking_id) =
            "/proxy/customers/{id}/sessions/{booking_id}/chat";
        /// The proxy stops acting for the customer.
        STEP_DOWN, step_down(id) = "/proxy/customers/{id}/step-down";
        /// Asking to renew the registration.
        RENEW, renew(id) = "/proxy/customers/{id}/renew";
        /// Sending a request for the customer.
        ASK, ask(id) = "/proxy/customers/{id}/ask";
        /// A request sent for the customer.
        REQUEST, request(id, request_id) = "/proxy/customers/{id}/requests/{request_id}";
        /// Booking a session about a request sent for the customer.
        REQUEST_BOOK, request_book(id, request_id) =
            "/proxy/customers/{id}/requests/{request_id}/book";
    }
}

/// Staff pages, behind the staff door.
pub mod staff {
    paths! {
        /// The dashboard.
        HOME = "/staff";
        /// Staff sign in.
        LOGIN = "/staff/login";
        /// A staff member asks for a new password.
        FORGOT = "/staff/forgot";
        /// A staff member chooses a new password.
        RESET, reset(token) = "/staff/reset/{token}";
        /// A staff member takes up an invitation.
        INVITATION, invitation(token) = "/staff/invitation/{token}";
        /// Staff sign out.
        LOGOUT = "/staff/logout";
        /// Changing one's own password.
        PASSWORD = "/staff/password";
        /// One's own saved phrases for the chat room.
        PHRASES = "/staff/phrases";
        /// Removing one of one's saved phrases.
        PHRASE_DELETE, phrase_delete(id) = "/staff/phrases/{id}/delete";
        /// Staff accounts.
        USERS = "/staff/users";
        /// A new staff account.
        USER_NEW = "/staff/users/new";
        /// One staff account.
        USER, user(id) = "/staff/users/{id}";
        /// Closing a staff account.
        USER_DEACTIVATE, user_deactivate(id) = "/staff/users/{id}/deactivate";
        /// Opening a closed staff account again.
        USER_REACTIVATE, user_reactivate(id) = "/staff/users/{id}/reactivate";
        /// Sending a staff member a new invitation.
        USER_INVITE, user_invite(id) = "/staff/users/{id}/invite";
        /// The audit log.
        AUDIT = "/staff/audit";
        /// Emails waiting or stuck.
        OUTBOX = "/staff/outbox";
        /// Trying a stuck email again.
        OUTBOX_RETRY, outbox_retry(id) = "/staff/outbox/{id}/retry";

        /// Proxy registrations to verify.
        PROXIES = "/staff/proxies";
        /// Customers' requests to end a registration.
        PROXY_END_REQUESTS = "/staff/proxies/end-requests";
        /// Confirming that a customer ended a registration.
        PROXY_END_CONFIRM, proxy_end_confirm(id) = "/staff/proxies/end-requests/{id}/confirm";
        /// Declining a request to end a registration.
        PROXY_END_DECLINE, proxy_end_decline(id) = "/staff/proxies/end-requests/{id}/decline";
        /// One proxy registration.
        PROXY, proxy(id) = "/staff/proxies/{id}";
        /// Starting to review a registration.
        PROXY_REVIEW, proxy_review(id) = "/staff/proxies/{id}/review";
        /// Recording the documents checked.
        PROXY_DOCUMENTS, proxy_documents(id) = "/staff/proxies/{id}/documents";
        /// Recording the customer's consent.
        PROXY_CONSENT, proxy_consent(id) = "/staff/proxies/{id}/consent";
        /// Approving a registration.
        PROXY_APPROVE, proxy_approve(id) = "/staff/proxies/{id}/approve";
        /// Rejecting a registration.
        PROXY_REJECT, proxy_reject(id) = "/staff/proxies/{id}/reject";
        /// Ending a registration.
        PROXY_REVOKE, proxy_revoke(id) = "/staff/proxies/{id}/revoke";
        /// Renewing a registration.
        PROXY_RENEW, proxy_renew(id) = "/staff/proxies/{id}/renew";

        /// The schedule board.
        SCHEDULE = "/staff/schedule";
        /// Sessions that need someone's attention.
        ATTENTION = "/staff/schedule/attention";
        /// One session.
        SESSION, session(id) = "/staff/sessions/{id}";
        /// Giving a session to another interpreter.
        SESSION_REASSIGN, session_reassign(id) = "/staff/sessions/{id}/reassign";
        /// Asking the customer for a new time.
        SESSION_ASK_NEW_TIME, session_ask_new_time(id) = "/staff/sessions/{id}/ask-new-time";
        /// Recording how a session went.
        SESSION_OUTCOME, session_outcome(id) = "/staff/sessions/{id}/outcome";
        /// Adding a staff note to a session.
        SESSION_NOTES, session_notes(id) = "/staff/sessions/{id}/notes";
        /// Cancelling a session.
        SESSION_CANCEL, session_cancel(id) = "/staff/sessions/{id}/cancel";
        /// A written-chat session's room: reading and writing messages.
        SESSION_CHAT, session_chat(id) = "/staff/sessions/{id}/chat";
        /// A written-chat room's news, as Server-Sent Events, for staff's page to follow.
        SESSION_CHAT_EVENTS, session_chat_events(id) = "/staff/sessions/{id}/chat/events";
        /// Opening a written-chat room before it opens by itself.
        SESSION_CHAT_OPEN, session_chat_open(id) = "/staff/sessions/{id}/chat/open";
        /// Ending a written-chat session, closing its room.
        SESSION_CHAT_END, session_chat_end(id) = "/staff/sessions/{id}/chat/end";
        /// A note about a written-chat session that only staff read.
        SESSION_CHAT_NOTES, session_chat_notes(id) = "/staff/sessions/{id}/chat/notes";
        /// An interpreter's own sessions.
        MY_SESSIONS = "/staff/my-sessions";
        /// An interpreter's own hours and days off.
        AVAILABILITY = "/staff/availability";
        /// Interpreters.
        INTERPRETERS = "/staff/interpreters";
        /// One interpreter.
        INTERPRETER, interpreter(id) = "/staff/interpreters/{id}";
        /// An interpreter's weekly hours.
        INTERPRETER_WEEKLY, interpreter_weekly(id) = "/staff/interpreters/{id}/weekly";
        /// An interpreter's qualifications and sign languages.
        INTERPRETER_QUALIFICATIONS, interpreter_qualifications(id) =
            "/staff/interpreters/{id}/qualifications";
        /// The language of an interpreter's emails.
        INTERPRETER_EMAIL_LANGUAGE, interpreter_email_language(id) =
            "/staff/interpreters/{id}/email-language";
        /// An interpreter's days off and extra hours.
        INTERPRETER_EXCEPTIONS, interpreter_exceptions(id) =
            "/staff/interpreters/{id}/exceptions";
        /// Removing a day off or extra hours.
        INTERPRETER_EXCEPTION_DELETE, interpreter_exception_delete(id, exception_id) =
            "/staff/interpreters/{id}/exceptions/{exception_id}/delete";
        /// Every active staff member's qualifications, first what has expired or expires soon.
        QUALIFICATIONS = "/staff/qualifications";
        /// The qualifications of a staff member who is not an interpreter.
        STAFF_QUALIFICATIONS, staff_qualifications(id) = "/staff/qualifications/{id}";

        /// Session rules, reminders and video rooms.
        SETTINGS_SESSIONS = "/staff/settings/sessions";
        /// The rules of one kind of session.
        SETTINGS_SESSION_MODE, settings_session_mode(mode) = "/staff/settings/sessions/{mode}";
        /// When reminders go out.
        SETTINGS_REMINDERS = "/staff/settings/reminders";
        /// The video-room address template.
        SETTINGS_VIDEO_ROOMS = "/staff/settings/video-rooms";
        /// When written-chat rooms open by themselves.
        SETTINGS_CHAT_ROOMS = "/staff/settings/chat-rooms";
        /// The desk's opening hours.
        SETTINGS_HOURS = "/staff/settings/hours";
        /// Closed days and holidays.
        CLOSED_DAYS = "/staff/settings/closed-days";
        /// The year-end break and holiday rules.
        CLOSED_DAYS_RULES = "/staff/settings/closed-days/rules";
        /// Opening a closed day.
        CLOSED_DAY_DELETE, closed_day_delete(day) = "/staff/settings/closed-days/{day}/delete";
        /// Closing a reopened holiday again.
        CLOSED_DAY_RESTORE, closed_day_restore(day) = "/staff/settings/closed-days/{day}/restore";
        /// The desk's email, fax and postal address.
        SETTINGS_CONTACT = "/staff/settings/contact";
        /// Proxy registration rules.
        SETTINGS_PROXIES = "/staff/settings/proxies";
        /// Response times for requests.
        SETTINGS_REQUESTS = "/staff/settings/requests";
        /// How long incidents are kept, and when repeated contact is listed.
        SETTINGS_INCIDENTS = "/staff/settings/incidents";

        /// The request queue.
        REQUESTS = "/staff/requests";
        /// One request.
        REQUEST, request(id) = "/staff/requests/{id}";
        /// Replying to the customer.
        REQUEST_REPLY, request_reply(id) = "/staff/requests/{id}/reply";
        /// A note the customer never sees.
        REQUEST_NOTE, request_note(id) = "/staff/requests/{id}/note";
        /// Giving the request to a staff member.
        REQUEST_ASSIGN, request_assign(id) = "/staff/requests/{id}/assign";
        /// Changing the request's status.
        REQUEST_STATUS, request_status(id) = "/staff/requests/{id}/status";
        /// "I need support" on a request.
        REQUEST_SUPPORT, request_support(id) = "/staff/requests/{id}/support";
        /// "I need support" in a written-chat room.
        SESSION_CHAT_SUPPORT, session_chat_support(id) = "/staff/sessions/{id}/chat/support";

        /// Customer-harassment incidents, for supervisors and admins.
        INCIDENTS = "/staff/incidents";
        /// Reporting an incident.
        INCIDENT_NEW = "/staff/incidents/new";
        /// A staff member's own reports.
        INCIDENTS_MINE = "/staff/incidents/mine";
        /// Incidents, measures and follow-ups by month, as charts and tables.
        INCIDENT_REPORTS = "/staff/incidents/reports";
        /// The same figures as CSV.
        INCIDENT_REPORTS_CSV = "/staff/incidents/reports.csv";
        /// One of a staff member's own reports.
        INCIDENT_MINE, incident_mine(id) = "/staff/incidents/mine/{id}";
        /// Adding to one's own report.
        INCIDENT_MINE_ADD, incident_mine_add(id) = "/staff/incidents/mine/{id}/additions";
        /// One incident, for supervisors and admins.
        INCIDENT, incident(id) = "/staff/incidents/{id}";
        /// Adding a note or a follow-up to an incident.
        INCIDENT_ADD, incident_add(id) = "/staff/incidents/{id}/additions";
        /// Changing an incident's status.
        INCIDENT_STATUS, incident_status(id) = "/staff/incidents/{id}/status";
        /// Taking a measure about an incident.
        INCIDENT_MEASURES, incident_measures(id) = "/staff/incidents/{id}/measures";
        /// A second person approves a proposed suspension.
        MEASURE_APPROVE, measure_approve(id) = "/staff/measures/{id}/approve";
        /// A second person declines a proposed suspension.
        MEASURE_DECLINE, measure_decline(id) = "/staff/measures/{id}/decline";
        /// Lifting a measure early.
        MEASURE_LIFT, measure_lift(id) = "/staff/measures/{id}/lift";
        /// Deciding an appeal against a measure.
        APPEAL_DECIDE, appeal_decide(id) = "/staff/appeals/{id}/decide";
        /// A supervisor takes a call for support.
        SUPPORT_CALL_TAKE, support_call_take(id) = "/staff/support-calls/{id}/take";
        /// Customers who contacted the desk repeatedly after their matter was resolved.
        INCIDENT_SIGNALS = "/staff/incidents/signals";
    }
}

/// The voice of the customer: the forms, staff triage and measures, improvement cases and
/// the public "you said, we did" page.
pub mod feedback {
    paths! {
        /// The open feedback form, for anyone.
        OPEN = "/feedback";
        /// Thanks, once feedback is sent.
        THANKS = "/feedback/thanks";
        /// The feedback form about one contact, by the link in the email that asked.
        BY_LINK, by_link(token) = "/feedback/{token}";
        /// The feedback form about a request, from its thread.
        REQUEST, request(token) = "/requests/{token}/feedback";
        /// The feedback form about a session, from its manage page.
        SESSION, session(token) = "/bookings/{token}/feedback";
        /// The feedback form a proxy reaches from the portal: `about` is `registration`,
        /// `request-{id}` or `session-{id}`.
        PROXY, proxy(id, about) = "/proxy/customers/{id}/feedback/{about}";
        /// What the desk changed because customers spoke: the published cases.
        IMPROVEMENTS = "/improvements";
        /// Staff: the feedback that came in, to triage.
        STAFF = "/staff/feedback";
        /// Staff: one piece of feedback.
        ITEM, item(id) = "/staff/feedback/{id}";
        /// Staff: the feedback as CSV, as filtered.
        EXPORT = "/staff/feedback/export.csv";
        /// Staff: satisfaction, ease and volumes by month, channel, kind and theme.
        MEASURES = "/staff/feedback/measures";
        /// Staff: compliments shared with oneself, and the weekly digest.
        MINE = "/staff/feedback/mine";
        /// Admins: the themes feedback is tagged with.
        THEMES = "/staff/feedback/themes";
        /// Admins: one theme, renamed or archived.
        THEME, theme(id) = "/staff/feedback/themes/{id}";
        /// Staff: improvement cases.
        CASES = "/staff/improvements";
        /// Staff: a new improvement case.
        CASE_NEW = "/staff/improvements/new";
        /// Staff: one improvement case.
        CASE, case(id) = "/staff/improvements/{id}";
        /// Staff: moving a case to another status.
        CASE_STATUS, case_status(id) = "/staff/improvements/{id}/status";
        /// Supervisors: publishing a done case, or withdrawing it.
        CASE_PUBLISH, case_publish(id) = "/staff/improvements/{id}/publish";
    }
}

/// Every pattern of the site.
pub fn all() -> impl Iterator<Item = &'static str> {
    [
        public::ALL,
        booking::ALL,
        requests::ALL,
        proxy::ALL,
        staff::ALL,
        feedback::ALL,
    ]
    .into_iter()
    .flatten()
    .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filler_fills_each_part_of_its_pattern_in_order() {
        assert_eq!(staff::request(7), "/staff/requests/7");
        assert_eq!(
            staff::interpreter_exception_delete(3, 9),
            "/staff/interpreters/3/exceptions/9/delete"
        );
        assert_eq!(proxy::request(2, 5), "/proxy/customers/2/requests/5");
        assert_eq!(booking::manage("ab12"), "/bookings/ab12");
    }

    #[test]
    fn no_pattern_is_written_twice() {
        let mut seen = std::collections::HashSet::new();
        for pattern in all() {
            assert!(seen.insert(pattern), "{pattern} is declared twice");
        }
    }
}
