//! `cargo xtask corpus`: generates a client for every spec of a pinned public corpus and checks
//! that each one compiles with warnings denied.
//!
//! The specs are downloaded from package registries at run time, so none of them live in this
//! repository; each download is pinned by its sha256, so a re-uploaded file fails loudly instead
//! of quietly changing the results. Every generated crate goes into one scratch workspace under
//! `target/corpus/ws`, which one `cargo check` builds: the shared dependencies compile once.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use generator::Config;

use crate::codegen::{self, Mode, Report};

/// A pinned download and the specs taken from it.
struct Source {
    /// The package and version, also the folder the download is unpacked into.
    label: &'static str,
    /// Where the registry serves the file. These are the URLs the registries' own metadata
    /// (`dist.tarball` on npm, `urls` on PyPI, `dl` in the crates.io index) point to.
    url: &'static str,
    /// The file's name in the download cache.
    file: &'static str,
    sha256: &'static str,
    archive: Archive,
    picks: &'static [Pick],
}

/// How a download is unpacked.
#[derive(Clone, Copy)]
enum Archive {
    /// A gzip-compressed tarball (npm packages, `.crate` files).
    TarGz,
    /// A zip file (Python wheels).
    Zip,
}

/// Which specs a source contributes.
enum Pick {
    /// One file, generated as the crate `name`.
    File {
        path: &'static str,
        name: &'static str,
    },
    /// Every `.json`, `.yaml` and `.yml` file below a folder, each crate named
    /// `<prefix>-<path inside the folder>`.
    Folder {
        path: &'static str,
        prefix: &'static str,
    },
}

const SOURCES: &[Source] = &[
    Source {
        label: "apache-airflow-providers-edge3-5.1.0",
        url: "https://files.pythonhosted.org/packages/b7/c0/\
              bc6a63c7057b032cf69edaf10246269cefd11ce2d3d02883e1eeb3728d5f/\
              apache_airflow_providers_edge3-5.1.0-py3-none-any.whl",
        file: "apache_airflow_providers_edge3-5.1.0-py3-none-any.whl",
        sha256: "4d0e3c7790aa919c33db93c85b9cd7a4142d5405ba9b5d1cbe7ee1f5600c7182",
        archive: Archive::Zip,
        picks: &[Pick::File {
            path: "airflow/providers/edge3/worker_api/v2-edge-generated.yaml",
            name: "airflow-edge3",
        }],
    },
    Source {
        label: "oas-examples-8.2.2",
        url: "https://registry.npmjs.org/@readme/oas-examples/-/oas-examples-8.2.2.tgz",
        file: "oas-examples-8.2.2.tgz",
        sha256: "df951ee87b5b069c86148bf5bbf3923d6cfd27fb95a45aacb95f06b31f604241",
        archive: Archive::TarGz,
        picks: &[
            Pick::Folder {
                path: "package/3.0/json",
                prefix: "oas30",
            },
            Pick::Folder {
                path: "package/3.1/json",
                prefix: "oas31",
            },
        ],
    },
    Source {
        label: "rclone-openapi-1.75.0",
        url: "https://registry.npmjs.org/rclone-openapi/-/rclone-openapi-1.75.0.tgz",
        file: "rclone-openapi-1.75.0.tgz",
        sha256: "c71d0d4d78422650155659c62bfc96c6d42b70e2cbbf9bdda6a4cc8e3755935d",
        archive: Archive::TarGz,
        picks: &[Pick::File {
            path: "package/openapi.json",
            name: "rclone",
        }],
    },
    Source {
        label: "openapiv3-2.2.0",
        url: "https://static.crates.io/crates/openapiv3/openapiv3-2.2.0.crate",
        file: "openapiv3-2.2.0.crate",
        sha256: "5c8d427828b22ae1fff2833a03d8486c2c881367f1c336349f307f321e7f4d05",
        archive: Archive::TarGz,
        picks: &[Pick::Folder {
            path: "openapiv3-2.2.0/fixtures",
            prefix: "openapiv3",
        }],
    },
    // FastAPI 3.1 at the size of a real product: Airflow's REST API (128 operations), its UI
    // API and its auth manager's.
    Source {
        label: "apache-airflow-core-3.3.2",
        url: "https://files.pythonhosted.org/packages/54/b9/\
              1ee2db2eeda6411ce2611e7ce800f57a4b9d22920f5c4ccaed908f7664a1/\
              apache_airflow_core-3.3.2-py3-none-any.whl",
        file: "apache_airflow_core-3.3.2-py3-none-any.whl",
        sha256: "99258922bccec15be4700ff89f3c942b8acd93407e263c287ce863e671bb3c50",
        archive: Archive::Zip,
        picks: &[
            Pick::File {
                path: "airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml",
                name: "airflow-rest",
            },
            Pick::File {
                path: "airflow/api_fastapi/core_api/openapi/_private_ui.yaml",
                name: "airflow-ui",
            },
            Pick::File {
                path: "airflow/api_fastapi/auth/managers/simple/openapi/\
                       v2-simple-auth-manager-generated.yaml",
                name: "airflow-auth",
            },
        ],
    },
    // A 3.0 description of over 1 000 operations, to see the generator at the scale of the
    // largest public APIs; its crate dominates the run's `cargo check` time.
    Source {
        label: "octokit-openapi-23.0.2",
        url: "https://registry.npmjs.org/@octokit/openapi/-/openapi-23.0.2.tgz",
        file: "octokit-openapi-23.0.2.tgz",
        sha256: "71a18407dd5e8464f4e0525daf03deabbe65abd9287d6adc7b5d98f516cd0d0c",
        archive: Archive::TarGz,
        picks: &[Pick::File {
            path: "package/generated/api.github.com.json",
            name: "github",
        }],
    },
];

