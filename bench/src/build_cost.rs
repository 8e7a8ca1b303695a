//! Build cost: a clean debug build of `generated-client` and of the crate progenitor generates
//! for the same API, each in a fresh target directory under `bench/target/build-cost/`.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::{bench_dir, progenitor_generate, repo_root, seed_3_0};

/// The manifest of a progenitor crate: the dependencies progenitor 0.15.1's README lists for
/// generated code (`build.rs` section), plus `uuid` with the features it names for specs that
/// use `format: uuid`, as the seed does. `{reqwest}` is the `reqwest` line.
const PROGENITOR_MANIFEST: &str = r#"[package]
name = "progenitor-seed-client"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
futures = "0.3"
progenitor-client = "=0.15.1"
{reqwest}
serde = { version = "1.0", features = ["derive"] }
serde_json = "1.0"
uuid = { version = "1.0.0", features = ["serde", "v4"] }

[workspace]
"#;

/// The `reqwest` line as the README gives it: default features, so TLS through rustls with
/// aws-lc-rs, HTTP/2 and system proxies.
const REQWEST_AS_DOCUMENTED: &str =
    r#"reqwest = { version = "0.13", features = ["json", "query", "stream"] }"#;

/// The least `reqwest` that progenitor's code compiles against: no TLS, no HTTP/2, so the crate
/// can only talk plain HTTP. Not a usable client for an HTTPS API, but it separates the cost of
/// progenitor's code and runtime from the cost of the TLS stack its README pulls in.
const REQWEST_WITHOUT_DEFAULTS: &str = concat!(
    r#"reqwest = { version = "0.13", default-features = false, "#,
    r#"features = ["json", "query", "stream"] }"#
);

/// Builds each crate one after the other and prints its wall time and crate counts.
pub fn run() -> Result<(), String> {
    let work = bench_dir().join("target/build-cost");

    let ours = work.join("generated-client");
    fresh(&ours)?;
    copy_dir(&repo_root().join("generated-client"), &ours)?;
    // A crate below `bench/` would otherwise be taken for a member of bench's workspace.
    let manifest = ours.join("Cargo.toml");
    let text = read(&manifest)?;
    write(&manifest, &format!("{text}\n[workspace]\n"))?;

    let code = progenitor_generate(&seed_3_0()?)
        .map_err(|e| format!("progenitor cannot generate the seed: {e}"))?;
    let mut theirs = Vec::new();
    for (name, label, reqwest) in [
        ("progenitor", "progenitor 0.15.1", REQWEST_AS_DOCUMENTED),
        (
            "progenitor-no-tls",
            "progenitor without TLS",
            REQWEST_WITHOUT_DEFAULTS,
        ),
    ] {
        let dir = work.join(name);
        fresh(&dir)?;
        fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        write(
            &dir.join("Cargo.toml"),
            &PROGENITOR_MANIFEST.replace("{reqwest}", reqwest),
        )?;
        write(&dir.join("src/lib.rs"), &code)?;
        theirs.push((name, label, dir));
    }

    println!("build cost: clean `cargo build --offline --jobs 2` (debug), fresh target directory,");
    println!("versions seeded from bench/Cargo.lock; progenitor's crate is generated from the 3.0");
    println!("seed with the dependencies its README lists (and, for comparison, without reqwest's");
    println!("default features, which leaves it without TLS)");
    println!(
        "{:>22} {:>9} {:>9} {:>17} {:>11}",
        "crate", "wall s", "compiled", "locked packages", "target MiB"
    );
    let mine = build(&ours, &work.join("target-generated-client"))?;
    println!("{}", mine.line("generated-client"));
    let mut others = Vec::new();
    for (name, label, dir) in &theirs {
        let other = build(dir, &work.join(format!("target-{name}")))?;
        println!("{}", other.line(label));
        others.push((label, other));
    }
    for (label, other) in others {
        println!(
            "ours/{label}: wall time {:.2}, crates compiled {:.2}, target size {:.2}",
            mine.wall.as_secs_f64() / other.wall.as_secs_f64(),
            mine.compiled as f64 / other.compiled as f64,
            mine.target_mib / other.target_mib
        );
    }
    Ok(())
}

struct Build {
    wall: Duration,
    /// `Compiling` lines: crates actually built for this machine.
    compiled: usize,
    /// Entries of the crate's Cargo.lock: the whole resolved graph, every platform.
    locked: usize,
    target_mib: f64,
}

impl Build {
    fn line(&self, label: &str) -> String {
        format!(
            "{label:>22} {:>9.1} {:>9} {:>17} {:>11.0}",
            self.wall.as_secs_f64(),
            self.compiled,
            self.locked,
            self.target_mib
        )
    }
}

/// Runs one clean build of the crate in `dir` into the empty folder `target`.
fn build(dir: &Path, target: &Path) -> Result<Build, String> {
    fresh(target)?;
    // bench's lock fixes the versions, so both crates share them and need nothing new offline.
    fs::copy(bench_dir().join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy bench/Cargo.lock: {e}"))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());

    // The build should see the environment a user's shell would give it, not the variables
    // `cargo run` set for this benchmark (its manifest folder, package name...).
    let mut command = crate::plain_cargo::plain_cargo(cargo);
    command
        .args(["build", "--offline", "--jobs", "2"])
        .env("CARGO_TARGET_DIR", target)
        .current_dir(dir);
    let start = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let wall = start.elapsed();

    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
        return Err(format!(
            "`cargo build` in {} failed ({}); if crates are missing, run `cargo fetch \
             --manifest-path bench/Cargo.toml` once online:\n{}",
            dir.display(),
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let compiled = stderr
        .lines()
        .filter(|line| line.trim_start().starts_with("Compiling "))
        .count();
    let locked = read(&dir.join("Cargo.lock"))?
        .lines()
        .filter(|line| *line == "[[package]]")
        .count();
    Ok(Build {
        wall,
        compiled,
        locked,
        target_mib: size(target) as f64 / (1024.0 * 1024.0),
    })
}

/// Removes `dir` if it exists and creates it empty.
fn fresh(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// Copies a folder's files and subfolders (no symlinks in the crates copied here).
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("cannot list {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let (source, dest) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &dest)?;
        } else {
            fs::copy(&source, &dest)
                .map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
        }
    }
    Ok(())
}

/// The bytes of every file below `dir`.
fn size(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
