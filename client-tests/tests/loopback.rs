//! End-to-end tests of the generated client against a scripted server on loopback: what goes on
//! the wire, and how each kind of answer comes back.

use std::time::Duration;

use client_tests::{Reply, Server, KEY};
use generated_client::types::{Env, RotateWebhookSecretBody, ValidationErrorLocItem};
use generated_client::{Client, Error};
use uuid::Uuid;

/// What FastAPI answers when `key` is not a string.
const VALIDATION_ERROR: &str = concat!(
    r#"{"detail":[{"loc":["body","key"],"msg":"Input should be a valid string","#,
    r#""type":"string_type","input":5}]}"#,
);

fn with_key(key: &str) -> RotateWebhookSecretBody {
    RotateWebhookSecretBody {
        key: Some(key.to_owned()),
    }
}

/// Calls the operation once with fixed ids, returning them for checks on the path.
async fn rotate(
    client: &Client,
    body: &RotateWebhookSecretBody,
) -> (
    Uuid,
    Uuid,
    Result<(), Error<generated_client::types::HttpValidationError>>,
) {
    let org = Uuid::new_v4();
    let team = Uuid::new_v4();
    let result = client
        .rotate_webhook_secret(org, team, Env::Production, "wh_123", body)
        .await;
    (org, team, result)
}

#[tokio::test]
async fn sends_post_with_exact_path_headers_and_body() {
    let server = Server::start(Reply::status(204)).await;

    let (org, team, result) = rotate(&server.client(), &with_key("new-secret")).await;

    result.expect("204 is success");
    let request = server.single_request();
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.target,
        format!("/v1/org/{org}/team/{team}/production/webhook/wh_123/secret/rotate")
    );
    assert_eq!(request.header("x-management-key"), Some(KEY));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.body, br#"{"key":"new-secret"}"#);
}

#[tokio::test]
async fn absent_key_sends_empty_object() {
    let server = Server::start(Reply::status(204)).await;

    let (_, _, result) = rotate(&server.client(), &RotateWebhookSecretBody { key: None }).await;

    result.expect("204 is success");
    let request = server.single_request();
    assert_eq!(request.body, b"{}");
    assert_eq!(request.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn every_environment_goes_into_the_path_by_its_wire_name() {
    let server = Server::start(Reply::status(204)).await;
    let client = server.client();
    let org = Uuid::new_v4();
    let team = Uuid::new_v4();

    for env in Env::ALL {
        client
            .rotate_webhook_secret(org, team, env, "wh", &with_key("k"))
            .await
            .unwrap_or_else(|e| panic!("{env}: {e}"));
    }

    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    let expected: Vec<String> = ["production", "sandbox"]
        .iter()
        .map(|env| format!("/v1/org/{org}/team/{team}/{env}/webhook/wh/secret/rotate"))
        .collect();
    assert_eq!(targets, expected);
}

#[tokio::test]
async fn validation_error_decodes_into_api_error() {
    let server = Server::start(Reply::json(422, VALIDATION_ERROR)).await;

    let (_, _, result) = rotate(&server.client(), &with_key("k")).await;

    let error = result.expect_err("422 is an error");
    let text = error.to_string();
    let Error::Api { status, body } = error else {
        panic!("expected Error::Api, got {error:?}");
    };
    assert_eq!(status.as_u16(), 422);
    let detail = body.detail.expect("detail is present");
    assert_eq!(detail.len(), 1);
    assert_eq!(
        detail[0].loc,
        [
            ValidationErrorLocItem::String("body".to_owned()),
            ValidationErrorLocItem::String("key".to_owned()),
        ]
    );
    assert_eq!(detail[0].msg, "Input should be a valid string");
    assert_eq!(detail[0].type_, "string_type");
    assert_eq!(detail[0].input, Some(serde_json::json!(5)));
    assert!(
        text.contains("body.key: Input should be a valid string"),
        "{text}"
    );
}

#[tokio::test]
async fn undocumented_401_keeps_status_and_body() {
    let server = Server::start(Reply::json(401, r#"{"detail":"Not authenticated"}"#)).await;

    let (_, _, result) = rotate(&server.client(), &with_key("k")).await;

    let error = result.expect_err("401 is an error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let text = error.to_string();
    let Error::UnexpectedStatus { status, body } = error else {
        panic!("expected Error::UnexpectedStatus, got {error:?}");
    };
    assert_eq!(status.as_u16(), 401);
    assert_eq!(body.text(), r#"{"detail":"Not authenticated"}"#);
    assert_eq!(body.content_type(), Some("application/json"));
    assert!(!body.is_truncated());
    assert!(text.contains("401"), "{text}");
    assert!(text.contains("Not authenticated"), "{text}");
}

#[tokio::test]
async fn html_502_keeps_the_html() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let server = Server::start(Reply::body(502, "text/html", html)).await;

    let (_, _, result) = rotate(&server.client(), &with_key("k")).await;

    let error = result.expect_err("502 is an error");
    let Error::UnexpectedStatus { status, body } = error else {
        panic!("expected Error::UnexpectedStatus, got {error:?}");
    };
    assert_eq!(status.as_u16(), 502);
    assert_eq!(body.text(), html);
    assert_eq!(body.content_type(), Some("text/html"));
}

#[tokio::test]
async fn malformed_validation_error_keeps_raw_text() {
    let malformed = r#"{"detail":[{"loc":["body","#;
    let server = Server::start(Reply::json(422, malformed)).await;

    let (_, _, result) = rotate(&server.client(), &with_key("k")).await;

    let error = result.expect_err("422 is an error");
    let Error::InvalidBody {
        status,
        body,
        reason,
    } = error
    else {
        panic!("expected Error::InvalidBody, got {error:?}");
    };
    assert_eq!(status.as_u16(), 422);
    assert_eq!(body.text(), malformed);
    assert!(!reason.is_empty());
}

#[tokio::test]
async fn silent_server_times_out() {
    let server = Server::start(Reply::silence()).await;
    let client = server
        .builder()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("valid settings");

    let started = std::time::Instant::now();
    let (_, _, result) = rotate(&client, &with_key("k")).await;

    let error = result.expect_err("no answer is an error");
    assert!(
        matches!(error, Error::Timeout(_)),
        "expected Error::Timeout, got {error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    // The request itself did arrive; only the answer was missing.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn client_without_key_sends_no_key_header() {
    let server = Server::start(Reply::status(204)).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .build()
        .expect("valid settings");

    let (_, _, result) = rotate(&client, &with_key("k")).await;

    result.expect("204 is success");
    let request = server.single_request();
    assert!(
        request.header_values("x-management-key").is_empty(),
        "{request:#?}"
    );
}

#[tokio::test]
async fn trailing_slash_in_base_url_adds_no_empty_segment() {
    let server = Server::start(Reply::status(204)).await;
    let client = server
        .builder()
        .base_url(format!("{}/", server.base_url()))
        .build()
        .expect("valid settings");

    let (org, team, result) = rotate(&client, &with_key("k")).await;

    result.expect("204 is success");
    assert_eq!(
        server.single_request().target,
        format!("/v1/org/{org}/team/{team}/production/webhook/wh_123/secret/rotate")
    );
}

#[tokio::test]
async fn default_base_url_is_the_documented_server() {
    assert_eq!(
        Client::DEFAULT_BASE_URL,
        "https://api.management.junction.com"
    );
    let client = Client::builder()
        .build()
        .expect("default settings are valid");
    assert_eq!(client.base_url(), Client::DEFAULT_BASE_URL);
}
