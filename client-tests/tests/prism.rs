//! Contract tests: the generated client against Stoplight Prism mocking the same API description.
//!
//! Prism checks every request against the description, so a request the client builds wrong
//! comes back as 422, and Prism's generated responses exercise the client's decoding. Prism is
//! installed with `npm ci --prefix contract`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use generated_client::reqwest::header::{HeaderMap, HeaderValue};
use generated_client::types::{
    Env, HttpValidationError, RotateWebhookSecretBody, ValidationErrorLocItem,
};
use generated_client::{Client, Error};
use uuid::Uuid;

/// How long Prism may take to start listening; it usually needs a few seconds.
const STARTUP_DEADLINE: Duration = Duration::from_secs(30);

/// How many randomly generated 422 bodies the client must decode.
const DYNAMIC_422_ROUNDS: usize = 50;

/// Webhook ids that stress the client's path encoding: non-ASCII text, `%` that must not be read
/// as an escape, and characters that would end the path if they were sent as they are.
const WEBHOOK_IDS: [&str; 6] = [
    "wh_01HZX3J8Q2",
    "café-☕-вебхук",
    "100%",
    "%41%2",
    "a b?c#d&e=f+g",
    "...",
];

/// All one contract test, so that one Prism process serves every check and its guard is dropped,
/// killing it, whether the checks pass or panic.
#[tokio::test]
async fn generated_client_honours_the_contract_prism_enforces() {
    let prism = Prism::start().await;

    every_valid_call_gets_204(&prism).await;
    missing_key_surfaces_401_as_unexpected_status(&prism).await;
    dynamic_422_bodies_decode_as_api_errors(&prism).await;
}

/// Calls that match the description must pass Prism's request validation, which answers 422
/// (with the reasons in its `sl-violations` header and its log) to any request that does not.
async fn every_valid_call_gets_204(prism: &Prism) {
    let client = Client::builder()
        .base_url(prism.base_url())
        .management_key("test-management-key")
        .build()
        .expect("client builds");
    let keys = [
        None,
        Some(String::new()),
        Some("whsec_rotated".to_owned()),
        Some("ключ 🔑 \"quoted\"\n\\".to_owned()),
    ];

    for environment in Env::ALL {
        for key in &keys {
            for webhook_id in WEBHOOK_IDS {
                let body = RotateWebhookSecretBody { key: key.clone() };
                let result = client
                    .rotate_webhook_secret(
                        Uuid::new_v4(),
                        Uuid::new_v4(),
                        environment,
                        webhook_id,
                        &body,
                    )
                    .await;
                if let Err(error) = result {
                    panic!(
                        "Prism refused a valid call ({environment}, key {key:?}, webhook id \
                         {webhook_id:?}): {error:?}\nPrism log:\n{}",
                        prism.log()
                    );
                }
            }
        }
    }

    // The nil UUID is as valid as any other, and a hand-written validator might not think so.
    let body = RotateWebhookSecretBody::default();
    let result = client
        .rotate_webhook_secret(Uuid::nil(), Uuid::nil(), Env::Sandbox, "wh", &body)
        .await;
    if let Err(error) = result {
        panic!(
            "Prism refused nil UUIDs: {error:?}\nPrism log:\n{}",
            prism.log()
        );
    }
}

/// The description documents no 401, so Prism's problem document must reach the caller as an
/// undocumented status with the body intact rather than be dropped or misread.
async fn missing_key_surfaces_401_as_unexpected_status(prism: &Prism) {
    let client = Client::builder()
        .base_url(prism.base_url())
        .build()
        .expect("client builds");

    let result = client
        .rotate_webhook_secret(
            Uuid::new_v4(),
            Uuid::new_v4(),
            Env::Production,
            "wh",
            &RotateWebhookSecretBody::default(),
        )
        .await;

    let body = match result {
        Err(Error::UnexpectedStatus { status, body }) => {
            assert_eq!(status.as_u16(), 401, "status of a call without a key");
            body
        }
        other => panic!("a call without a key must fail with UnexpectedStatus 401, got {other:?}"),
    };
    assert_eq!(body.content_type(), Some("application/problem+json"));
    assert!(!body.is_truncated());
    let problem: serde_json::Value = serde_json::from_str(&body.text())
        .unwrap_or_else(|e| panic!("401 body is not the JSON Prism sent ({e}): {body:?}"));
    assert_eq!(problem["status"], 401, "problem document: {problem}");
    assert!(
        problem["title"]
            .as_str()
            .is_some_and(|title| !title.is_empty()),
        "problem document has no title: {problem}"
    );
}

