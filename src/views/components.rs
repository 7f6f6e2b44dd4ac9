//! The building blocks every page is made of, following the GOV.UK Design System's patterns:
//! one label per control, hints and errors tied with `aria-describedby`, radios and
//! checkboxes in a fieldset with a legend, an error summary that links to each field.

use super::PageContext;
use crate::domain::Invalid;
use crate::paths;
use maud::{Markup, html};

/// One rejected field: its name (which is also its element id) and the message key.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The field's name and id.
    pub field: &'static str,
    /// The catalogue key of the message.
    pub key: String,
    /// Values for the message's placeholders.
    pub args: Vec<(&'static str, String)>,
}

/// The errors of a rejected form, in the order of the fields on the page.
#[derive(Debug, Clone, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// No errors.
    pub fn new() -> Self {
        Errors(Vec::new())
    }

    /// Adds an error with its own message key, such as `error.email.taken`.
    pub fn add(&mut self, field: &'static str, key: impl Into<String>) {
        self.0.push(FieldError {
            field,
            key: key.into(),
            args: Vec::new(),
        });
    }

    /// Adds an error with values for its placeholders.
    pub fn add_with(
        &mut self,
        field: &'static str,
        key: impl Into<String>,
        args: Vec<(&'static str, String)>,
    ) {
        self.0.push(FieldError {
            field,
            key: key.into(),
            args,
        });
    }

    /// Adds the error for a refused value: the key is `error.<field>.<reason>`.
    pub fn invalid(&mut self, field: &'static str, why: Invalid) {
        let reason = match why {
            Invalid::Missing => "missing",
            Invalid::TooLong => "too_long",
            Invalid::TooShort => "too_short",
            Invalid::BadFormat => "bad_format",
            Invalid::NotAChoice => "not_a_choice",
            Invalid::OutOfRange => "out_of_range",
            Invalid::Unsendable => "unsendable",
        };
        self.add(field, format!("error.{field}.{reason}"));
    }

    /// Keeps a parsed value, or records why it was refused.
    pub fn check<T>(&mut self, field: &'static str, parsed: Result<T, Invalid>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(why) => {
                self.invalid(field, why);
                None
            }
        }
    }

    /// Whether the form was accepted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many errors there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The message for a field, in the page's language.
    pub fn message(&self, ctx: &PageContext, field: &str) -> Option<String> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| message(ctx, e))
    }

    /// Every error.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }
}

impl From<Vec<(&'static str, Invalid)>> for Errors {
    /// A step's refused fields as the page's errors, each with its usual message.
    fn from(refused: Vec<(&'static str, Invalid)>) -> Self {
        let mut errors = Errors::new();
        for (field, why) in refused {
            errors.invalid(field, why);
        }
        errors
    }
}

fn message(ctx: &PageContext, error: &FieldError) -> String {
    let args: Vec<(&str, &str)> = error.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ctx.tf(&error.key, &args)
}

/// Text as typed, line by line.
pub fn lines(text: &str) -> Markup {
    html! {
        @for (i, line) in text.lines().enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

/// The error summary: a box at the top of a rejected form that takes focus and links to each
/// field. The page's script-free focus comes from `autofocus`; links move to the fields.
pub fn error_summary(ctx: &PageContext, errors: &Errors) -> Markup {
    if errors.is_empty() {
        return html! {};
    }
    html! {
        div .error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
            h2 #error-summary-title .error-summary__title { (ctx.t("error_summary.title")) }
            ul .error-summary__list {
                @for error in errors.iter() {
                    li { a href={ "#" (error.field) } { (message(ctx, error)) } }
                }
            }
        }
    }
}

/// A text input with its label, hint and error.
#[derive(Debug, Clone, Default)]
pub struct Input<'a> {
    /// Name and id.
    pub name: &'a str,
    /// The visible label.
    pub label: &'a str,
    /// An optional hint under the label.
    pub hint: Option<&'a str>,
    /// What was typed, shown again.
    pub value: &'a str,
    /// The input type: `text`, `email`, `password`.
    pub kind: &'a str,
    /// The `autocomplete` token for personal fields.
    pub autocomplete: Option<&'a str>,
    /// The error message, when rejected.
    pub error: Option<String>,
    /// Turns spell-checking off (emails, names, codes).
    pub no_spellcheck: bool,
    /// A CSS width class such as `width-20`.
    pub width: Option<&'a str>,
}

fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{name}-hint"));
    }
    if error {
        ids.push(format!("{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn hint_and_error(
    ctx: &PageContext,
    name: &str,
    hint: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        @if let Some(hint) = hint {
            div .hint #{ (name) "-hint" } { (hint) }
        }
        @if let Some(error) = error {
            p .error-message #{ (name) "-error" } {
                span .visually-hidden { (ctx.t("error.prefix")) }
                (error)
            }
        }
    }
}

