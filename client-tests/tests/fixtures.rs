//! The fixture snapshot crates at work: query, header and cookie parameters, form, multipart and
//! raw bodies, and responses read by status, each checked on the wire.

use client_tests::{Reply, Server};
use snapshot_bodies::types::{Problem, SendFormBody, UploadBody};
use snapshot_bodies::{DownloadError, MultiResponse};
use snapshot_parameters::types::GetItemsByItemIdType;
use snapshot_parameters::GetItemsByItemIdParams;

fn bodies_client(server: &Server) -> snapshot_bodies::Client {
    snapshot_bodies::Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap()
}

#[tokio::test]
async fn query_header_and_cookie_parameters_are_encoded_by_style() {
    let server = Server::start(Reply::json(200, r#"{"id": 7}"#)).await;
    let client = snapshot_parameters::Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let trace = uuid::Uuid::new_v4();
    let params = GetItemsByItemIdParams {
        fields: Some(vec!["a b".into(), "c&d".into()]),
        tags: Some(vec!["x".into(), "y".into()]),
        limit: 5,
        type_: Some(GetItemsByItemIdType::Brief),
        anything: Some("free text".into()),
        session: Some("s 1;".into()),
        x_trace: Some(trace),
    };
    let item = client.get_items_by_item_id(42, &params).await.unwrap();
    assert_eq!(item.id, Some(7));

    let request = server.single_request();
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.target,
        "/items/42?fields=a+b&fields=c%26d&tags=x%2Cy&limit=5&type=brief&anything=free+text",
        "exploded arrays repeat the name, `explode: false` joins with commas"
    );
    assert_eq!(request.header("x-trace"), Some(trace.to_string().as_str()));
    assert_eq!(request.header("cookie"), Some("session=s%201%3B"));
}

#[tokio::test]
async fn optional_parameters_are_left_out() {
    let server = Server::start(Reply::json(200, "{}")).await;
    let client = snapshot_parameters::Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let params = GetItemsByItemIdParams {
        fields: None,
        tags: None,
        limit: 1,
        type_: None,
        anything: None,
        session: None,
        x_trace: None,
    };
    client.get_items_by_item_id(1, &params).await.unwrap();
    let request = server.single_request();
    assert_eq!(request.target, "/items/1?limit=1");
    assert!(request.header_values("cookie").is_empty());
    assert!(request.header_values("x-trace").is_empty());
}

#[tokio::test]
async fn form_bodies_are_url_encoded() {
    let server = Server::start(Reply::status(204)).await;
    let body = SendFormBody {
        user: Some("a b&c".into()),
        age: Some(3),
    };
    bodies_client(&server).send_form(&body).await.unwrap();
    let request = server.single_request();
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.body, b"user=a+b%26c&age=3");
}

#[tokio::test]
async fn multipart_bodies_send_text_parts_and_file_parts() {
    let server = Server::start(Reply::status(202)).await;
    let body = UploadBody {
        title: Some("Report".into()),
        file: vec![0, 255, b'\r', b'\n'],
        extras: Some(vec![b"one".to_vec(), b"two".to_vec()]),
        tags: Some(vec!["a".into(), "b".into()]),
    };
    bodies_client(&server).upload(&body).await.unwrap();
    let request = server.single_request();
    let content_type = request.header("content-type").unwrap().to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let text = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
        .into_bytes()
    };
    let file = |name: &str, value: &[u8]| {
        let mut part = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
             filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        part.extend_from_slice(value);
        part.extend_from_slice(b"\r\n");
        part
    };
    let expected = [
        text("title", "Report"),
        file("file", &[0, 255, b'\r', b'\n']),
        file("extras", b"one"),
        file("extras", b"two"),
        text("tags", "a"),
        text("tags", "b"),
        format!("--{boundary}--\r\n").into_bytes(),
    ]
    .concat();
    assert_eq!(
        request.body,
        expected,
        "{}",
        String::from_utf8_lossy(&request.body)
    );
}

#[tokio::test]
async fn raw_bodies_are_sent_as_they_are_and_text_comes_back() {
    let server = Server::start(Reply::body(200, "text/plain", "echo")).await;
    let answer = bodies_client(&server)
        .put_raw(vec![0, 159, 255])
        .await
        .unwrap();
    assert_eq!(answer.as_deref(), Some("echo"));
    let request = server.single_request();
    assert_eq!(
        request.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(request.body, [0, 159, 255]);

    let server = Server::start(Reply::status(204)).await;
    assert_eq!(
        bodies_client(&server).put_raw(Vec::new()).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn successes_with_different_bodies_are_told_apart_by_status() {
    let server = Server::start(Reply::json(
        200,
        r#"{"id": "6f1c0d0e-8a1b-4c7d-9e2f-3a4b5c6d7e8f"}"#,
    ))
    .await;
    let answer = bodies_client(&server).multi().await.unwrap();
    assert!(matches!(answer, MultiResponse::Status200(thing) if thing.id.is_some()));

    let server = Server::start(Reply::body(202, "text/plain", "half done")).await;
    let answer = bodies_client(&server).multi().await.unwrap();
    assert_eq!(answer, MultiResponse::Status202("half done".into()));

    let server = Server::start(Reply::status(204)).await;
    assert_eq!(
        bodies_client(&server).multi().await.unwrap(),
        MultiResponse::Status204
    );
}

#[tokio::test]
async fn errors_with_different_bodies_are_told_apart_by_status() {
    let server = Server::start(Reply::json(500, r#"{"title": "boom", "status": 500}"#)).await;
    let error = bodies_client(&server).download().await.unwrap_err();
    let problem = Problem {
        title: Some("boom".into()),
        status: Some(500),
    };
    match &error {
        snapshot_bodies::Error::Api {
            status,
            body: DownloadError::Status500(body),
        } => {
            assert_eq!(status.as_u16(), 500);
            assert_eq!(body, &problem);
        }
        other => panic!("expected the documented 500 body, got {other:?}"),
    }
    assert!(error.to_string().contains("boom"), "{error}");

    let server = Server::start(Reply::json(418, r#"{"message": "teapot"}"#)).await;
    let error = bodies_client(&server).download().await.unwrap_err();
    assert!(
        matches!(&error, snapshot_bodies::Error::Api { body: DownloadError::Status4xx(b), .. }
            if b.message.as_deref() == Some("teapot")),
        "{error:?}"
    );
}

#[tokio::test]
async fn default_responses_decode_any_other_status() {
    let server = Server::start(Reply::json(503, r#"{"title": "later"}"#)).await;
    let error = bodies_client(&server).send_json(None).await.unwrap_err();
    assert!(
        matches!(&error, snapshot_bodies::Error::Api { status, body }
            if status.as_u16() == 503 && body.title.as_deref() == Some("later")),
        "{error:?}"
    );
}
