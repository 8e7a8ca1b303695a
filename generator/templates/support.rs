//! Runtime support shared by every operation: errors, path encoding, secrets and body handling.
//!
//! This file is copied verbatim into each generated crate; it names no API of its own.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::StatusCode;

/// The most bytes of an error response body that are kept in memory.
///
/// Error bodies are read only to explain a failure, so a hostile or broken server must not be
/// able to make the client buffer an unbounded amount of data.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// How many characters of a body `Display` shows; the full text stays available on [`Body`].
const DISPLAY_EXCERPT_CHARS: usize = 200;

/// The timeout a [`ClientBuilder`](crate::ClientBuilder) applies to each request unless told
/// otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything that can go wrong when calling an operation.
///
/// `E` is the body type the operation documents for its error statuses.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// An argument could not be sent safely, so nothing was sent.
    InvalidArgument {
        /// The parameter's name in the API description.
        name: &'static str,
        /// Why the value was refused.
        reason: &'static str,
    },
    /// The server answered with a documented error status and a body that decoded.
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The decoded body.
        body: E,
    },
    /// The server answered with a status the operation does not document.
    UnexpectedStatus {
        /// The HTTP status.
        status: StatusCode,
        /// The body as received (at most [`MAX_ERROR_BODY_BYTES`]).
        body: Body,
    },
    /// The server answered with a documented status, but its body did not decode.
    InvalidBody {
        /// The HTTP status.
        status: StatusCode,
        /// The body as received.
        body: Body,
        /// Why decoding failed.
        reason: String,
    },
    /// The request did not complete within the configured timeout.
    Timeout(reqwest::Error),
    /// The connection failed, broke off, or the request could not be built.
    Transport(reqwest::Error),
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered at all.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. }
            | Self::UnexpectedStatus { status, .. }
            | Self::InvalidBody { status, .. } => Some(*status),
            Self::Timeout(source) | Self::Transport(source) => source.status(),
            Self::InvalidArgument { .. } => None,
        }
    }
}

impl<E> From<reqwest::Error> for Error<E> {
    fn from(source: reqwest::Error) -> Self {
        if source.is_timeout() {
            Self::Timeout(source)
        } else {
            Self::Transport(source)
        }
    }
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidArgument { name, reason } => {
                write!(f, "invalid value for `{name}`: {reason}; nothing was sent")
            }
            Self::Api { status, body } => write!(f, "server answered {status}: {body}"),
            Self::UnexpectedStatus { status, body } => {
                write!(
                    f,
                    "server answered with undocumented status {status}: {body}"
                )
            }
            Self::InvalidBody {
                status,
                body,
                reason,
            } => {
                write!(
                    f,
                    "server answered {status} with a body that did not decode ({reason}): {body}"
                )
            }
            Self::Timeout(_) => f.write_str("request timed out"),
            Self::Transport(source) => write!(f, "request failed: {source}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Timeout(source) | Self::Transport(source) => Some(source),
            _ => None,
        }
    }
}

/// A response body kept for an error, with its content type.
#[derive(Clone, PartialEq, Eq)]
pub struct Body {
    bytes: Vec<u8>,
    // Boxed so that every `Result<_, Error<_>>` stays small.
    headers: Box<reqwest::header::HeaderMap>,
    truncated: bool,
}

impl Body {
    /// The bytes received, at most [`MAX_ERROR_BODY_BYTES`] of them.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The body as text; bytes that are not UTF-8 become U+FFFD.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// The `Content-Type` header of the response, if it had a readable one.
    pub fn content_type(&self) -> Option<&str> {
        self.header(reqwest::header::CONTENT_TYPE.as_str())
    }

    /// A response header as text, such as `Retry-After` on a 429; `None` when it is absent or
    /// not visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Every header of the response.
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// Whether the server sent more than [`MAX_ERROR_BODY_BYTES`] and the rest was dropped.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }
}

