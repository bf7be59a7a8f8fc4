//! # kiemdiem-pages
//!
//! The HTML pages of kiemdiem: askama templates (`templates/`, checked at compile time) and the
//! catalogue of interface strings ([`i18n`]). Each page is a struct of display-ready values —
//! text already formatted the Vietnamese way (dd/mm/yyyy, 1.234), links already built — that
//! the web crate fills from the app's use cases; no rule, no query and no formatting decision
//! lives here. Kept in its own crate so that editing a template recompiles only this crate and
//! the thin web layer above it.

pub mod i18n;
mod pages;

pub use i18n::{Tr, tk};
pub use pages::*;

pub use askama::Template;

/// Renders a page; a template that fails to render is a bug, reported as text.
pub fn render<T: Template>(page: &T) -> Result<String, String> {
    page.render().map_err(|e| e.to_string())
}

/// What every page shares: the catalogue, the title, the signed-in person, the CSRF token of
/// their session, the menu, a one-time message, and the addresses of the stylesheet and script.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub tr: &'static Tr,
    pub title: String,
    pub user: Option<UserBar>,
    /// The session's synchronizer token (empty when not signed in).
    pub csrf: String,
    pub nav: Vec<NavLink>,
    pub flash: Option<Flash>,
    pub css: &'static str,
    pub js: &'static str,
}

/// The signed-in person, as the header shows them.
#[derive(Debug, Clone)]
pub struct UserBar {
    pub display_name: String,
    /// Their roles in a few words ("Bí thư chi bộ — Chi bộ thôn Đông").
    pub roles: String,
}

/// A link of the menu.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// A one-time message after an action: `ok` or `error`.
#[derive(Debug, Clone)]
pub struct Flash {
    pub kind: &'static str,
    pub text: String,
}

/// A link with an optional note.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
    pub note: String,
}
