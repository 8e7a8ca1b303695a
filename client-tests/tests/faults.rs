//! Tests of the generated client against servers that break off, stall, or send odd bodies:
//! every fault must come back as the right error, never as a panic or a hang.

use std::time::Duration;

use client_tests::{head_announcing, End, Reply, Server};
use generated_client::types::{Env, HttpValidationError, RotateWebhookSecretBody};
use generated_client::{Client, Error, MAX_ERROR_BODY_BYTES};
use uuid::Uuid;

type Outcome = Result<(), Error<HttpValidationError>>;

async fn rotate(client: &Client) -> Outcome {
    let body = RotateWebhookSecretBody {
        key: Some("k".to_owned()),
    };
    client
        .rotate_webhook_secret(Uuid::new_v4(), Uuid::new_v4(), Env::Sandbox, "wh_1", &body)
        .await
}

/// Starts a server giving `reply`, calls it once with the default test client, and returns the
/// error the call must have produced.
async fn fail_with(reply: Reply) -> Error<HttpValidationError> {
    let server = Server::start(reply).await;
    let error = rotate(&server.client())
        .await
        .expect_err("the call must fail");
    assert_eq!(server.requests().len(), 1, "the request was sent once");
    error
}

#[tokio::test]
async fn reset_in_the_middle_of_a_body_is_a_transport_error() {
    let mut bytes = head_announcing(500, "text/plain", 1000);
    bytes.extend_from_slice(b"the first few bytes of a much longer body");

    let error = fail_with(Reply::Raw {
        bytes,
        end: End::Reset,
    })
    .await;

    assert!(
        matches!(error, Error::Transport(_)),
        "expected Error::Transport, got {error:?}"
    );
    assert!(error.to_string().starts_with("request failed"), "{error}");
}

