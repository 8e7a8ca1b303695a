//! Comparison benchmarks: generation time against progenitor, the generated client's overhead
//! against a hand-written reqwest call, and the clean-build cost of both kinds of client.
//!
//! Run with `cargo run --release --manifest-path bench/Cargo.toml [generation] [client] [build]`
//! (no section names: all three), or through `cargo run --release -p xtask -- bench --compare`,
//! which also prints the stage table. Every figure is printed next to the baseline measured in
//! the same run, so ratios stay meaningful on a busy or different machine.

mod build_cost;
mod client;
mod generation;
#[path = "../../xtask/src/plain_cargo.rs"]
mod plain_cargo;
#[path = "../../xtask/src/synthetic.rs"]
#[allow(
    dead_code,
    reason = "only the 3.0 form is used: progenitor reads no 3.1"
)]
mod synthetic;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// One part of the benchmark; it prints its own table.
type Section = fn() -> Result<(), String>;

const USAGE: &str = "usage: bench [generation] [client] [build]   (none: all three)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let known = ["generation", "client", "build"];
    if let Some(unknown) = args.iter().find(|a| !known.contains(&a.as_str())) {
        eprintln!("error: unknown argument `{unknown}`\n{USAGE}");
        return ExitCode::FAILURE;
    }
    let wanted = |name: &str| args.is_empty() || args.iter().any(|a| a == name);

    let sections: [(&str, Section); 3] = [
        ("generation", generation::run),
        ("client", client::run),
        ("build", build_cost::run),
    ];
    let mut failed = false;
    for (name, run) in sections {
        if !wanted(name) {
            continue;
        }
        println!();
        // One section failing (say, no network for the build cost) still lets the others report.
        if let Err(message) = run() {
            eprintln!("error: {name}: {message}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// This crate's folder, `bench/`.
fn bench_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The workspace root, whose `generated-client/` and `specs/` are measured.
fn repo_root() -> PathBuf {
    bench_dir().join("..")
}

/// The seed spec rewritten as OpenAPI 3.0, the one input both generators accept.
fn seed_3_0() -> Result<String, String> {
    let path = bench_dir().join("seed-3.0.yaml");
    std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Runs progenitor's library path as its README shows it: `generate_tokens`, then `syn` and
/// `prettyplease`. The YAML is parsed here too, since our `generate` starts from text as well.
///
/// A panic inside progenitor becomes an error, so one unsupported input costs a table row rather
/// than the whole run.
fn progenitor_generate(spec: &str) -> Result<String, String> {
    let attempt = || -> Result<String, String> {
        let document: openapiv3::OpenAPI =
            serde_yaml::from_str(spec).map_err(|e| format!("YAML: {e}"))?;
        let mut generator = progenitor::Generator::default();
        let tokens = generator
            .generate_tokens(&document)
            .map_err(|e| e.to_string())?;
        let file: syn::File = syn::parse2(tokens).map_err(|e| format!("syn: {e}"))?;
        Ok(prettyplease::unparse(&file))
    };

    // The default hook would print the panic's message and location between table rows; the
    // message is reported in the row instead.
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let outcome = panic::catch_unwind(AssertUnwindSafe(attempt));
    panic::set_hook(previous);
    match outcome {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".to_owned());
            Err(format!("panicked: {message}"))
        }
    }
}

/// The median of some timings; `values` must not be empty.
fn median(values: &mut [Duration]) -> Duration {
    values.sort();
    values[values.len() / 2]
}

/// Milliseconds, for tables.
fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}