const USAGE: &str = "usage: cargo xtask corpus [--only <SUBSTRING>]";

/// One spec of the corpus: the crate it becomes and where its text is.
struct Spec {
    name: String,
    path: PathBuf,
    /// The path shown in the generated header: the source's label and the path inside it.
    shown: String,
}

/// One line of the final table.
struct Row {
    name: String,
    operations: Option<usize>,
    /// `None` when the crate passed, or the first error line.
    error: Option<String>,
}

/// Downloads the corpus, generates and checks every spec, and prints one row per spec.
pub fn run(args: &[&str]) -> Result<(), String> {
    let only = match args {
        [] => None,
        ["--only", filter] => Some(*filter),
        _ => return Err(format!("unexpected arguments {args:?}\n{USAGE}")),
    };
    let started = Instant::now();
    let dir = codegen::root().join("target/corpus");

    let mut specs = Vec::new();
    for source in SOURCES {
        specs.extend(fetch(&dir, source)?);
    }
    if let Some(filter) = only {
        specs.retain(|spec| spec.name.contains(filter));
        if specs.is_empty() {
            return Err(format!("no spec name contains `{filter}`"));
        }
    }

    let ws = dir.join("ws");
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for spec in &specs {
        let (operations, generated) = generate(spec, &ws);
        if generated.is_ok() {
            members.push(spec.name.clone());
        }
        rows.push(Row {
            name: spec.name.clone(),
            operations,
            error: generated.err(),
        });
    }

    if !members.is_empty() {
        write_workspace(&ws, &members)?;
        let log = dir.join("check.log");
        let results = check(&ws, &members, &log)?;
        for row in &mut rows {
            if let Some(outcome) = results.get(&row.name) {
                row.error = outcome.clone();
            }
        }
    }

    print!("{}", table(&rows));
    let failed = rows.iter().filter(|row| row.error.is_some()).count();
    let elapsed = started.elapsed().as_secs();
    println!(
        "{} specs: {} pass, {failed} fail in {}m{:02}s",
        rows.len(),
        rows.len() - failed,
        elapsed / 60,
        elapsed % 60
    );
    if failed > 0 {
        let log = if members.is_empty() {
            ""
        } else {
            "; compiler output is in target/corpus/check.log"
        };
        return Err(format!("{failed} of {} specs failed{log}", rows.len()));
    }
    Ok(())
}

