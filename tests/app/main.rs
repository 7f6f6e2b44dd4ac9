//! Integration tests: the real app over a real TCP port, on SQLite and on PostgreSQL.

mod smtp;
mod support;

mod accounts;
mod audit;
mod cli;
mod concurrency;
mod csrf;
mod email;
mod pages;
mod roles;
mod setup;
mod sign_in;