#[tokio::test]
async fn clean_close_in_the_middle_of_a_documented_body_is_a_transport_error() {
    let mut bytes = head_announcing(422, "application/json", 500);
    bytes.extend_from_slice(br#"{"detail":["#);

    let error = fail_with(Reply::Raw {
        bytes,
        end: End::Close,
    })
    .await;

    assert!(
        matches!(error, Error::Transport(_)),
        "expected Error::Transport, got {error:?}"
    );
}

#[tokio::test]
async fn close_without_any_answer_is_a_transport_error() {
    let error = fail_with(Reply::Raw {
        bytes: Vec::new(),
        end: End::Close,
    })
    .await;

    assert!(
        matches!(error, Error::Transport(_)),
        "expected Error::Transport, got {error:?}"
    );
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn refused_connection_is_a_transport_error() {
    // Binding and then dropping a listener yields a port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    let addr = listener.local_addr().expect("reading the bound address");
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("valid settings");

    let error = rotate(&client).await.expect_err("nothing listens");

    assert!(
        matches!(error, Error::Transport(_)),
        "expected Error::Transport, got {error:?}"
    );
}

#[tokio::test]
async fn headers_that_never_finish_time_out() {
    let server = Server::start(Reply::Raw {
        bytes: b"HTTP/1.1 204 No Content\r\nX-Partial: ".to_vec(),
        end: End::Hang,
    })
    .await;
    let client = server
        .builder()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("valid settings");

    let error = rotate(&client).await.expect_err("no complete answer");

    assert!(
        matches!(error, Error::Timeout(_)),
        "expected Error::Timeout, got {error:?}"
    );
    assert_eq!(error.to_string(), "request timed out");
}

#[tokio::test]
async fn body_that_stalls_after_the_head_times_out() {
    let mut bytes = head_announcing(500, "text/plain", 100);
    bytes.extend_from_slice(b"partial");
    let server = Server::start(Reply::Raw {
        bytes,
        end: End::Hang,
    })
    .await;
    let client = server
        .builder()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("valid settings");

    let error = rotate(&client).await.expect_err("no complete answer");

    assert!(
        matches!(error, Error::Timeout(_)),
        "expected Error::Timeout, got {error:?}"
    );
}

#[tokio::test]
async fn empty_200_instead_of_204_is_an_unexpected_status() {
    let error = fail_with(Reply::status(200)).await;

    let text = error.to_string();
    let Error::UnexpectedStatus { status, body } = error else {
        panic!("expected Error::UnexpectedStatus, got {error:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert!(body.bytes().is_empty());
    assert!(text.contains("200"), "{text}");
    assert!(text.contains("(empty body)"), "{text}");
}

#[tokio::test]
async fn non_json_422_is_an_invalid_body() {
    let error = fail_with(Reply::body(422, "text/plain", "Unprocessable: key")).await;

    let Error::InvalidBody {
        status,
        body,
        reason,
    } = error
    else {
        panic!("expected Error::InvalidBody, got {error:?}");
    };
    assert_eq!(status.as_u16(), 422);
    assert_eq!(body.text(), "Unprocessable: key");
    assert_eq!(body.content_type(), Some("text/plain"));
    assert!(!reason.is_empty());
}

#[tokio::test]
async fn html_502_delimited_by_close_keeps_the_html() {
    // Proxies often send error pages without a length and end them by closing the connection.
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let bytes = format!(
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n{html}"
    );

    let error = fail_with(Reply::Raw {
        bytes: bytes.into_bytes(),
        end: End::Close,
    })
    .await;

    let Error::UnexpectedStatus { status, body } = error else {
        panic!("expected Error::UnexpectedStatus, got {error:?}");
    };
    assert_eq!(status.as_u16(), 502);
    assert_eq!(body.text(), html);
    assert_eq!(body.content_type(), Some("text/html"));
}

#[tokio::test]
async fn too_many_requests_keeps_status_and_body() {
    let reply =
        Reply::json(429, r#"{"detail":"Rate limit exceeded"}"#).with_header("Retry-After", "7");

    let error = fail_with(reply).await;

    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    let Error::UnexpectedStatus { status, body } = error else {
        panic!("expected Error::UnexpectedStatus, got {error:?}");
    };
    assert_eq!(status.as_u16(), 429);
    assert_eq!(body.text(), r#"{"detail":"Rate limit exceeded"}"#);
    // The caller decides when to retry, so the server's advice must reach it.
    assert_eq!(body.header("retry-after"), Some("7"));
    assert_eq!(body.content_type(), Some("application/json"));
}

#[tokio::test]
async fn non_utf8_body_keeps_exact_bytes() {
    let raw: &[u8] = &[0xff, 0xfe, b'o', b'k', 0xc3];

    let error = fail_with(Reply::body(500, "application/octet-stream", raw)).await;

    let Error::UnexpectedStatus { status, body } = &error else {
        panic!("expected Error::UnexpectedStatus, got {error:?}");
    };
    assert_eq!(status.as_u16(), 500);
    assert_eq!(body.bytes(), raw);
    assert_eq!(body.text(), "\u{fffd}\u{fffd}ok\u{fffd}");
    assert!(error.to_string().contains("\u{fffd}\u{fffd}ok"), "{error}");
}

/// A body far beyond the limit; its first line differs from the rest so a cut is visible.
fn huge_body() -> Vec<u8> {
    let mut body = b"start of a very large error page\n".to_vec();
    body.resize(5 * 1024 * 1024, b'x');
    body
}

#[tokio::test]
async fn huge_undocumented_body_is_truncated() {
    let error = fail_with(Reply::body(500, "text/plain", huge_body())).await;

    let text = error.to_string();
    let Error::UnexpectedStatus { status, body } = &error else {
        panic!("expected Error::UnexpectedStatus, got {error:?}");
    };
    assert_eq!(status.as_u16(), 500);
    assert_eq!(body.bytes().len(), MAX_ERROR_BODY_BYTES);
    assert_eq!(body.bytes(), &huge_body()[..MAX_ERROR_BODY_BYTES]);
    assert!(body.is_truncated());
    assert!(
        text.chars().count() < 1000,
        "{} chars",
        text.chars().count()
    );
    assert!(text.contains("500"), "{text}");
    assert!(text.contains("start of a very large error page"), "{text}");
    let debug = format!("{error:?}");
    assert!(
        debug.chars().count() < 1000,
        "Debug is not bounded: {} chars",
        debug.len()
    );
}

#[tokio::test]
async fn huge_documented_body_is_an_invalid_body_and_truncated() {
    let error = fail_with(Reply::body(422, "application/json", huge_body())).await;

    let text = error.to_string();
    let Error::InvalidBody { status, body, .. } = &error else {
        panic!("expected Error::InvalidBody, got {error:?}");
    };
    assert_eq!(status.as_u16(), 422);
    assert_eq!(body.bytes().len(), MAX_ERROR_BODY_BYTES);
    assert!(body.is_truncated());
    assert!(
        text.chars().count() < 1000,
        "{} chars",
        text.chars().count()
    );
    assert!(text.contains("422"), "{text}");
}
