//! Which address a request came from, when it may have passed through reverse proxies.
//!
//! The TCP peer is the only address nobody can forge. Behind a TLS proxy the peer is the
//! proxy, and the client's own address is in the `Forwarded` or `X-Forwarded-For` header the
//! proxy adds; but any client can send those headers too. So they are believed only from a
//! peer the operator named as a proxy, and read from the right: each trusted hop vouches for
//! the one before it, and the first address no trusted proxy added is the client.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address range such as `10.0.0.0/8`, `::1/128` or a single address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix: u8,
}

impl IpRange {
    /// Reads `address` or `address/prefix`.
    pub fn parse(raw: &str) -> Option<IpRange> {
        let raw = raw.trim();
        let (address, prefix) = match raw.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (raw, None),
        };
        let network: IpAddr = address.parse().ok()?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= bits)?,
            None => bits,
        };
        Some(IpRange { network, prefix })
    }

    /// Whether `address` lies in the range. An IPv4 address seen as IPv6 (`::ffff:a.b.c.d`)
    /// counts as the IPv4 address.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, canonical(address)) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                same_prefix(u32::from(net).into(), u32::from(a).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                same_prefix(u128::from(net), u128::from(a), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

fn same_prefix(a: u128, b: u128, prefix: u8, bits: u32) -> bool {
    if prefix == 0 {
        return true;
    }
    let shift = bits - u32::from(prefix);
    (a >> shift) == (b >> shift)
}

/// The proxies whose forwarding headers are believed; none by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// Reads a list of addresses and ranges separated by commas or spaces. On failure, returns
    /// the entry that is not one.
    pub fn parse(raw: &str) -> Result<TrustedProxies, String> {
        raw.split([',', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(|s| IpRange::parse(s).ok_or_else(|| s.trim().to_owned()))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Whether `address` is one of the proxies.
    pub fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(address))
    }

    /// The client's address: the peer's own, unless the peer is a trusted proxy, in which case
    /// the forwarding header is walked from the right past every trusted proxy. `forwarded` is
    /// the `Forwarded` header (RFC 7239), which wins when present; `x_forwarded_for` the
    /// older header. A header that cannot be read leaves the last address that could.
    pub fn client_address(
        &self,
        peer: IpAddr,
        forwarded: Option<&str>,
        x_forwarded_for: Option<&str>,
    ) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<Option<IpAddr>> = match (forwarded, x_forwarded_for) {
            (Some(f), _) => forwarded_for(f),
            (None, Some(x)) => x.split(',').map(|h| parse_node(h.trim())).collect(),
            (None, None) => Vec::new(),
        };
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            match hop {
                Some(address) => {
                    client = canonical(address);
                    if !self.trusts(client) {
                        break;
                    }
                }
                // An obfuscated or unknown hop: nothing further left can be vouched for.
                None => break,
            }
        }
        client
    }
}

/// The `for=` values of a `Forwarded` header, in order.
fn forwarded_for(header: &str) -> Vec<Option<IpAddr>> {
    header
        .split(',')
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
                .and_then(|(_, value)| parse_node(value.trim().trim_matches('"')))
        })
        .collect()
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711` or a
/// bare IPv6 address.
fn parse_node(raw: &str) -> Option<IpAddr> {
    if let Ok(address) = raw.parse::<IpAddr>() {
        return Some(address);
    }
    if let Some(rest) = raw.strip_prefix('[') {
        let inside = rest.split(']').next()?;
        return inside.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let (host, port) = raw.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_hold_what_they_name() {
        let range = IpRange::parse("10.0.0.0/8").unwrap();
        assert!(range.contains(ip("10.200.3.4")));
        assert!(range.contains(ip("::ffff:10.1.2.3")));
        assert!(!range.contains(ip("11.0.0.1")));
        assert!(
            IpRange::parse("127.0.0.1")
                .unwrap()
                .contains(ip("127.0.0.1"))
        );
        assert!(
            !IpRange::parse("127.0.0.1")
                .unwrap()
                .contains(ip("127.0.0.2"))
        );
        assert!(IpRange::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(
            IpRange::parse("0.0.0.0/0")
                .unwrap()
                .contains(ip("203.0.113.9"))
        );
        for bad in ["10.0.0.0/33", "example.jp", "10.0.0/8", "::1/129", ""] {
            assert_eq!(IpRange::parse(bad), None, "{bad}");
        }
        assert_eq!(
            TrustedProxies::parse("127.0.0.1, 10.0.0.0/8 bogus"),
            Err("bogus".to_owned())
        );
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_address(ip("203.0.113.9"), Some("for=198.51.100.1"), Some("1.2.3.4")),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_first_untrusted_hop_from_the_right_is_the_client() {
        let proxies = TrustedProxies::parse("127.0.0.1,10.0.0.0/8").unwrap();
        let peer = ip("127.0.0.1");
        // A client that forges the header gets its forgery ignored: the proxy appended the
        // real address after it.
        assert_eq!(
            proxies.client_address(peer, None, Some("6.6.6.6, 198.51.100.7")),
            ip("198.51.100.7")
        );
        assert_eq!(
            proxies.client_address(peer, None, Some("198.51.100.7, 10.1.1.1")),
            ip("198.51.100.7")
        );
        assert_eq!(
            proxies.client_address(
                peer,
                Some(r#"for="[2001:db8::7]:4711";proto=https, for=10.0.0.2"#),
                Some("ignored")
            ),
            ip("2001:db8::7")
        );
        assert_eq!(
            proxies.client_address(peer, Some("for=198.51.100.8:1234"), None),
            ip("198.51.100.8")
        );
        assert_eq!(proxies.client_address(peer, None, None), peer);
        assert_eq!(
            proxies.client_address(peer, None, Some("not an address")),
            peer
        );
    }
}
