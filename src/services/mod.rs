//! The desk's use-cases. Each one that changes data runs in one transaction and writes its
//! audit row inside it. Services never read HTTP types or build HTML.

pub mod accounts;
pub mod attention;
pub mod audit;
pub mod booking;
pub mod calendar;
pub mod chat;
pub mod chat_hub;
pub mod contact;
pub mod demo;
pub mod drafts;
pub mod feedback;
pub mod improvements;
pub mod incidents;
pub mod interpreters;
pub mod limits;
pub mod not_me;
pub mod outbox;
pub mod passwords;
pub mod phrases;
pub mod proxies;
pub mod proxy_handover;
pub mod qualifications;
pub mod reassignment;
pub mod requests;
pub mod schedule_board;
pub mod schedule_changes;
pub mod settings;
pub mod setup;
pub mod staff;
mod use_case;

pub use use_case::UseCase;

/// Who is acting: the staff member and role behind a change, and the address it came from.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// The staff account acting, if any.
    pub staff_id: Option<i64>,
    /// The role the staff member held when acting.
    pub role: Option<crate::domain::Role>,
    /// The client address, as far as it is known.
    pub ip: Option<String>,
    /// The proxy account acting for a customer, if any.
    pub proxy_id: Option<i64>,
}

impl Actor {
    /// An anonymous visitor at `ip`.
    pub fn visitor(ip: Option<String>) -> Self {
        Actor {
            staff_id: None,
            role: None,
            ip,
            proxy_id: None,
        }
    }

    /// A signed-in proxy at `ip`.
    pub fn proxy(proxy_id: i64, ip: Option<String>) -> Self {
        Actor {
            staff_id: None,
            role: None,
            ip,
            proxy_id: Some(proxy_id),
        }
    }
}
