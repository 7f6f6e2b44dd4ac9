//! Who signs in, and the links emailed to them. Staff and proxies are two realms of accounts
//! with the same rules (one sign-in, one kind of session, the same single-use links), told
//! apart by their own addresses, cookies and tables. Which of the site's addresses belong to
//! a realm is said here: the pages, the router and the emailed links ask a realm for them.

use super::token::before_token;
use crate::paths;
use time::Duration;

stored_names! {
    /// Whose account: a staff member's or a proxy's. The stored name tells the rows of one
    /// realm from the other's in the shared sign-in, session and link tables.
    Realm {
        /// Desk staff, behind `/staff`.
        Staff = "staff",
        /// Proxies acting for customers, behind `/proxy`.
        Proxy = "proxy",
    }
}

impl Realm {
    /// Where a realm's sign-in leads when nothing else was asked for, and the start of
    /// every one of its addresses.
    pub fn home(self) -> &'static str {
        match self {
            Realm::Staff => paths::staff::HOME,
            Realm::Proxy => paths::proxy::HOME,
        }
    }

    /// The realm's sign-in page.
    pub fn login(self) -> &'static str {
        match self {
            Realm::Staff => paths::staff::LOGIN,
            Realm::Proxy => paths::proxy::LOGIN,
        }
    }

    /// The realm's page for asking for a password reset link.
    pub fn forgot(self) -> &'static str {
        match self {
            Realm::Staff => paths::staff::FORGOT,
            Realm::Proxy => paths::proxy::FORGOT,
        }
    }

    /// The realm whose addresses `path` is one of.
    pub fn of_path(path: &str) -> Option<Realm> {
        Realm::ALL.iter().copied().find(|realm| {
            path.strip_prefix(realm.home())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    }

    /// The address of an emailed link without its token, such as `/staff/invitation/`.
    pub fn link_path(self, purpose: LinkPurpose) -> &'static str {
        before_token(match (self, purpose) {
            (Realm::Staff, LinkPurpose::FirstPassword) => paths::staff::INVITATION,
            (Realm::Staff, LinkPurpose::PasswordReset) => paths::staff::RESET,
            (Realm::Proxy, LinkPurpose::FirstPassword) => paths::proxy::ACTIVATE,
            (Realm::Proxy, LinkPurpose::PasswordReset) => paths::proxy::RESET,
        })
    }

    /// The realm and purpose of the emailed link `path` opens, token and all.
    pub fn link_of_path(path: &str) -> Option<(Realm, LinkPurpose)> {
        let realm = Realm::of_path(path)?;
        LinkPurpose::ALL
            .iter()
            .copied()
            .find(|&purpose| path.starts_with(realm.link_path(purpose)))
            .map(|purpose| (realm, purpose))
    }
}

/// What a single-use link emailed to an account lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkPurpose {
    /// Choose the first password: a staff member's invitation, a proxy's activation once
    /// approved.
    FirstPassword,
    /// Choose a new password after forgetting the old one.
    PasswordReset,
}

impl LinkPurpose {
    /// Every purpose.
    pub const ALL: &'static [LinkPurpose] =
        &[LinkPurpose::FirstPassword, LinkPurpose::PasswordReset];

    /// How long a link stays usable: a week to take up an account, an hour to reset.
    pub fn lifetime(self) -> Duration {
        match self {
            LinkPurpose::FirstPassword => Duration::days(7),
            LinkPurpose::PasswordReset => Duration::hours(1),
        }
    }

    /// The stored name of a realm's links of this purpose. The first password is chosen
    /// from an invitation by staff and from an activation by proxies, as each was always
    /// called.
    pub fn as_str(self, realm: Realm) -> &'static str {
        match (self, realm) {
            (LinkPurpose::FirstPassword, Realm::Staff) => "invitation",
            (LinkPurpose::FirstPassword, Realm::Proxy) => "activation",
            (LinkPurpose::PasswordReset, _) => "password_reset",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_its_realm_and_link() {
        assert_eq!(Realm::of_path("/staff"), Some(Realm::Staff));
        assert_eq!(Realm::of_path("/proxy/login"), Some(Realm::Proxy));
        assert_eq!(Realm::of_path("/proxyish"), None);
        assert_eq!(Realm::of_path("/book"), None);
        assert_eq!(
            Realm::link_of_path("/staff/invitation/abc"),
            Some((Realm::Staff, LinkPurpose::FirstPassword))
        );
        assert_eq!(
            Realm::link_of_path("/proxy/reset/abc"),
            Some((Realm::Proxy, LinkPurpose::PasswordReset))
        );
        assert_eq!(Realm::link_of_path("/proxy/login"), None);
        for &realm in Realm::ALL {
            for &purpose in LinkPurpose::ALL {
                assert_eq!(
                    Realm::link_of_path(realm.link_path(purpose)),
                    Some((realm, purpose))
                );
            }
        }
    }

    #[test]
    fn links_keep_their_stored_names_and_lifetimes() {
        assert_eq!(
            LinkPurpose::FirstPassword.as_str(Realm::Staff),
            "invitation"
        );
        assert_eq!(
            LinkPurpose::FirstPassword.as_str(Realm::Proxy),
            "activation"
        );
        assert_eq!(
            LinkPurpose::PasswordReset.as_str(Realm::Proxy),
            "password_reset"
        );
        assert_eq!(LinkPurpose::FirstPassword.lifetime(), Duration::days(7));
        assert_eq!(LinkPurpose::PasswordReset.lifetime(), Duration::hours(1));
    }
}