/// Prism's dynamic mode invents 422 bodies from the schema, with extra properties and `loc`
/// items of both types, which is what a lenient server could send and the client must accept.
async fn dynamic_422_bodies_decode_as_api_errors(prism: &Prism) {
    let mut headers = HeaderMap::new();
    headers.insert("prefer", HeaderValue::from_static("code=422, dynamic=true"));
    let http = generated_client::reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("HTTP client builds");
    let client = Client::builder()
        .base_url(prism.base_url())
        .management_key("test-management-key")
        .http_client(http)
        .build()
        .expect("client builds");
    let mut integer_locations = 0;

    for round in 0..DYNAMIC_422_ROUNDS {
        let result = client
            .rotate_webhook_secret(
                Uuid::new_v4(),
                Uuid::new_v4(),
                Env::Sandbox,
                "wh",
                &RotateWebhookSecretBody {
                    key: Some("k".to_owned()),
                },
            )
            .await;
        let body: HttpValidationError = match result {
            Err(Error::Api { status, body }) => {
                assert_eq!(status.as_u16(), 422, "status in round {round}");
                body
            }
            Err(Error::InvalidBody {
                status,
                body,
                reason,
            }) => {
                panic!("round {round}: {status} body did not decode ({reason}): {body:?}")
            }
            other => panic!("round {round}: expected a decoded 422, got {other:?}"),
        };
        integer_locations += body
            .detail
            .iter()
            .flatten()
            .flat_map(|error| &error.loc)
            .filter(|item| matches!(item, ValidationErrorLocItem::Integer(_)))
            .count();
    }

    // Without integer `loc` items the untagged enum's second arm would go untested; across 50
    // random bodies Prism produces dozens of them, so none at all means its output changed.
    assert!(
        integer_locations > 0,
        "no dynamic 422 body had an integer `loc` item"
    );
}

/// A Prism mock server on a free loopback port, killed when this value is dropped.
struct Prism {
    child: Child,
    base_url: String,
    log_path: PathBuf,
}

impl Prism {
    /// Starts Prism on the workspace's API description and waits until it accepts connections.
    async fn start() -> Self {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("client-tests sits inside the workspace");
        let program = workspace.join("contract/node_modules/.bin/prism");
        let spec = workspace.join("specs/rotate-webhook-secret.openapi.yaml");
        assert!(
            program.exists(),
            "Prism is not installed at {}; run `npm ci --prefix contract` in {}",
            program.display(),
            workspace.display()
        );

        // The port is free now; Prism binding it a moment later is racy in principle, and a
        // lost race shows up as Prism exiting early, which is reported with its log below.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free loopback port")
            .port();

        // Prism's log goes to a file, not a pipe: nobody would drain a pipe, and a full one
        // would stall the server. The file also explains failures.
        let log_path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{port}.log"));
        let log = File::create(&log_path).expect("Prism log file can be created");
        let log_err = log
            .try_clone()
            .expect("Prism log file handle can be cloned");

        // The script is started directly rather than through npx, so the process id is Prism's
        // own and killing it stops the server. Multiprocess mode, which NODE_ENV=production
        // switches on, would fork the server into a child that outlives that kill.
        let child = Command::new(&program)
            .args(["mock", "--multiprocess=false", "-h", "127.0.0.1", "-p"])
            .arg(port.to_string())
            .arg(&spec)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {} ({e}); is node installed?",
                    program.display()
                )
            });
        let mut prism = Self {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log_path,
        };

        prism.wait_until_listening(port).await;
        prism
    }

    async fn wait_until_listening(&mut self, port: u16) {
        let deadline = Instant::now() + STARTUP_DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("Prism's status can be read") {
                panic!(
                    "Prism exited before listening ({status}); its log:\n{}",
                    self.log()
                );
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "Prism did not listen on port {port} within {STARTUP_DEADLINE:?}; its log:\n{}",
                    self.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The end of what Prism has logged so far, and where the rest is, to explain a failure.
    fn log(&self) -> String {
        const TAIL_LINES: usize = 40;
        let text = match std::fs::read_to_string(&self.log_path) {
            Ok(text) => text,
            Err(e) => return format!("(cannot read {}: {e})", self.log_path.display()),
        };
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n");
        format!("(last lines of {})\n{tail}", self.log_path.display())
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Errors are ignored: kill fails only when Prism has already exited, and then wait
        // still reaps it, so no zombie or orphaned server is left either way.
        let _ = self.child.kill();
        let _ = self.child.wait();

        // A failing test names the log in its message, so it stays; a passing one tidies up.
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log_path);
        }
    }
}