fn input_class(error: bool, width: Option<&str>) -> String {
    let mut class = String::from("input");
    if error {
        class.push_str(" input--error");
    }
    if let Some(width) = width {
        class.push(' ');
        class.push_str(width);
    }
    class
}

/// Renders an [`Input`].
pub fn input(ctx: &PageContext, field: Input<'_>) -> Markup {
    let kind = if field.kind.is_empty() {
        "text"
    } else {
        field.kind
    };
    let error = field.error.as_deref();
    // One class attribute: maud writes a second `class` when shorthand classes meet `class=`.
    let class = input_class(error.is_some(), field.width);
    let value = if kind == "password" {
        field.value
    } else {
        ctx.field_value(field.name, field.value)
    };
    let control = html! {
        input class=(class)
            type=(kind) id=(field.name) name=(field.name) value=(value)
            autocomplete=[field.autocomplete]
            spellcheck=[field.no_spellcheck.then_some("false")]
            aria-describedby=[described_by(field.name, field.hint.is_some(), error.is_some())]
            aria-invalid=[error.map(|_| "true")];
    };
    labelled(ctx, field.name, field.label, (field.hint, error), control)
}

/// A multi-line text area.
pub fn textarea(
    ctx: &PageContext,
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    error: Option<&str>,
) -> Markup {
    textarea_with_id(ctx, name, name, label, hint, value, error)
}

/// A multi-line text area whose id is not its name: for a page with several forms that send
/// the same field, where each box (and its hint and error) needs an id of its own.
pub fn textarea_with_id(
    ctx: &PageContext,
    id: &str,
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    error: Option<&str>,
) -> Markup {
    let value = ctx.field_value(name, value);
    let control = html! {
        textarea .textarea .input--error[error.is_some()] id=(id) name=(name) rows="5"
            aria-describedby=[described_by(id, hint.is_some(), error.is_some())]
            aria-invalid=[error.map(|_| "true")] { (value) }
    };
    labelled(ctx, id, label, (hint, error), control)
}

/// A form group around one control: its label, then its hint and error, then the control.
fn labelled(
    ctx: &PageContext,
    name: &str,
    label: &str,
    (hint, error): (Option<&str>, Option<&str>),
    control: Markup,
) -> Markup {
    html! {
        div .form-group .form-group--error[error.is_some()] {
            label .label for=(name) { (label) }
            (hint_and_error(ctx, name, hint, error))
            (control)
        }
    }
}

/// One choice among radios or checkboxes.
#[derive(Debug, Clone)]
pub struct Choice<'a> {
    /// The submitted value.
    pub value: &'a str,
    /// The visible label.
    pub label: String,
    /// An optional hint under the label.
    pub hint: Option<String>,
}

/// Radios or checkboxes in a fieldset whose legend asks the question.
#[derive(Debug, Clone)]
pub struct ChoiceGroup<'a> {
    /// The field name; the first control's id, so error links land on it.
    pub name: &'a str,
    /// The question.
    pub legend: &'a str,
    /// Whether the legend is the page's heading.
    pub legend_is_heading: bool,
    /// An optional hint.
    pub hint: Option<&'a str>,
    /// The choices.
    pub choices: Vec<Choice<'a>>,
    /// The values currently chosen.
    pub selected: Vec<&'a str>,
    /// The error message, when rejected.
    pub error: Option<String>,
    /// Checkboxes instead of radios.
    pub multiple: bool,
}