impl fmt::Debug for Body {
    /// Shows an excerpt, like `Display`: error bodies can be large, and logs should stay short.
    /// Headers other than the content type are left out, since they may carry cookies.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text();
        let excerpt: String = text.chars().take(DISPLAY_EXCERPT_CHARS).collect();
        f.debug_struct("Body")
            .field("excerpt", &excerpt)
            .field("len", &self.bytes.len())
            .field("content_type", &self.content_type())
            .field("truncated", &self.truncated)
            .finish()
    }
}

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.text();
        let text = text.trim();
        if text.is_empty() {
            return f.write_str("(empty body)");
        }
        write_excerpt(f, text)?;
        if self.truncated {
            f.write_str(" [truncated]")?;
        }
        Ok(())
    }
}

/// Why a [`ClientBuilder`](crate::ClientBuilder) could not build a client.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute `http` or `https` URL without query or fragment.
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A credential cannot be sent in an HTTP header; the credential itself is never shown.
    InvalidCredential {
        /// The security scheme's name in the API description.
        scheme: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The HTTP client could not be created (for example, TLS could not be initialised).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL `{url}`: {reason}"),
            Self::InvalidCredential { scheme, reason } => {
                write!(f, "invalid credential for `{scheme}`: {reason}")
            }
            Self::Http(source) => write!(f, "cannot create the HTTP client: {source}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(source) => Some(source),
            _ => None,
        }
    }
}

/// A string that does not name any variant of an enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    pub(crate) type_name: &'static str,
    pub(crate) value: String,
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}",
            self.value.escape_debug(),
            self.type_name
        )
    }
}

impl std::error::Error for ParseEnumError {}

