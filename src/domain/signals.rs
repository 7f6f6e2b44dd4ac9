//! Repeated contact after a matter was resolved, gathered by customer for a person to look
//! at. Contacts sharing an email address or a member number are one customer's; a request
//! that names neither is a customer of its own. Nothing here decides anything about anyone.

use std::collections::{BTreeSet, HashMap};
use time::OffsetDateTime;

/// One contact counted: a message the customer (or their proxy) wrote in a request's thread
/// after the request was first resolved, or a new request sent after an earlier one of
/// theirs was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The request the contact was made in, or the new request.
    pub request_id: i64,
    /// The request's email address, if it has one.
    pub email: Option<String>,
    /// The request's member number, if it has one.
    pub member_number: Option<String>,
    /// When the contact was made.
    pub at: OffsetDateTime,
}

/// One customer's contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerContacts {
    /// The requests the contacts were made in, by id, lowest first.
    pub request_ids: Vec<i64>,
    /// The email addresses they used, in order.
    pub emails: Vec<String>,
    /// The member numbers they gave, in order.
    pub member_numbers: Vec<String>,
    /// How many contacts.
    pub count: usize,
    /// The first contact.
    pub first: OffsetDateTime,
    /// The last contact.
    pub last: OffsetDateTime,
}

/// Finds the group a contact belongs to, shortening the path as it goes.
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Gathers contacts by customer: the most contacts first, then the latest.
pub fn by_customer(contacts: &[Contact]) -> Vec<CustomerContacts> {
    let mut parent: Vec<usize> = (0..contacts.len()).collect();
    let mut first_with: HashMap<String, usize> = HashMap::new();
    for (i, c) in contacts.iter().enumerate() {
        let mut keys = vec![format!("request {}", c.request_id)];
        if let Some(email) = c.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            keys.push(format!("email {}", email.to_lowercase()));
        }
        if let Some(number) = c
            .member_number
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            keys.push(format!("member {number}"));
        }
        for key in keys {
            match first_with.get(&key) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a] = b;
                }
                None => {
                    first_with.insert(key, i);
                }
            }
        }
    }
    let mut groups: HashMap<usize, Vec<&Contact>> = HashMap::new();
    for (i, c) in contacts.iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(c);
    }
    let mut out: Vec<CustomerContacts> = groups
        .into_values()
        .filter_map(|mine| {
            let first = mine.iter().map(|c| c.at).min()?;
            let last = mine.iter().map(|c| c.at).max()?;
            let request_ids: BTreeSet<i64> = mine.iter().map(|c| c.request_id).collect();
            let mut emails = Vec::new();
            let mut member_numbers = Vec::new();
            for c in &mine {
                if let Some(e) = &c.email
                    && !emails
                        .iter()
                        .any(|seen: &String| seen.eq_ignore_ascii_case(e))
                {
                    emails.push(e.clone());
                }
                if let Some(n) = &c.member_number
                    && !member_numbers.contains(n)
                {
                    member_numbers.push(n.clone());
                }
            }
            Some(CustomerContacts {
                request_ids: request_ids.into_iter().collect(),
                emails,
                member_numbers,
                count: mine.len(),
                first,
                last,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.last.cmp(&a.last))
            .then(a.request_ids.cmp(&b.request_ids))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-12-10 09:00 UTC);

    fn contact(request_id: i64, email: Option<&str>, number: Option<&str>, hours: i64) -> Contact {
        Contact {
            request_id,
            email: email.map(str::to_owned),
            member_number: number.map(str::to_owned),
            at: NOW - Duration::hours(hours),
        }
    }

    #[test]
    fn the_same_email_or_member_number_is_the_same_customer() {
        let groups = by_customer(&[
            contact(1, Some("hanako@example.jp"), None, 5),
            contact(2, Some("HANAKO@example.jp"), Some("AB12345"), 4),
            contact(3, None, Some("AB12345"), 3),
            contact(4, Some("taro@example.jp"), None, 2),
            contact(5, None, None, 1),
            contact(5, None, None, 0),
        ]);
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].request_ids, vec![1, 2, 3]);
        assert_eq!(groups[0].count, 3);
        assert_eq!(groups[0].emails, vec!["hanako@example.jp"]);
        assert_eq!(groups[0].member_numbers, vec!["AB12345"]);
        assert_eq!(groups[0].first, NOW - Duration::hours(5));
        assert_eq!(groups[0].last, NOW - Duration::hours(3));
        // A request naming nobody is a customer of its own, and its contacts stay together.
        assert_eq!(groups[1].request_ids, vec![5]);
        assert_eq!(groups[1].count, 2);
        assert_eq!(groups[2].request_ids, vec![4]);
    }

    #[test]
    fn nothing_counted_lists_nobody() {
        assert!(by_customer(&[]).is_empty());
    }
}
