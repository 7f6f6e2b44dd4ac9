//! The stylesheet, the scripts that enhance a page and the icons, built into the binary so
//! the server runs from any directory. Each is served under a name that carries a hash of
//! its content, so browsers may keep it for a year and still never see a stale copy.

use crate::paths;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// One file from `assets/`.
pub struct Asset {
    /// The file's name in `assets/`.
    pub name: &'static str,
    /// The name it is served under, with a content hash.
    pub fingerprinted: String,
    /// The `Content-Type` it is served with.
    pub content_type: &'static str,
    /// The file's content.
    pub body: &'static [u8],
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    [
        (
            "site.css",
            "text/css; charset=utf-8",
            include_bytes!("../assets/site.css").as_slice(),
        ),
        (
            "chat.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/chat.js").as_slice(),
        ),
        (
            "staff-room.js",
            "text/javascript; charset=utf-8",
            include_bytes!("../assets/staff-room.js").as_slice(),
        ),
        (
            "favicon.svg",
            "image/svg+xml",
            include_bytes!("../assets/favicon.svg").as_slice(),
        ),
    ]
    .into_iter()
    .map(|(name, content_type, body)| {
        let hash = hex::encode(&Sha256::digest(body)[..6]);
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        Asset {
            name,
            fingerprinted: format!("{stem}.{hash}.{ext}"),
            content_type,
            body,
        }
    })
    .collect()
});

/// The URL of an asset by its file name.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(asset) => paths::public::asset(&asset.fingerprinted),
        None => paths::public::asset(name),
    }
}

/// The asset served under a fingerprinted name.
pub fn lookup(fingerprinted: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.fingerprinted == fingerprinted)
}