/// Renders a [`ChoiceGroup`].
pub fn choices(ctx: &PageContext, group: ChoiceGroup<'_>) -> Markup {
    let error = group.error.as_deref();
    let kind = if group.multiple { "checkbox" } else { "radio" };
    let described = described_by(group.name, group.hint.is_some(), error.is_some());
    // A refused form's choices, when it held this group; other forms on the page keep theirs.
    let selected = match ctx.kept.as_deref().map(|kept| kept.values(group.name)) {
        Some(kept) if !kept.is_empty() => kept,
        _ => group.selected.clone(),
    };
    html! {
        div .form-group .form-group--error[error.is_some()] {
            fieldset .fieldset aria-describedby=[described] {
                legend .fieldset__legend .fieldset__legend--heading[group.legend_is_heading] {
                    @if group.legend_is_heading { h1 .heading-l { (group.legend) } } @else { (group.legend) }
                }
                (hint_and_error(ctx, group.name, group.hint, error))
                div .choices {
                    @for (i, choice) in group.choices.iter().enumerate() {
                        @let id = if i == 0 { group.name.to_owned() } else { format!("{}-{}", group.name, i + 1) };
                        div .choice {
                            input .choice__input type=(kind) id=(id) name=(group.name) value=(choice.value)
                                checked[selected.contains(&choice.value)]
                                aria-describedby=[choice.hint.as_ref().map(|_| format!("{id}-item-hint"))];
                            label .choice__label for=(id) { (choice.label) }
                            @if let Some(hint) = &choice.hint {
                                // Not `{id}-hint`: the first choice's id is the group's name,
                                // whose own hint already has that id.
                                div .hint .choice__hint #{ (id) "-item-hint" } { (hint) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A date as three plain number fields (year, month, day), in the order the language writes
/// them. No script and no calendar widget needed.
pub fn date_input(
    ctx: &PageContext,
    name: &str,
    legend: &str,
    hint: Option<&str>,
    value: (&str, &str, &str),
    error: Option<&str>,
) -> Markup {
    let (year, month, day) = value;
    let parts = [
        ("year", year, "width-4"),
        ("month", month, "width-2"),
        ("day", day, "width-2"),
    ];
    let ordered: Vec<_> = match ctx.lang {
        crate::domain::Lang::Ja => parts.to_vec(),
        crate::domain::Lang::En => vec![parts[2], parts[1], parts[0]],
    };
    html! {
        div .form-group .form-group--error[error.is_some()] {
            fieldset .fieldset role="group" aria-describedby=[described_by(name, hint.is_some(), error.is_some())] {
                legend .fieldset__legend { (legend) }
                (hint_and_error(ctx, name, hint, error))
                div .date-input {
                    @for (i, (part, val, width)) in ordered.iter().enumerate() {
                        @let id = if i == 0 { name.to_owned() } else { format!("{name}-{part}") };
                        div .date-input__item {
                            label .label for=(id) { (ctx.t(&format!("date.{part}"))) }
                            input class=(input_class(error.is_some(), Some(width))) type="text" inputmode="numeric"
                                id=(id) name={ (name) "-" (part) } value=(ctx.field_value(&format!("{name}-{part}"), val));
                        }
                    }
                }
            }
        }
    }
}

/// A time of day (hours and minutes) with the browser's own time control.
pub fn time_input(
    ctx: &PageContext,
    name: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    error: Option<&str>,
) -> Markup {
    let value = ctx.field_value(name, value);
    let control = html! {
        input .input .width-5 .input--error[error.is_some()] type="time" step="900" id=(name) name=(name) value=(value)
            aria-describedby=[described_by(name, hint.is_some(), error.is_some())];
    };
    labelled(ctx, name, label, (hint, error), control)
}

/// One row of a summary list.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    /// What the row is.
    pub key: String,
    /// Its value.
    pub value: Markup,
    /// Where to change it, with the hidden words that say what is changed.
    pub change: Option<(String, String)>,
}

impl SummaryRow {
    /// A row with no change link, its value's line breaks kept.
    pub fn plain(key: &str, value: String) -> Self {
        SummaryRow {
            key: key.to_owned(),
            value: lines(&value),
            change: None,
        }
    }
}

/// A list of answers with change links, as on a "check your answers" page.
pub fn summary_list(ctx: &PageContext, rows: &[SummaryRow]) -> Markup {
    html! {
        dl .summary-list {
            @for row in rows {
                div .summary-list__row {
                    dt .summary-list__key { (row.key) }
                    dd .summary-list__value { (row.value) }
                    @if let Some((href, what)) = &row.change {
                        dd .summary-list__actions {
                            a href=(href) { (ctx.t("summary.change")) span .visually-hidden { " " (what) } }
                        }
                    }
                }
            }
        }
    }
}

/// How important a banner is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Banner {
    /// Something worth knowing.
    Important,
    /// Something that went well.
    Success,
}

/// A banner at the top of the content.
pub fn notification_banner(ctx: &PageContext, kind: Banner, body: Markup) -> Markup {
    // An id per kind: a page may show a success and an important banner together.
    let (class, title, role, id) = match kind {
        Banner::Important => (
            "banner",
            ctx.t("banner.important"),
            "region",
            "important-banner-title",
        ),
        Banner::Success => (
            "banner banner--success",
            ctx.t("banner.success"),
            "alert",
            "success-banner-title",
        ),
    };
    html! {
        div class=(class) role=(role) aria-labelledby=(id) {
            div .banner__header { h2 .banner__title #(id) { (title) } }
            div .banner__content { (body) }
        }
    }
}

/// A form that posts to `action` with the CSRF token.
pub fn form(ctx: &PageContext, action: &str, body: Markup) -> Markup {
    html! {
        form method="post" action=(action) novalidate {
            (csrf_field(ctx))
            (body)
        }
    }
}

/// The hidden field that carries the CSRF token.
pub fn csrf_field(ctx: &PageContext) -> Markup {
    html! { input type="hidden" name="csrf_token" value=(ctx.csrf_token); }
}

/// The main button of a form.
pub fn button(label: &str) -> Markup {
    html! { button .button type="submit" { (label) } }
}

/// A less prominent button.
pub fn secondary_button(label: &str) -> Markup {
    html! { button .button .button--secondary type="submit" { (label) } }
}

/// A button for something that cannot easily be undone.
pub fn warning_button(label: &str) -> Markup {
    html! { button .button .button--warning type="submit" { (label) } }
}

/// The name of a topic, the same in booking, requests and staff pages. A stored value the
/// desk no longer offers is shown as it is.
pub fn topic_name(ctx: &PageContext, topic: &str) -> String {
    crate::i18n::find(ctx.lang, &format!("topic.{topic}"))
        .map(str::to_owned)
        .unwrap_or_else(|| topic.to_owned())
}

/// The written ways to reach the desk, for every sentence that speaks of writing to it:
/// the page to write on (the request's thread, or the form for a new request) and, when
/// set, the desk's email address, fax number and postal address.
pub fn write_to_us(ctx: &PageContext, thread: Option<&str>) -> Markup {
    let (href, label) = match thread {
        Some(href) => (href, ctx.t("contact.write.thread")),
        None => (paths::requests::NEW, ctx.t("contact.write.new")),
    };
    let desk = &ctx.desk;
    html! {
        div .write-to-us {
            p { (ctx.t("contact.write.lead")) }
            ul .list .list--bullet {
                li { a href=(href) { (label) } }
                @if let Some(email) = &desk.email {
                    li { (ctx.t("contact.write.email")) " " a .break-anywhere href={ "mailto:" (email) } { (email) } }
                }
                @if let Some(fax) = &desk.fax {
                    li { (ctx.t("contact.write.fax")) " " span .nowrap { (fax) } }
                }
                @if let Some(address) = &desk.postal_address {
                    li { (ctx.t("contact.write.post")) br; span .pre-line { (address) } }
                }
            }
        }
    }
}

/// How to stop a lost or stolen card at any hour: the card issuer's stop page and 24-hour
/// line when set, and the public telephone relay service through which someone who cannot
/// hear or speak on the phone reaches that line.
pub fn card_stop_list(ctx: &PageContext) -> Markup {
    let stop = &ctx.card_stop;
    html! {
        ul .list .list--bullet .card-stop {
            @if let Some(page) = &stop.page {
                li {
                    a #card-stop-page href=(page) { (ctx.t("lost.stop.page")) }
                    br;
                    span .break-anywhere .muted { (page) }
                }
            }
            @if let Some(line) = &stop.line {
                li {
                    (ctx.t("lost.stop.line")) " "
                    a #card-stop-line .nowrap href={ "tel:" (dial(line)) } { (line) }
                }
                li { (ctx.t("lost.stop.relay")) }
            } @else {
                li { (ctx.t("lost.stop.relay_issuer")) }
            }
        }
    }
}

/// A number as dialled: digits and a leading `+` only.
fn dial(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

/// The lost-card guidance where a customer has chosen a lost or stolen card as the topic of
/// something slower (a session, a request): stop the card first, at any hour, and how.
pub fn card_stop_box(ctx: &PageContext, warning_key: &str) -> Markup {
    html! {
        div .card #lost-card-guidance {
            h2 .heading-m { (ctx.t("lost.stop.heading")) }
            div .warning-text { strong { (ctx.t(warning_key)) } }
            (card_stop_list(ctx))
            p { a href=(paths::requests::LOST_CARD) { (ctx.t("lost.stop.more")) } }
        }
    }
}

/// A link back to the previous step.
pub fn back_link(ctx: &PageContext, href: &str) -> Markup {
    html! { a .back-link href=(href) { (ctx.t("nav.back")) } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;

    fn ctx(lang: Lang) -> PageContext {
        PageContext::for_tests(lang)
    }

    #[test]
    fn an_input_with_an_error_is_described_by_its_hint_and_error() {
        let ctx = ctx(Lang::En);
        let html = input(
            &ctx,
            Input {
                name: "email",
                label: "Email address",
                hint: Some("We reply here"),
                value: "a<b",
                error: Some("Enter an email address".into()),
                ..Default::default()
            },
        )
        .into_string();
        assert!(html.contains(r#"<label class="label" for="email">Email address</label>"#));
        assert!(html.contains(r#"aria-describedby="email-hint email-error""#));
        assert!(
            html.contains(r#"value="a&lt;b""#),
            "typed text is kept and escaped"
        );
        assert!(
            html.contains(r#"<span class="visually-hidden">Error:</span>Enter an email address"#)
        );
    }

    #[test]
    fn the_error_summary_links_to_each_field_and_takes_focus() {
        let ctx = ctx(Lang::Ja);
        let mut errors = Errors::new();
        errors.invalid("email", Invalid::Missing);
        errors.invalid("role", Invalid::NotAChoice);
        let html = error_summary(&ctx, &errors).into_string();
        assert!(html.contains("autofocus"));
        assert!(html.contains(r##"<a href="#email">メールアドレスを入力してください</a>"##));
        assert!(html.contains(r##"<a href="#role">"##));
        assert_eq!(error_summary(&ctx, &Errors::new()).into_string(), "");
    }

    #[test]
    fn dates_are_three_labelled_fields_in_each_languages_order() {
        let ja = date_input(
            &ctx(Lang::Ja),
            "birth",
            "生年月日",
            None,
            ("1940", "4", "1"),
            None,
        )
        .into_string();
        let en = date_input(
            &ctx(Lang::En),
            "birth",
            "Date of birth",
            None,
            ("1940", "4", "1"),
            Some("Enter a real date"),
        )
        .into_string();
        let position = |html: &str, needle: &str| html.find(needle).unwrap();
        assert!(position(&ja, "birth-year") < position(&ja, "birth-day"));
        assert!(position(&en, "birth-day") < position(&en, "birth-year"));
        assert!(
            en.contains(r#"id="birth""#),
            "the first field carries the id the error summary links to"
        );
        assert!(en.contains("<legend"));
        assert!(en.contains(r#"aria-describedby="birth-error""#));
        let time =
            time_input(&ctx(Lang::En), "start", "Start time", None, "14:00", None).into_string();
        assert!(time.contains(r#"type="time""#) && time.contains(r#"value="14:00""#));
    }

    #[test]
    fn change_links_say_what_they_change() {
        let ctx = ctx(Lang::En);
        let rows = [SummaryRow {
            key: "Name".into(),
            value: maud::html! { "Sato" },
            change: Some(("/x".into(), "name".into())),
        }];
        let html = summary_list(&ctx, &rows).into_string();
        assert!(
            html.contains(r#"<a href="/x">Change<span class="visually-hidden"> name</span></a>"#),
            "{html}"
        );
        let area = textarea(&ctx, "needs", "Other needs", None, "slow pace", None).into_string();
        assert!(area.contains(r#"<textarea class="textarea" id="needs" name="needs" rows="5">slow pace</textarea>"#), "{area}");
        let boxes = choices(
            &ctx,
            ChoiceGroup {
                name: "scope",
                legend: "Scope",
                legend_is_heading: false,
                hint: None,
                choices: vec![
                    Choice {
                        value: "ask",
                        label: "Ask".into(),
                        hint: None,
                    },
                    Choice {
                        value: "book",
                        label: "Book".into(),
                        hint: None,
                    },
                ],
                selected: vec!["book"],
                error: None,
                multiple: true,
            },
        )
        .into_string();
        assert!(boxes.contains(r#"<input class="choice__input" type="checkbox" id="scope-2" name="scope" value="book" checked>"#), "{boxes}");
        let banner =
            notification_banner(&ctx, Banner::Success, maud::html! { "Saved" }).into_string();
        assert!(banner.contains(r#"role="alert""#));
    }
}
