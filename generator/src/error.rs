//! Errors and warnings that point at the place in the spec they are about.

use std::fmt;

/// Why a spec could not be turned into a client, and where in the spec the problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// A JSON pointer into the document (`#/paths/~1pets/get`), or empty for the whole file.
    pub location: String,
    /// What is wrong, starting lowercase, without a trailing period.
    pub message: String,
}

impl Error {
    pub(crate) fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// Something the generator handled with a fallback, such as an untyped `serde_json::Value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// A JSON pointer into the document.
    pub location: String,
    /// What was done instead, starting lowercase.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` as RFC 6901 asks.
pub(crate) fn pointer(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_tilde_and_slash() {
        assert_eq!(pointer("#/paths", "/a~b/{id}"), "#/paths/~1a~0b~1{id}");
    }

    #[test]
    fn display_puts_location_first() {
        let error = Error::new("#/info", "missing title");
        assert_eq!(error.to_string(), "#/info: missing title");
    }
}