/// A credential held by the client: shown as `<redacted>` by `Debug`, sent as a sensitive header.
#[derive(Clone)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    /// The credential itself, for schemes that send it outside a header.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Turns the credential into a header value that HTTP/2 never compresses into its tables.
    pub(crate) fn header_value(
        &self,
        scheme: &'static str,
        prefix: &str,
    ) -> Result<HeaderValue, BuildError> {
        let invalid = |reason| BuildError::InvalidCredential { scheme, reason };
        if self.0.is_empty() {
            return Err(invalid("it is empty"));
        }
        if self.0.chars().any(char::is_control) {
            return Err(invalid(
                "it contains a control character such as CR, LF or tab",
            ));
        }
        let mut value = HeaderValue::from_str(&format!("{prefix}{}", self.0))
            .map_err(|_| invalid("it contains characters a header cannot carry"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Checks a base URL and returns it without a trailing slash, ready for paths to be appended.
pub(crate) fn normalize_base_url(url: &str) -> Result<String, BuildError> {
    let invalid = |reason: String| BuildError::InvalidBaseUrl {
        url: url.to_owned(),
        reason,
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "scheme `{}` is not http or https",
            parsed.scheme()
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("it has a query or fragment".to_owned()));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// One piece of a request path: text from the API description, or a parameter value.
pub(crate) enum PathPart<'a> {
    /// Text copied from the path template, already valid in a URL path.
    Literal(&'static str),
    /// A parameter value, which must fill exactly one path segment.
    Param(&'static str, &'a str),
}

/// Appends a path to the base URL, percent-encoding each parameter as exactly one segment.
///
/// Every byte outside the URL "unreserved" set is encoded, so `/`, `?`, `#` and `%` can never
/// change the path's shape. Values that are empty, `.` or `..` (also once percent-decoded, since
/// URL parsers and servers collapse `%2e%2e` into `..`) are refused rather than sent, because
/// they would remove or move a segment. A `/` is refused as well: common servers decode `%2F`
/// before routing, which would split the value into two segments.
pub(crate) fn build_url<E>(base: &str, parts: &[PathPart<'_>]) -> Result<String, Error<E>> {
    let mut url = String::from(base);
    for part in parts {
        match part {
            PathPart::Literal(text) => url.push_str(text),
            PathPart::Param(name, value) => {
                let refuse = |reason| Err(Error::InvalidArgument { name, reason });
                if value.is_empty() {
                    return refuse("an empty path segment would change the request path");
                }
                let decoded = percent_decode_fully(value);
                if decoded == "." || decoded == ".." {
                    return refuse("a `.` or `..` path segment would change the request path");
                }
                if decoded.contains('/') {
                    return refuse("a `/` would split the value into several path segments");
                }
                url.extend(percent_encoding::utf8_percent_encode(value, SEGMENT));
            }
        }
    }
    Ok(url)
}

/// Bytes left as they are in a path segment: RFC 3986 "unreserved"; everything else is encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Decodes percent-escapes until nothing changes, so that doubly encoded dots are seen too.
fn percent_decode_fully(value: &str) -> Cow<'_, str> {
    let mut current = Cow::Borrowed(value);
    // Each round shortens the text, so a handful of rounds reaches the fixed point.
    for _ in 0..4 {
        let next = percent_encoding::percent_decode_str(&current)
            .decode_utf8_lossy()
            .into_owned();
        if next == current {
            break;
        }
        current = Cow::Owned(next);
    }
    current
}

/// Reads at most [`MAX_ERROR_BODY_BYTES`] of a response body.
pub(crate) async fn read_limited(mut response: reqwest::Response) -> Result<Body, reqwest::Error> {
    let headers = Box::new(response.headers().clone());
    let mut bytes = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_ERROR_BODY_BYTES - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Body {
        bytes,
        headers,
        truncated,
    })
}

/// Turns an undocumented status into an error that keeps the status and the body.
pub(crate) async fn unexpected<E>(response: reqwest::Response) -> Error<E> {
    let status = response.status();
    match read_limited(response).await {
        Ok(body) => Error::UnexpectedStatus { status, body },
        Err(source) => source.into(),
    }
}

/// Decodes a documented error body as `T` and wraps it as the operation's error type (an enum
/// variant when statuses differ in body type); a body that does not decode is kept as text.
pub(crate) async fn documented_error<T: serde::de::DeserializeOwned, E>(
    response: reqwest::Response,
    wrap: impl FnOnce(T) -> E,
) -> Error<E> {
    let status = response.status();
    let body = match read_limited(response).await {
        Ok(body) => body,
        Err(source) => return source.into(),
    };
    if body.truncated {
        let reason = format!("body exceeds {MAX_ERROR_BODY_BYTES} bytes");
        return Error::InvalidBody {
            status,
            body,
            reason,
        };
    }
    match serde_json::from_slice(&body.bytes) {
        Ok(decoded) => Error::Api {
            status,
            body: wrap(decoded),
        },
        Err(e) => Error::InvalidBody {
            status,
            body,
            reason: e.to_string(),
        },
    }
}

/// Decodes a documented JSON success body; a body that does not decode is kept as text.
pub(crate) async fn json_body<T: serde::de::DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<T, Error<E>> {
    let status = response.status();
    let headers = Box::new(response.headers().clone());
    let bytes = response.bytes().await?;
    serde_json::from_slice(&bytes).map_err(|e| Error::InvalidBody {
        status,
        reason: e.to_string(),
        body: Body {
            truncated: bytes.len() > MAX_ERROR_BODY_BYTES,
            bytes: bytes[..bytes.len().min(MAX_ERROR_BODY_BYTES)].to_vec(),
            headers,
        },
    })
}

/// Writes at most [`DISPLAY_EXCERPT_CHARS`] characters of `text`, marking a cut with `…`.
pub(crate) fn write_excerpt(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    match text.char_indices().nth(DISPLAY_EXCERPT_CHARS) {
        Some((end, _)) => write!(f, "{}…", &text[..end]),
        None => f.write_str(text),
    }
}

/// Writes a value as compact JSON, cut to an excerpt; used by `Display` of error bodies.
pub(crate) fn write_json<T: serde::Serialize>(
    f: &mut fmt::Formatter<'_>,
    value: &T,
) -> fmt::Result {
    match serde_json::to_string(value) {
        Ok(text) => write_excerpt(f, &text),
        Err(_) => f.write_str("(body cannot be shown)"),
    }
}

/// Writes the items of `items` separated by `separator`.
pub(crate) fn write_joined<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
    separator: &str,
) -> fmt::Result {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            f.write_str(separator)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// A parameter value as text: strings as they are, everything else as its JSON form (so enums
/// use their wire names and numbers their usual spelling).
pub(crate) fn param_string<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A header value for a parameter, refusing control characters rather than sending them.
pub(crate) fn header_value<E>(name: &'static str, value: &str) -> Result<HeaderValue, Error<E>> {
    if value.chars().any(char::is_control) {
        return Err(Error::InvalidArgument {
            name,
            reason: "a header cannot carry control characters",
        });
    }
    HeaderValue::from_str(value).map_err(|_| Error::InvalidArgument {
        name,
        reason: "not a valid header value",
    })
}

/// A cookie value, percent-encoding what a cookie may not carry.
pub(crate) fn cookie_value<T: serde::Serialize>(value: &T) -> String {
    const COOKIE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b',')
        .add(b';')
        .add(b'\\')
        .add(b'%');
    percent_encoding::utf8_percent_encode(&param_string(value), COOKIE).to_string()
}

/// A `multipart/form-data` body under construction: text parts for ordinary values, file
/// parts for bytes.
pub(crate) struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    pub(crate) fn new() -> Self {
        let boundary = format!("----generated-client-boundary-{:016x}", boundary_seed());
        Self {
            boundary,
            body: Vec::new(),
        }
    }

    /// Adds a value as text: strings as they are, arrays as one part per item (as form servers
    /// read repeated fields), anything else as JSON; `null` and `None` add nothing.
    pub(crate) fn text<T: serde::Serialize>(&mut self, name: &str, value: &T) {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Array(items)) => {
                for item in items {
                    self.text_value(name, item);
                }
            }
            Ok(value) => self.text_value(name, value),
            Err(_) => {}
        }
    }

    fn text_value(&mut self, name: &str, value: serde_json::Value) {
        let text = match value {
            serde_json::Value::Null => return,
            serde_json::Value::String(text) => text,
            other => other.to_string(),
        };
        self.part(name, None, text.as_bytes());
    }

    /// Adds bytes as a file part named after the field.
    pub(crate) fn file(&mut self, name: &str, bytes: &[u8]) {
        self.part(name, Some("application/octet-stream"), bytes);
    }

    /// Adds every property of an object as text (for bodies without a declared shape).
    pub(crate) fn fields<T: serde::Serialize>(&mut self, value: &T) {
        if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(value) {
            for (name, field) in fields {
                self.text_value(&name, field);
            }
        }
    }

    fn part(&mut self, name: &str, file_type: Option<&str>, bytes: &[u8]) {
        // Quotes and line breaks would end the header early; names come from the API
        // description, so this only guards against odd ones.
        let name = name.replace('"', "%22").replace(['\r', '\n'], " ");
        let mut head = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"{name}\"",
            self.boundary
        );
        if let Some(file_type) = file_type {
            head.push_str(&format!(
                "; filename=\"{name}\"\r\nContent-Type: {file_type}"
            ));
        }
        head.push_str("\r\n\r\n");
        self.body.extend_from_slice(head.as_bytes());
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
    }

    /// The content type (with its boundary) and the finished body.
    pub(crate) fn finish(mut self) -> (String, Vec<u8>) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body,
        )
    }
}

/// A value that differs between requests, so a boundary is unlikely to occur in the data.
fn boundary_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}