/// Downloads a source unless the cache already holds it, verifies it, unpacks it afresh and
/// lists its specs.
fn fetch(dir: &Path, source: &Source) -> Result<Vec<Spec>, String> {
    let downloads = dir.join("downloads");
    fs::create_dir_all(&downloads)
        .map_err(|e| format!("cannot create {}: {e}", downloads.display()))?;
    let file = downloads.join(source.file);
    let cached = file.exists() && sha256(&file)? == source.sha256;
    if !cached {
        // Downloading to a side name means an interrupted transfer never looks like a cached one.
        let partial = downloads.join(format!("{}.partial", source.file));
        output(
            Command::new("curl")
                .args(["--fail", "--silent", "--show-error", "--location"])
                .args(["--retry", "3", "--output"])
                .arg(&partial)
                .arg(source.url),
        )?;
        let actual = sha256(&partial)?;
        if actual != source.sha256 {
            return Err(format!(
                "{} has sha256 {actual}, but {} is pinned; the registry serves a different \
                 file than when the corpus was pinned",
                source.url, source.sha256
            ));
        }
        fs::rename(&partial, &file).map_err(|e| format!("cannot move {}: {e}", file.display()))?;
    }

    let unpacked = dir.join("src").join(source.label);
    if unpacked.exists() {
        fs::remove_dir_all(&unpacked)
            .map_err(|e| format!("cannot remove {}: {e}", unpacked.display()))?;
    }
    fs::create_dir_all(&unpacked)
        .map_err(|e| format!("cannot create {}: {e}", unpacked.display()))?;
    match source.archive {
        Archive::TarGz => output(
            Command::new("tar")
                .arg("-xzf")
                .arg(&file)
                .arg("-C")
                .arg(&unpacked),
        )?,
        // Python is there wherever pip is, unlike `unzip`, which minimal images leave out.
        Archive::Zip => output(
            Command::new("python3")
                .args(["-m", "zipfile", "-e"])
                .arg(&file)
                .arg(&unpacked),
        )?,
    };

    let mut specs = Vec::new();
    for pick in source.picks {
        match pick {
            Pick::File { path, name } => {
                let full = unpacked.join(path);
                if !full.is_file() {
                    return Err(format!("{} holds no file {path}", source.file));
                }
                specs.push(Spec {
                    name: (*name).to_owned(),
                    path: full,
                    shown: format!("{}/{path}", source.label),
                });
            }
            Pick::Folder { path, prefix } => {
                let folder = unpacked.join(path);
                let files = spec_files(&folder)?;
                if files.is_empty() {
                    return Err(format!("{} holds no specs under {path}", source.file));
                }
                let inner: Vec<String> = files
                    .iter()
                    .map(|file| slash_path(file.strip_prefix(&folder).unwrap_or(file)))
                    .collect();
                for (file, (inner, name)) in files.iter().zip(names(prefix, &inner)) {
                    specs.push(Spec {
                        name,
                        path: file.clone(),
                        shown: format!("{}/{path}/{inner}", source.label),
                    });
                }
            }
        }
    }
    Ok(specs)
}

/// Crate names for the files of one folder; a name two files would share (`quayio.json`,
/// `quayio.yaml`) gets the file's extension appended.
fn names<'a>(prefix: &str, inner: &'a [String]) -> Vec<(&'a String, String)> {
    let stem = |path: &str| {
        let without = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
        format!("{prefix}-{}", slug(without))
    };
    let mut seen = BTreeMap::new();
    for path in inner {
        *seen.entry(stem(path)).or_insert(0) += 1;
    }
    inner
        .iter()
        .map(|path| {
            let name = stem(path);
            if seen.get(&name).copied().unwrap_or(0) > 1 {
                (
                    path,
                    format!("{name}-{}", slug(path.rsplit('.').next().unwrap_or(""))),
                )
            } else {
                (path, name)
            }
        })
        .collect()
}

/// Lowercase letters and digits, with every other run of characters turned into one `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Every spec-like file below `dir`, at any depth, sorted.
fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            files.extend(spec_files(&path)?);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        ) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Counts the spec's operations and writes its crate into the workspace; the error is the row's
/// message when the generator refuses the spec.
fn generate(spec: &Spec, ws: &Path) -> (Option<usize>, Result<(), String>) {
    let text = match fs::read_to_string(&spec.path) {
        Ok(text) => text,
        Err(e) => {
            return (
                None,
                Err(format!("cannot read {}: {e}", spec.path.display())),
            )
        }
    };
    let operations = count_operations(&text);
    let config = Config {
        crate_name: spec.name.clone(),
        spec_path: spec.shown.clone(),
        command: "cargo xtask corpus".to_owned(),
    };
    let generated = match generator::generate(&text, &config) {
        Ok(generated) => generated,
        Err(e) => return (operations, Err(format!("generate: {e}"))),
    };

    // Unchanged files keep their timestamps, so a second run re-checks only what changed.
    let out = ws.join(&spec.name);
    let mut report = Report {
        lines: String::new(),
        stale: Vec::new(),
    };
    let mut written = BTreeSet::new();
    for file in &generated.files {
        let path = out.join(&file.path);
        if let Err(e) = codegen::ensure_file(ws, &path, &file.contents, Mode::Write, &mut report) {
            return (operations, Err(e));
        }
        written.insert(path);
    }
    let leftovers = codegen::files_under(&out.join("src")).unwrap_or_default();
    for leftover in leftovers.iter().filter(|path| !written.contains(*path)) {
        if let Err(e) = fs::remove_file(leftover) {
            let shown = leftover.display();
            return (operations, Err(format!("cannot remove {shown}: {e}")));
        }
    }
    (operations, Ok(()))
}

