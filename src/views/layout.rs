//! The page every view is drawn in: language, skip link, header, main, footer.

use super::PageContext;
use crate::assets;
use crate::domain::Permission;
use crate::paths;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// A page ready to be laid out.
pub struct Page {
    /// The page's own title, without the site name.
    pub title: String,
    /// How many errors the form on this page has; a rejected page's title starts with it.
    pub error_count: usize,
    /// The content of `<main>`.
    pub body: Markup,
    /// The scripts from `assets/` the page is enhanced with; it works without them.
    pub scripts: Vec<&'static str>,
}

impl Page {
    /// A page with a title and content.
    pub fn new(title: impl Into<String>, body: Markup) -> Self {
        Page {
            title: title.into(),
            error_count: 0,
            body,
            scripts: Vec::new(),
        }
    }

    /// The same page, enhanced by a script from `assets/` when the browser runs scripts.
    pub fn with_script(mut self, name: &'static str) -> Self {
        self.scripts.push(name);
        self
    }

    /// The same page, marked as carrying a rejected form.
    pub fn with_errors(mut self, count: usize) -> Self {
        self.error_count = count;
        self
    }
}

/// Lays out a page.
pub fn render(ctx: &PageContext, page: Page) -> Markup {
    let site = ctx.t("site.name");
    let title = if page.error_count > 0 {
        format!(
            "{} {} – {}",
            ctx.tf(
                "title.error_prefix",
                &[("count", &page.error_count.to_string())]
            ),
            page.title,
            site
        )
    } else {
        format!("{} – {}", page.title, site)
    };
    let body_class = format!(
        "text-{} contrast-{}",
        ctx.prefs.text_size.as_str(),
        ctx.prefs.contrast.as_str()
    );
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href=(assets::url("site.css"));
                link rel="icon" href=(assets::url("favicon.svg")) type="image/svg+xml";
                @for script in &page.scripts {
                    script src=(assets::url(script)) defer {}
                }
            }
            body class=(body_class) {
                a .skip-link href="#main" { (ctx.t("layout.skip_link")) }
                (header(ctx))
                div .width-container {
                    main #main .main tabindex="-1" {
                        @if let Some(acting) = &ctx.acting_for {
                            @let (key, customer) = match acting {
                                super::ActingFor::Booking(c) => ("proxy.acting_for", c),
                                super::ActingFor::Sending(c) => ("proxy.sending_for", c),
                            };
                            div .acting-for {
                                p { (ctx.tf(key, &[("customer", customer)])) }
                            }
                        }
                        @if ctx.kept.is_some() {
                            div .banner role="alert" aria-labelledby="kept-title" {
                                div .banner__header { h2 .banner__title #kept-title { (ctx.t("form.kept.title")) } }
                                div .banner__content { p { (ctx.t("form.kept.body")) } }
                            }
                        }
                        (page.body)
                    }
                }
                (footer(ctx))
            }
        }
    }
}

