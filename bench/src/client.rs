//! Client overhead: the generated client against a hand-written reqwest call doing the same
//! work, each sending sequential requests to one in-process HTTP/1.1 server on loopback.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use generated_client::types::{Env, RotateWebhookSecretBody};
use reqwest::header::{HeaderValue, ACCEPT};
use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use crate::median;

/// Requests each client sends before anything is timed (connections, allocator, caches).
const WARM_UP: usize = 1_000;
/// Timed rounds; the clients take turns going first. Many short rounds rather than a few long
/// ones: each round of one client is paired with the adjacent round of the other, so a burst of
/// load from another process spoils a few pairs instead of one client's whole figure.
const ROUNDS: usize = 100;
/// Requests per client per round.
const PER_ROUND: usize = 200;

const ORG: uuid::Uuid = uuid::Uuid::from_u128(0x0b9e_5d7c_1f2a_4e3b_8c6d_5a4f_3e2d_1c0b);
const TEAM: uuid::Uuid = uuid::Uuid::from_u128(0x7a6b_5c4d_3e2f_4a1b_9c8d_7e6f_5a4b_3c2d);
const WEBHOOK: &str = "wh_123";
const KEY: &str = "bench-management-key";
const NEW_SECRET: &str = "new-secret";
/// The generated client's default per-request timeout and user agent, repeated by hand.
const TIMEOUT: Duration = Duration::from_secs(30);
const USER_AGENT: &str = "generated-client/0.1.0";

/// Prints the per-request time of both clients and their ratio.
pub fn run() -> Result<(), String> {
    let server = Server::start()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the client runtime: {e}"))?;
    let result = runtime.block_on(measure(&server));
    server.stop()?;
    result
}

async fn measure(server: &Server) -> Result<(), String> {
    let generated = generated_client::Client::builder()
        .base_url(&server.base_url)
        .management_key(KEY)
        .build()
        .map_err(|e| e.to_string())?;
    let hand = HandWritten::new(&server.base_url)?;
    let body = RotateWebhookSecretBody {
        key: Some(NEW_SECRET.to_owned()),
    };
    let call_generated = || async {
        generated
            .rotate_webhook_secret(ORG, TEAM, Env::Sandbox, WEBHOOK, &body)
            .await
            .map_err(|e| format!("generated client: {e}"))
    };
    let call_hand = || hand.rotate();

    // A ratio only means something if both send the same request, so check the first of each.
    server.record(true);
    call_generated().await?;
    call_hand().await?;
    server.record(false);
    let seen = server.recorded();
    match seen.as_slice() {
        [a, b] if a == b => {}
        _ => {
            return Err(format!(
                "the two clients sent different requests:\n{seen:#?}"
            ))
        }
    }

    for _ in 0..WARM_UP {
        call_generated().await?;
        call_hand().await?;
    }

    let mut generated_rounds = Vec::new();
    let mut hand_rounds = Vec::new();
    for round in 0..ROUNDS {
        for turn in 0..2 {
            let start = Instant::now();
            if (round + turn) % 2 == 0 {
                for _ in 0..PER_ROUND {
                    call_generated().await?;
                }
                generated_rounds.push(start.elapsed());
            } else {
                for _ in 0..PER_ROUND {
                    call_hand().await?;
                }
                hand_rounds.push(start.elapsed());
            }
        }
    }

    let mean_us = |rounds: &[Duration]| {
        rounds.iter().sum::<Duration>().as_secs_f64() * 1e6 / (rounds.len() * PER_ROUND) as f64
    };
    let median_us = |rounds: &mut [Duration]| median(rounds).as_secs_f64() * 1e6 / PER_ROUND as f64;
    let mut ratios: Vec<f64> = generated_rounds
        .iter()
        .zip(&hand_rounds)
        .map(|(g, h)| g.as_secs_f64() / h.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let decile = |q: usize| ratios[(ratios.len() - 1) * q / 10];
    let (mean_generated, mean_hand) = (mean_us(&generated_rounds), mean_us(&hand_rounds));

    println!(
        "client overhead: POST with a JSON body to a loopback HTTP/1.1 keep-alive server that \
         answers 204;"
    );
    println!(
        "{ROUNDS} rounds × {PER_ROUND} sequential requests per client, order alternating, after \
         {WARM_UP} warm-up requests each"
    );
    println!("request check: both clients sent the same request line, headers and body");
    println!(
        "{:>22} {:>21} {:>14}",
        "client", "median round µs/req", "mean µs/req"
    );
    println!(
        "{:>22} {:>21.1} {mean_hand:>14.1}",
        "hand-written reqwest",
        median_us(&mut hand_rounds)
    );
    println!(
        "{:>22} {:>21.1} {mean_generated:>14.1}",
        "generated-client",
        median_us(&mut generated_rounds)
    );
    println!(
        "generated/hand-written: {:.3} (median of {ROUNDS} paired rounds; goal ≤ 1.05); \
         middle 80 % of pairs {:.3} to {:.3}; ratio of means {:.3}",
        decile(5),
        decile(1),
        decile(9),
        mean_generated / mean_hand
    );
    Ok(())
}

/// The same operation written directly against reqwest, as a careful user would without a
/// generator: each path value percent-encoded as one segment, the same headers, the same JSON.
struct HandWritten {
    http: reqwest::Client,
    base_url: String,
    key: HeaderValue,
}

/// The body, declared the way one would by hand.
#[derive(serde::Serialize)]
struct RotateBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
}