/// The number of operations the spec declares, counted on the raw document so that specs the
/// generator refuses still get a count.
fn count_operations(text: &str) -> Option<usize> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let tree = generator::load::parse(text).ok()?;
    let paths = tree.get("paths").and_then(|paths| paths.as_object());
    let count = paths
        .into_iter()
        .flat_map(|paths| paths.values())
        .filter_map(|item| item.as_object())
        .map(|item| METHODS.iter().filter(|m| item.contains_key(**m)).count())
        .sum();
    Some(count)
}

/// Writes the scratch workspace's root manifest and seeds its lock file from this repository's,
/// so the generated crates resolve to dependency versions that are already downloaded.
fn write_workspace(ws: &Path, members: &[String]) -> Result<(), String> {
    let mut manifest = String::from(
        "# Written by `cargo xtask corpus`; a scratch workspace, so that the crates share one \
         target folder and stay out of the repository's workspace.\n\n[workspace]\n\
         resolver = \"2\"\nmembers = [\n",
    );
    for member in members {
        let _ = writeln!(manifest, "    \"{member}\",");
    }
    manifest.push_str("]\n");
    let mut report = Report {
        lines: String::new(),
        stale: Vec::new(),
    };
    codegen::ensure_file(
        ws,
        &ws.join("Cargo.toml"),
        &manifest,
        Mode::Write,
        &mut report,
    )?;

    let lock = ws.join("Cargo.lock");
    if !lock.exists() {
        let seed = codegen::root().join("Cargo.lock");
        fs::copy(&seed, &lock).map_err(|e| format!("cannot copy {}: {e}", seed.display()))?;
    }
    Ok(())
}

/// Checks every member with warnings denied; for each crate, `None` if it compiled or its first
/// error line. Everything the compiler said goes to `log`.
fn check(
    ws: &Path,
    members: &[String],
    log: &Path,
) -> Result<BTreeMap<String, Option<String>>, String> {
    let cargo = || {
        let mut command = Command::new("cargo");
        command
            .current_dir(ws)
            .env("CARGO_TARGET_DIR", ws.join("target"))
            .env("RUSTFLAGS", "-D warnings")
            .env_remove("CARGO_ENCODED_RUSTFLAGS");
        command
    };

    // Stay offline when the lock file resolves from the local cache; fetch only what is missing.
    let resolved = cargo()
        .args(["metadata", "--offline", "--format-version", "1"])
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if !resolved.status.success() {
        output(cargo().arg("fetch"))?;
    }

    eprintln!("checking {} crates in {}", members.len(), ws.display());
    let checked = cargo()
        .args(["check", "--offline", "--workspace", "--keep-going"])
        .args(["--message-format", "json"])
        .output()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&checked.stdout);
    let stderr = String::from_utf8_lossy(&checked.stderr);

    let by_manifest: BTreeMap<PathBuf, &String> = members
        .iter()
        .map(|member| (ws.join(member).join("Cargo.toml"), member))
        .collect();
    let mut errors: BTreeMap<&String, String> = BTreeMap::new();
    let mut compiled = BTreeSet::new();
    let mut full = String::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let member = message
            .get("manifest_path")
            .and_then(|path| path.as_str())
            .and_then(|path| by_manifest.get(Path::new(path)).copied());
        let Some(member) = member else {
            continue;
        };
        match message.get("reason").and_then(|reason| reason.as_str()) {
            Some("compiler-artifact") => {
                compiled.insert(member);
            }
            Some("compiler-message") => {
                let Some(diagnostic) = message.get("message") else {
                    continue;
                };
                let rendered = diagnostic
                    .get("rendered")
                    .and_then(|text| text.as_str())
                    .unwrap_or_default();
                full.push_str(rendered);
                let is_error = diagnostic.get("level").and_then(|l| l.as_str()) == Some("error");
                if is_error && !errors.contains_key(member) {
                    errors.insert(member, first_error(diagnostic));
                }
            }
            _ => {}
        }
    }
    full.push_str(&stderr);
    fs::write(log, &full).map_err(|e| format!("cannot write {}: {e}", log.display()))?;

    // Without a diagnostic or an artifact cargo never got to the crate, and its own message
    // (a manifest it cannot read, a dependency it cannot resolve) is the reason.
    let cargo_error = stderr
        .lines()
        .find(|line| line.starts_with("error"))
        .unwrap_or("cargo stopped before checking it")
        .to_owned();
    let results = members
        .iter()
        .map(|member| {
            let outcome = match errors.get(member) {
                Some(error) => Some(error.clone()),
                None if compiled.contains(member) => None,
                None => Some(format!("not checked: {cargo_error}")),
            };
            (member.clone(), outcome)
        })
        .collect();
    Ok(results)
}

