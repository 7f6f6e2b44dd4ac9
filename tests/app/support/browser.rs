//! A browser for tests: it keeps cookies, sends forms with their CSRF token as a browser
//! does, and follows no redirect, so a test sees each step; and the page that came back.

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use std::sync::Arc;

/// What came back from one request.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> Option<&str> {
        self.headers.get(LOCATION).and_then(|v| v.to_str().ok())
    }

    /// Every `Set-Cookie` line.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    }

    /// The parsed document.
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The text of every element matching a CSS selector.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .map(|e| e.text().collect::<String>().trim().to_owned())
            .collect()
    }

    /// The text of the first element matching a selector.
    pub fn text(&self, selector: &str) -> String {
        self.texts(selector).into_iter().next().unwrap_or_default()
    }

    /// An attribute of the first element matching a selector.
    pub fn attr(&self, selector: &str, name: &str) -> Option<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .next()
            .and_then(|e| e.value().attr(name))
            .map(str::to_owned)
    }

    /// An attribute of every element matching a selector that has it, in order.
    pub fn attrs(&self, selector: &str, name: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr(name).map(str::to_owned))
            .collect()
    }

    /// The value of the `<title>`.
    pub fn title(&self) -> String {
        self.text("title")
    }
}

/// A client that keeps cookies and does not follow redirects, so tests see each step.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self::with_headers(base, &[])
    }

    /// A browser whose every request carries these headers, as a reverse proxy would add.
    pub fn with_headers(base: &str, headers: &[(&str, &str)]) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let mut defaults = HeaderMap::new();
        for (k, v) in headers {
            defaults.insert(
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .default_headers(defaults)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            base: base.to_owned(),
            client,
            jar,
        }
    }

    async fn read(response: reqwest::Response) -> Page {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        Self::read(
            self.client
                .get(format!("{}{}", self.base, path))
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = self.client.get(format!("{}{}", self.base, path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Self::read(request.send().await.unwrap()).await
    }

    /// The value of one of this browser's cookies.
    pub fn cookie(&self, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let url = self.base.parse().unwrap();
        let header = self.jar.cookies(&url)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
    }

    /// Makes sure the browser holds a CSRF cookie, as it would after opening any page.
    async fn ensure_csrf(&self) -> String {
        if let Some(token) = self.cookie("yorisoi_csrf") {
            return token;
        }
        self.get("/healthz").await;
        self.cookie("yorisoi_csrf")
            .expect("the server sets a CSRF cookie")
    }

    /// Posts a form the way a browser does, with the CSRF token the page carried.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.ensure_csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields, with no CSRF token added.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_with(path, fields, &[]).await
    }

    /// Posts exactly these fields with these headers (a `Referer`, an `Origin`), with no
    /// CSRF token added.
    pub async fn post_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        self.ensure_csrf().await;
        let body = serde_urlencoded::to_string(fields).unwrap().into_bytes();
        self.post_bytes_with(path, "application/x-www-form-urlencoded", body, headers)
            .await
    }

    /// Posts raw bytes with a content type.
    pub async fn post_bytes(&self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        self.post_bytes_with(path, content_type, body, &[]).await
    }

    /// Posts raw bytes with a content type and these headers.
    pub async fn post_bytes_with(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut request = self
            .client
            .post(format!("{}{}", self.base, path))
            .header("content-type", content_type)
            .body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Self::read(request.send().await.unwrap()).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.get("/staff/login").await;
        self.post("/staff/login", &[("email", email), ("password", password)])
            .await
    }
}

/// One Server-Sent Event as a browser's `EventSource` reads it.
#[derive(Debug, Clone)]
pub struct SseEvent {
    /// Its type (`message` when none was named).
    pub event: String,
    /// Its id, when it has one.
    pub id: Option<String>,
    /// Its data, lines joined with line feeds.
    pub data: String,
}

/// A stream of Server-Sent Events being read.
pub struct Events {
    pub status: StatusCode,
    pub headers: HeaderMap,
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    /// The next event within `within`, skipping keep-alive comments; `None` when the
    /// stream ended or nothing came in time.
    pub async fn next(&mut self, within: std::time::Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = SseEvent {
                    event: "message".to_owned(),
                    id: None,
                    data: String::new(),
                };
                let mut has_data = false;
                for line in block.lines() {
                    let (field, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value);
                    match field {
                        "event" => event.event = value.to_owned(),
                        "id" => event.id = Some(value.to_owned()),
                        "data" => {
                            if has_data {
                                event.data.push('\n');
                            }
                            event.data.push_str(value);
                            has_data = true;
                        }
                        _ => {}
                    }
                }
                if has_data {
                    return Some(event);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Whether the server ended the stream within `within` (rather than kept it open).
    pub async fn ended(&mut self, within: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(_) => return true,
            }
        }
    }
}

impl Browser {
    /// Opens a stream of Server-Sent Events as `EventSource` does, with these headers (a
    /// `Last-Event-ID` when reconnecting).
    pub async fn events(&self, path: &str, headers: &[(&str, &str)]) -> Events {
        let mut request = self
            .client
            .get(format!("{}{}", self.base, path))
            .header("accept", "text/event-stream");
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        let response = request.send().await.unwrap();
        Events {
            status: response.status(),
            headers: response.headers().clone(),
            response,
            buffer: String::new(),
        }
    }
}
