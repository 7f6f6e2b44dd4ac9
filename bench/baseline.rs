//! The baseline for `bench/run`: a bare axum handler answering a static page of the same size
//! as Yorisoi's start page, with no middleware, no database and no templates.

use axum::{Router, response::Html, routing::get};

#[tokio::main]
async fn main() {
    let size: usize = std::env::var("BASELINE_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4096);
    let page: &'static str = Box::leak(
        format!(
            "<!DOCTYPE html><html lang=\"ja\"><body>{}</body></html>",
            "x".repeat(size)
        )
        .into_boxed_str(),
    );
    let bind = std::env::var("BASELINE_BIND").unwrap_or_else(|_| "127.0.0.1:3901".into());
    let app = Router::new().route("/", get(move || async move { Html(page) }));
    let listener = tokio::net::TcpListener::bind(&bind).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
