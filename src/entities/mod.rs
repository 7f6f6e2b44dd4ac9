//! The database tables, one module each.

pub mod audit_event;
pub mod login_attempt;
pub mod outbox_message;
pub mod setup_token;
pub mod staff_session;
pub mod staff_token;
pub mod staff_user;
