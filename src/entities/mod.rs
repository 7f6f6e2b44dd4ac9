//! The database tables, one module each.

pub mod audit_event;
pub mod availability_exception;
pub mod availability_weekly;
pub mod booking;
pub mod booking_link;
pub mod booking_note;
pub mod desk_closed_day;
pub mod desk_hour;
pub mod interpreter_hold;
pub mod interpreter_profile;
pub mod journey_draft;
pub mod login_attempt;
pub mod outbox_message;
pub mod proxy_account;
pub mod proxy_end_request;
pub mod proxy_registration;
pub mod proxy_session;
pub mod proxy_token;
pub mod setting;
pub mod setup_token;
pub mod staff_qualification;
pub mod staff_session;
pub mod staff_token;
pub mod staff_user;
