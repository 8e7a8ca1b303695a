//! Tests that hostile path values and credentials can neither reshape a request nor leak: each
//! path value fills exactly one segment or is refused before sending, and the key never shows.

use std::time::Duration;

use client_tests::{percent_decode_once, End, Reply, Server};
use generated_client::types::{Env, HttpValidationError, RotateWebhookSecretBody};
use generated_client::{BuildError, Client, Error};
use uuid::Uuid;

/// A key that must never appear in any `Debug` or `Display` output.
const SENTINEL: &str = "SENTINEL-KEY-7f3a";

/// The request path template, split on `/` as the server splits the target.
const TEMPLATE: &str =
    "/v1/org/{org_id}/team/{team_id}/{environment}/webhook/{webhook_id}/secret/rotate";

/// What must happen to a `webhook_id` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Refused with `InvalidArgument`, nothing sent.
    Refused,
    /// Sent as one segment that decodes back to the value.
    Sent,
}

async fn rotate(client: &Client, webhook_id: &str) -> Result<(), Error<HttpValidationError>> {
    client
        .rotate_webhook_secret(
            Uuid::new_v4(),
            Uuid::new_v4(),
            Env::Production,
            webhook_id,
            &RotateWebhookSecretBody::default(),
        )
        .await
}

/// Sends `value` as `webhook_id` to a fresh server and checks the outcome against `expect`.
async fn check_webhook_id(value: &str, expect: Expect) {
    let server = Server::start(Reply::status(204)).await;
    let result = rotate(&server.client(), value).await;
    let requests = server.requests();
    let shown: String = value.chars().take(40).collect();

    match expect {
        Expect::Refused => {
            match result {
                Err(Error::InvalidArgument { name, .. }) => assert_eq!(name, "webhook_id"),
                other => panic!("{shown:?}: expected InvalidArgument, got {other:?}"),
            }
            assert!(
                requests.is_empty(),
                "{shown:?}: refused yet sent {requests:#?}"
            );
        }
        Expect::Sent => {
            if let Err(error) = result {
                panic!("{shown:?}: expected success, got {error:?}");
            }
            assert_eq!(requests.len(), 1, "{shown:?}: {requests:#?}");
            let segments = requests[0].segments();
            let template: Vec<&str> = TEMPLATE.split('/').collect();
            assert_eq!(
                segments.len(),
                template.len(),
                "{shown:?}: path shape changed: {}",
                requests[0].target
            );
            let index = template
                .iter()
                .position(|segment| *segment == "{webhook_id}")
                .expect("the template names webhook_id");
            for (position, (sent, expected)) in segments.iter().zip(&template).enumerate() {
                if !expected.starts_with('{') {
                    assert_eq!(
                        sent, expected,
                        "{shown:?}: literal segment {position} changed"
                    );
                }
            }
            let decoded = String::from_utf8(percent_decode_once(segments[index]))
                .unwrap_or_else(|e| panic!("{shown:?}: segment is not UTF-8 once decoded: {e}"));
            assert!(
                decoded == value,
                "{shown:?}: segment decodes to {decoded:?}"
            );
        }
    }
}

#[tokio::test]
async fn slash_is_refused() {
    check_webhook_id("a/b", Expect::Refused).await;
}

#[tokio::test]
async fn query_and_fragment_characters_stay_in_the_segment() {
    check_webhook_id("a?b#c", Expect::Sent).await;
}

#[tokio::test]
async fn lone_percent_stays_in_the_segment() {
    check_webhook_id("%", Expect::Sent).await;
}

#[tokio::test]
async fn escape_that_is_not_utf8_stays_in_the_segment() {
    check_webhook_id("%FF", Expect::Sent).await;
}

#[tokio::test]
async fn encoded_slash_is_refused() {
    check_webhook_id("%2F", Expect::Refused).await;
    check_webhook_id("a%2fb", Expect::Refused).await;
}

#[tokio::test]
async fn doubly_encoded_slash_is_refused() {
    check_webhook_id("%252F", Expect::Refused).await;
}

#[tokio::test]
async fn dot_segments_are_refused() {
    for value in ["..", ".", "%2e%2e", ".%2E", "%2E", "%252e%252e"] {
        check_webhook_id(value, Expect::Refused).await;
    }
}

#[tokio::test]
async fn dots_inside_a_longer_value_are_sent() {
    check_webhook_id("...", Expect::Sent).await;
    check_webhook_id("a..b", Expect::Sent).await;
}

#[tokio::test]
async fn empty_value_is_refused() {
    check_webhook_id("", Expect::Refused).await;
}