/// The diagnostic's headline with the place it points at, such as
/// `error[E0412]: cannot find type `Pet` in this scope (src/types.rs:12)`.
fn first_error(diagnostic: &serde_json::Value) -> String {
    let headline = diagnostic
        .get("rendered")
        .and_then(|text| text.as_str())
        .and_then(|text| text.lines().next())
        .unwrap_or("error")
        .to_owned();
    let spans = diagnostic.get("spans").and_then(|spans| spans.as_array());
    let primary = spans
        .into_iter()
        .flatten()
        .find(|span| span.get("is_primary").and_then(|p| p.as_bool()) == Some(true));
    let place = primary.and_then(|span| {
        let file = span.get("file_name")?.as_str()?;
        let line = span.get("line_start")?.as_u64()?;
        // Paths start with the crate's folder, which the row already names.
        let file = file.split_once('/').map_or(file, |(_, rest)| rest);
        Some(format!(" ({file}:{line})"))
    });
    headline + &place.unwrap_or_default()
}

/// The rows as aligned columns.
fn table(rows: &[Row]) -> String {
    let width = rows
        .iter()
        .map(|row| row.name.len())
        .chain(["spec".len()])
        .max()
        .unwrap_or(0);
    let mut out = format!("{:width$}  {:>4}  result  first error\n", "spec", "ops");
    for row in rows {
        let operations = row
            .operations
            .map_or_else(|| "-".to_owned(), |n| n.to_string());
        let (result, error) = match &row.error {
            None => ("pass", ""),
            Some(error) => ("FAIL", error.as_str()),
        };
        let line = format!("{:width$}  {operations:>4}  {result:6}  {error}", row.name);
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// Runs a command to completion, turning a failure into an error carrying its stderr.
fn output(command: &mut Command) -> Result<Output, String> {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if output.status.success() {
        return Ok(output);
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(format!(
        "{shown} failed with {}: {}",
        output.status,
        stderr.trim()
    ))
}

/// The file's sha256 as lowercase hex, from coreutils' `sha256sum`.
fn sha256(file: &Path) -> Result<String, String> {
    let output = output(Command::new("sha256sum").arg(file))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace()
        .next()
        .map(str::to_owned)
        .ok_or_else(|| format!("sha256sum printed nothing for {}", file.display()))
}

fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_with_single_dashes() {
        assert_eq!(
            slug("openapi-workshop/anyOf-allOf"),
            "openapi-workshop-anyof-allof"
        );
        assert_eq!(slug("a__b..c-"), "a-b-c");
    }

    #[test]
    fn colliding_names_get_their_extension() {
        let inner = [
            "quayio.json".to_owned(),
            "quayio.yaml".to_owned(),
            "x.yaml".to_owned(),
        ];
        let named: Vec<String> = names("fx", &inner).into_iter().map(|(_, n)| n).collect();
        assert_eq!(named, ["fx-quayio-json", "fx-quayio-yaml", "fx-x"]);
    }

    #[test]
    fn operations_are_counted_per_method() {
        let spec = "openapi: 3.0.0\npaths:\n  /a:\n    get: {}\n    post: {}\n    \
                    parameters: []\n  /b:\n    delete: {}\n";
        assert_eq!(count_operations(spec), Some(3));
    }
}
