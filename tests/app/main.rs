//! Integration tests: the real app over a real TCP port, on SQLite and on PostgreSQL.

mod smtp;
mod support;

mod accounts;
mod audit;
mod booking;
mod chat;
mod chat_live;
mod chat_staff;
mod cli;
mod closures;
mod concurrency;
mod contact;
mod csrf;
mod days_off;
mod display_names;
mod edges;
mod email;
mod incident_retention;
mod incident_signals;
mod incidents;
mod measures;
mod migrations;
mod odd_values;
mod pages;
mod policy;
mod proxies;
mod proxy_end;
mod proxy_room;
mod qualifications;
mod requests;
mod roles;
mod rooms;
mod schedule;
mod setup;
mod sign_in;