/// Bytes kept as they are in a path segment: RFC 3986 "unreserved"; everything else is encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl HandWritten {
    fn new(base_url: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .build()
            .map_err(|e| e.to_string())?;
        let mut key = HeaderValue::from_static(KEY);
        key.set_sensitive(true);
        Ok(Self {
            http,
            base_url: base_url.to_owned(),
            key,
        })
    }

    async fn rotate(&self) -> Result<(), String> {
        let segment =
            |value: &str| percent_encoding::utf8_percent_encode(value, SEGMENT).to_string();
        let url = format!(
            "{}/v1/org/{}/team/{}/{}/webhook/{}/secret/rotate",
            self.base_url,
            segment(&ORG.to_string()),
            segment(&TEAM.to_string()),
            segment("sandbox"),
            segment(WEBHOOK),
        );
        let response = self
            .http
            .post(url)
            .timeout(TIMEOUT)
            .header(ACCEPT, "application/json")
            .header("X-Management-Key", self.key.clone())
            .json(&RotateBody {
                key: Some(NEW_SECRET),
            })
            .send()
            .await
            .map_err(|e| format!("hand-written call: {e}"))?;
        match response.status() {
            StatusCode::NO_CONTENT => Ok(()),
            other => Err(format!("hand-written call: status {other}")),
        }
    }
}

/// A minimal HTTP/1.1 server on its own thread and runtime: it reads each request (head and
/// `Content-Length` body) and answers `204 No Content`, keeping the connection open.
struct Server {
    base_url: String,
    recording: Arc<AtomicBool>,
    requests: Arc<Mutex<Vec<String>>>,
    stop: oneshot::Sender<()>,
    thread: JoinHandle<Result<(), String>>,
}

impl Server {
    fn start() -> Result<Self, String> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| format!("cannot listen on loopback: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the server runtime: {e}"))?;
        let recording = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop, mut stopped) = oneshot::channel::<()>();

        let (flag, log) = (recording.clone(), requests.clone());
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)
                    .map_err(|e| format!("cannot register the listener: {e}"))?;
                loop {
                    tokio::select! {
                        _ = &mut stopped => return Ok(()),
                        accepted = listener.accept() => {
                            if let Ok((stream, _)) = accepted {
                                let _ = stream.set_nodelay(true);
                                tokio::spawn(serve(stream, flag.clone(), log.clone()));
                            }
                        }
                    }
                }
            })
        });
        Ok(Self {
            base_url: format!("http://{address}"),
            recording,
            requests,
            stop,
            thread,
        })
    }

    /// Starts or stops keeping a normalized copy of each request.
    fn record(&self, on: bool) {
        self.recording.store(on, Ordering::SeqCst);
    }

    fn recorded(&self) -> Vec<String> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    fn stop(self) -> Result<(), String> {
        let _ = self.stop.send(());
        self.thread
            .join()
            .map_err(|_| "the server thread panicked".to_owned())?
    }
}

/// Answers every request on one connection until the client closes it.
async fn serve(stream: TcpStream, recording: Arc<AtomicBool>, log: Arc<Mutex<Vec<String>>>) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        let record = recording.load(Ordering::SeqCst);
        let mut head = Vec::new();
        let mut length = 0;
        loop {
            line.clear();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            if record {
                head.push(line.trim_end().to_owned());
            }
        }
        body.resize(length, 0);
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        if record {
            // Header order is the client library's business, so it is left out of the check.
            if let Some(headers) = head.get_mut(1..) {
                headers.sort();
            }
            head.push(String::from_utf8_lossy(&body).into_owned());
            if let Ok(mut log) = log.lock() {
                log.push(head.join("\n"));
            }
        }
        if write
            .write_all(b"HTTP/1.1 204 No Content\r\n\r\n")
            .await
            .is_err()
        {
            return;
        }
    }
}