fn header(ctx: &PageContext) -> Markup {
    html! {
        header .header {
            div .header__bar { div .width-container .header__inner {
                a .header__name href=(if ctx.staff.is_some() { paths::staff::HOME } else if ctx.proxy.is_some() { paths::proxy::HOME } else { paths::public::HOME }) {
                    span .header__logo aria-hidden="true" { (PreEscaped("&#x5BC4;")) }
                    span { (ctx.t("site.name")) }
                }
                nav .language-switch aria-label=(ctx.t("layout.language_nav")) {
                    ul {
                        @for lang in crate::domain::Lang::ALL {
                            li {
                                @if lang == ctx.lang {
                                    span .language-switch__current aria-current="true" lang=(lang.code()) { (lang.native_name()) }
                                } @else {
                                    a href={ (paths::public::language(lang.code())) "?next=" (encode(&ctx.path)) } lang=(lang.code()) hreflang=(lang.code()) {
                                        (lang.native_name())
                                    }
                                }
                            }
                        }
                    }
                }
            } }
            @if let Some(staff) = &ctx.staff {
                nav .staff-nav aria-label=(ctx.t("layout.staff_nav")) {
                    div .width-container .staff-nav__inner {
                        ul .staff-nav__list {
                            li { a href=(paths::staff::HOME) aria-current=[(ctx.path == paths::staff::HOME).then_some("page")] { (ctx.t("nav.dashboard")) } }
                            @if ctx.staff_may(Permission::HandleRequests) {
                                li { a href=(paths::staff::REQUESTS) aria-current=[ctx.path.starts_with(paths::staff::REQUESTS).then_some("page")] { (ctx.t("nav.requests")) } }
                            }
                            @if ctx.staff_may(Permission::VerifyProxies) {
                                li { a href=(paths::staff::PROXIES) aria-current=[ctx.path.starts_with(paths::staff::PROXIES).then_some("page")] { (ctx.t("nav.proxies")) } }
                            }
                            @if ctx.staff_may(Permission::TriageFeedback) {
                                li { a href=(paths::feedback::STAFF) aria-current=[(ctx.path.starts_with(paths::feedback::STAFF) && !ctx.path.starts_with(paths::feedback::MINE)).then_some("page")] { (ctx.t("nav.feedback")) } }
                            } @else {
                                li { a href=(paths::feedback::MINE) aria-current=[ctx.path.starts_with(paths::feedback::MINE).then_some("page")] { (ctx.t("nav.my_feedback")) } }
                            }
                            @if ctx.staff_may(Permission::ManageSchedule) {
                                li { a href=(paths::staff::SCHEDULE) aria-current=[ctx.path.starts_with(paths::staff::SCHEDULE).then_some("page")] { (ctx.t("schedule.nav.board")) } }
                            }
                            @if ctx.staff_may(Permission::ManageOwnSessions) {
                                li { a href=(paths::staff::MY_SESSIONS) aria-current=[ctx.path.starts_with(paths::staff::MY_SESSIONS).then_some("page")] { (ctx.t("schedule.nav.mine")) } }
                            }
                            @if ctx.staff_may(Permission::TriageFeedback) {
                                li { a href=(paths::feedback::CASES) aria-current=[ctx.path.starts_with(paths::feedback::CASES).then_some("page")] { (ctx.t("improvements.nav")) } }
                            }
                            @if ctx.staff_may(Permission::ReviewQualifications) {
                                li { a href=(paths::staff::QUALIFICATIONS) aria-current=[ctx.path.starts_with(paths::staff::QUALIFICATIONS).then_some("page")] { (ctx.t("qualifications.nav")) } }
                            }
                            @if ctx.staff_may(Permission::ManageStaff) {
                                li { a href=(paths::staff::USERS) aria-current=[ctx.path.starts_with(paths::staff::USERS).then_some("page")] { (ctx.t("nav.staff_users")) } }
                            }
                            @if ctx.staff_may(Permission::ViewOutbox) {
                                li { a href=(paths::staff::OUTBOX) aria-current=[ctx.path.starts_with(paths::staff::OUTBOX).then_some("page")] { (ctx.t("nav.outbox")) } }
                            }
                            @if ctx.staff_may(Permission::ViewAudit) {
                                li { a href=(paths::staff::AUDIT) aria-current=[ctx.path.starts_with(paths::staff::AUDIT).then_some("page")] { (ctx.t("nav.audit")) } }
                            }
                            li { a href=(paths::staff::PASSWORD) aria-current=[ctx.path.starts_with(paths::staff::PASSWORD).then_some("page")] { (ctx.t("nav.password")) } }
                        }
                        div .staff-nav__account {
                            span .staff-nav__who { (ctx.tf("nav.signed_in_as", &[("name", &staff.display_name), ("role", ctx.t(&format!("role.{}", staff.role.as_str())))])) }
                            form method="post" action=(paths::staff::LOGOUT) {
                                (super::components::csrf_field(ctx))
                                button .link-button type="submit" { (ctx.t("nav.sign_out")) }
                            }
                        }
                    }
                }
            } @else if let Some(name) = &ctx.proxy {
                nav .staff-nav aria-label=(ctx.t("layout.proxy_nav")) {
                    div .width-container .staff-nav__inner {
                        ul .staff-nav__list {
                            li { a href=(paths::proxy::HOME) aria-current=[(ctx.path == paths::proxy::HOME).then_some("page")] { (ctx.t("proxy.nav.customers")) } }
                        }
                        div .staff-nav__account {
                            span .staff-nav__who { (ctx.tf("proxy.nav.signed_in_as", &[("name", name)])) }
                            form method="post" action=(paths::proxy::LOGOUT) {
                                (super::components::csrf_field(ctx))
                                button .link-button type="submit" { (ctx.t("nav.sign_out")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn footer(ctx: &PageContext) -> Markup {
    html! {
        footer .footer {
            div .width-container {
                h2 .visually-hidden { (ctx.t("layout.footer_heading")) }
                ul .footer__links {
                    li { a href=(paths::public::ACCESSIBILITY) { (ctx.t("footer.accessibility")) } }
                    li { a href=(paths::public::POLICY) { (ctx.t("footer.policy")) } }
                    li { a href=(paths::feedback::OPEN) { (ctx.t("footer.feedback")) } }
                    li { a href=(paths::feedback::IMPROVEMENTS) { (ctx.t("improvements.footer")) } }
                    li { a href=(paths::public::PREFERENCES) { (ctx.t("footer.preferences")) } }
                    @if ctx.staff.is_none() && ctx.proxy.is_none() {
                        li { a href=(paths::proxy::LOGIN) { (ctx.t("footer.proxy")) } }
                        li { a href=(paths::staff::LOGIN) { (ctx.t("footer.staff")) } }
                    }
                }
                p .footer__meta { (ctx.t("footer.about")) }
            }
        }
    }
}

/// Percent-encodes a path for use in a query string.
pub fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}