#[tokio::test]
async fn non_ascii_value_stays_in_the_segment() {
    check_webhook_id("café-ü-日本", Expect::Sent).await;
}

#[tokio::test]
async fn ten_thousand_characters_stay_in_one_segment() {
    let value: String = "aZ9-._~?#% é&=+;,".chars().cycle().take(10_000).collect();
    assert_eq!(value.chars().count(), 10_000);

    check_webhook_id(&value, Expect::Sent).await;
}

#[tokio::test]
async fn key_with_line_breaks_or_tabs_is_refused_by_build() {
    for key in [
        format!("{SENTINEL}\r\nX-Injected: 1"),
        format!("{SENTINEL}\n"),
        format!("{SENTINEL}\r"),
        format!("{SENTINEL}\t"),
    ] {
        let error = Client::builder()
            .base_url("http://127.0.0.1:9")
            .management_key(key.clone())
            .build()
            .expect_err("a control character must be refused");
        assert!(
            matches!(
                error,
                BuildError::InvalidCredential {
                    scheme: "ManagementKey",
                    ..
                }
            ),
            "{key:?}: expected InvalidCredential, got {error:?}"
        );
        assert_no_sentinel("BuildError", &format!("{error:?}"));
        assert_no_sentinel("BuildError", &error.to_string());
    }
}

fn assert_no_sentinel(what: &str, text: &str) {
    assert!(!text.contains(SENTINEL), "{what} shows the key: {text}");
}

/// Checks `Debug` and `Display` of an error for the key, and that it is the expected kind.
fn assert_error_hides_key(kind: &str, result: Result<(), Error<HttpValidationError>>) {
    let error = result.expect_err(kind);
    let matches_kind = match kind {
        "Api" => matches!(error, Error::Api { .. }),
        "UnexpectedStatus" => matches!(error, Error::UnexpectedStatus { .. }),
        "InvalidBody" => matches!(error, Error::InvalidBody { .. }),
        "Timeout" => matches!(error, Error::Timeout(_)),
        "Transport" => matches!(error, Error::Transport(_)),
        "InvalidArgument" => matches!(error, Error::InvalidArgument { .. }),
        _ => false,
    };
    assert!(matches_kind, "expected {kind}, got {error:?}");
    assert_no_sentinel(kind, &format!("{error:?}"));
    assert_no_sentinel(kind, &error.to_string());
}

/// A client for `server` that carries the sentinel key.
fn sentinel_client(server: &Server, timeout: Duration) -> Client {
    server
        .builder()
        .management_key(SENTINEL)
        .timeout(timeout)
        .build()
        .expect("valid settings")
}

#[tokio::test]
async fn key_is_sent_but_never_shown() {
    let builder = Client::builder().management_key(SENTINEL);
    assert_no_sentinel("ClientBuilder", &format!("{builder:?}"));
    let client = builder.build().expect("valid settings");
    assert_no_sentinel("Client", &format!("{client:?}"));
    assert!(format!("{client:?}").contains("<redacted>"), "{client:?}");

    let generous = Duration::from_secs(5);
    let api = Server::start(Reply::json(
        422,
        r#"{"detail":[{"loc":["body","key"],"msg":"bad","type":"t"}]}"#,
    ))
    .await;
    assert_error_hides_key("Api", rotate(&sentinel_client(&api, generous), "wh").await);
    // The key must really have been configured and sent, or the checks above prove nothing.
    assert_eq!(
        api.single_request().header("x-management-key"),
        Some(SENTINEL)
    );

    let unexpected = Server::start(Reply::json(401, r#"{"detail":"Not authenticated"}"#)).await;
    assert_error_hides_key(
        "UnexpectedStatus",
        rotate(&sentinel_client(&unexpected, generous), "wh").await,
    );

    let invalid = Server::start(Reply::json(422, "{not json")).await;
    assert_error_hides_key(
        "InvalidBody",
        rotate(&sentinel_client(&invalid, generous), "wh").await,
    );

    let silent = Server::start(Reply::silence()).await;
    let quick = Duration::from_millis(200);
    assert_error_hides_key(
        "Timeout",
        rotate(&sentinel_client(&silent, quick), "wh").await,
    );

    let reset = Server::start(Reply::Raw {
        bytes: Vec::new(),
        end: End::Reset,
    })
    .await;
    assert_error_hides_key(
        "Transport",
        rotate(&sentinel_client(&reset, generous), "wh").await,
    );

    let unused = Server::start(Reply::status(204)).await;
    assert_error_hides_key(
        "InvalidArgument",
        rotate(&sentinel_client(&unused, generous), "..").await,
    );
    assert!(unused.requests().is_empty());
}
