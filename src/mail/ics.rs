//! Calendar attachments (RFC 5545), so a booked session lands in the customer's calendar.

use time::OffsetDateTime;
use time::macros::format_description;

/// Whether the event is being booked (or changed) or called off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A new or changed event.
    Request,
    /// A cancelled event.
    Cancel,
}

/// One event to put in a calendar.
#[derive(Debug, Clone)]
pub struct CalendarEvent {
    /// Stays the same across changes, so calendars update the event instead of adding one.
    pub uid: String,
    /// Goes up by one with every change.
    pub sequence: u32,
    /// When the event was written.
    pub stamp: OffsetDateTime,
    /// When it starts.
    pub start: OffsetDateTime,
    /// When it ends.
    pub end: OffsetDateTime,
    /// The one-line title.
    pub summary: String,
    /// Longer text.
    pub description: String,
    /// Where, such as the address of a video room.
    pub location: Option<String>,
    /// Request or cancel.
    pub method: Method,
    /// Who sends the invitation (an email address), as METHOD:REQUEST needs (RFC 5546).
    pub organizer: Option<String>,
    /// Who it is for (an email address), already accepted: calendars ask nothing back.
    pub attendee: Option<String>,
}

fn utc(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default()
}

/// Escapes text for a property value.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
        .replace('\r', "")
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for ch in line.chars() {
        let len = ch.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += len;
    }
    out.push_str("\r\n");
    out
}

impl CalendarEvent {
    /// The `.ics` file, lines ending in CRLF.
    pub fn render(&self) -> String {
        let method = match self.method {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        };
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            "PRODID:-//Yorisoi//Support desk//EN".to_owned(),
            "CALSCALE:GREGORIAN".to_owned(),
            format!("METHOD:{method}"),
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", escape(&self.uid)),
            format!("SEQUENCE:{}", self.sequence),
            format!("DTSTAMP:{}", utc(self.stamp)),
            format!("DTSTART:{}", utc(self.start)),
            format!("DTEND:{}", utc(self.end)),
            format!("SUMMARY:{}", escape(&self.summary)),
            format!("DESCRIPTION:{}", escape(&self.description)),
        ];
        if let Some(location) = &self.location {
            lines.push(format!("LOCATION:{}", escape(location)));
        }
        if let Some(organizer) = &self.organizer {
            lines.push(format!("ORGANIZER:mailto:{}", escape(organizer)));
        }
        if let Some(attendee) = &self.attendee {
            lines.push(format!(
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{}",
                escape(attendee)
            ));
        }
        lines.push(format!(
            "STATUS:{}",
            if self.method == Method::Cancel {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ));
        lines.push("END:VEVENT".to_owned());
        lines.push("END:VCALENDAR".to_owned());
        lines.iter().map(|l| fold(l)).collect()
    }

    /// The MIME type of the attachment, with its method.
    pub fn content_type(&self) -> &'static str {
        match self.method {
            Method::Request => "text/calendar; charset=utf-8; method=REQUEST",
            Method::Cancel => "text/calendar; charset=utf-8; method=CANCEL",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn event(method: Method) -> CalendarEvent {
        CalendarEvent {
            uid: "booking-K7P3@yorisoi".into(),
            sequence: 2,
            stamp: datetime!(2026-11-22 01:02:03 UTC),
            start: datetime!(2026-11-24 14:00 +9),
            end: datetime!(2026-11-24 14:30 +9),
            summary: "手話通訳によるビデオ相談, 30分".into(),
            description:
                "受付番号: K7P3\n当日はこのリンクから参加してください; よろしくお願いします。"
                    .into(),
            location: Some("https://video.example.jp/room/1".into()),
            method,
            organizer: Some("no-reply@yorisoi.example".into()),
            attendee: Some("hanako@example.jp".into()),
        }
    }

    #[test]
    fn renders_the_required_properties_in_utc() {
        let ics = event(Method::Request).render();
        // Long lines are folded at 75 octets; a reader unfolds them first.
        let unfolded = ics.replace("\r\n ", "");
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        for line in [
            "METHOD:REQUEST",
            "UID:booking-K7P3@yorisoi",
            "SEQUENCE:2",
            "DTSTAMP:20261122T010203Z",
            "DTSTART:20261124T050000Z",
            "DTEND:20261124T053000Z",
            "STATUS:CONFIRMED",
            "ORGANIZER:mailto:no-reply@yorisoi.example",
            "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:hanako@example.jp",
        ] {
            assert!(unfolded.contains(&format!("{line}\r\n")), "{line} in {ics}");
        }
        assert!(ics.contains("SUMMARY:手話通訳によるビデオ相談\\, 30分"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(event(Method::Cancel).render().contains("METHOD:CANCEL\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let ics = event(Method::Request).render();
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("DESCRIPTION:受付番号: K7P3\\n当日はこのリンクから参加してください\\; よろしくお願いします。"));
    }
}
