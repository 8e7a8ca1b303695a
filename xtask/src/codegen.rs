//! `cargo xtask codegen`: writes (or, with `--check`, verifies) every generated crate.
//!
//! Generated crates are `generated-client/` from the one document in `specs/`, and one snapshot
//! crate per fixture spec in `generator/tests/fixtures/`. The same function writes and checks,
//! so the check can never disagree with what writing would produce.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use generator::Config;

/// Whether files are rewritten or only compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Rewrite files whose contents differ.
    Write,
    /// Report files whose contents differ, and fail if there are any.
    Check,
}

const COMMAND: &str = "cargo xtask codegen";

/// The workspace root, which every path here is relative to.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// One crate to generate: from which spec, into which folder, under which name.
struct Target {
    spec: PathBuf,
    out: PathBuf,
    name: String,
}

/// Regenerates or checks every target, printing one line per file.
pub fn run(mode: Mode) -> Result<(), String> {
    let report = sync(&root(), mode)?;
    print!("{}", report.lines);
    if report.stale.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} generated file(s) are stale: {}\nrun `{COMMAND}` and commit the result",
        report.stale.len(),
        report.stale.join(", ")
    ))
}

/// What a run did: a line per file, and the files that were stale (in check mode).
pub struct Report {
    /// Human-readable lines, one per file, with diffs for stale files.
    pub lines: String,
    /// Paths (relative to the root) of files that differ from what the specs produce.
    pub stale: Vec<String>,
}

/// Generates every target under `root` and writes or compares the files.
pub fn sync(root: &Path, mode: Mode) -> Result<Report, String> {
    let mut report = Report {
        lines: String::new(),
        stale: Vec::new(),
    };
    for target in targets(root)? {
        let spec_text = fs::read_to_string(&target.spec)
            .map_err(|e| format!("cannot read {}: {e}", target.spec.display()))?;
        let spec_path = relative(root, &target.spec);
        let config = Config {
            crate_name: target.name.clone(),
            spec_path: spec_path.clone(),
            command: COMMAND.to_owned(),
        };
        let generated =
            generator::generate(&spec_text, &config).map_err(|e| format!("{spec_path}: {e}"))?;
        for warning in &generated.warnings {
            eprintln!("warning: {spec_path}: {warning}");
        }
        let mut expected = Vec::new();
        for file in &generated.files {
            let path = target.out.join(&file.path);
            expected.push(path.clone());
            ensure_file(root, &path, &file.contents, mode, &mut report)?;
        }
        for extra in files_under(&target.out.join("src"))? {
            if !expected.contains(&extra) {
                let shown = relative(root, &extra);
                match mode {
                    Mode::Write => {
                        fs::remove_file(&extra)
                            .map_err(|e| format!("cannot remove {shown}: {e}"))?;
                        let _ = writeln!(report.lines, "removed   {shown}");
                    }
                    Mode::Check => {
                        let _ = writeln!(report.lines, "stale     {shown} (no longer generated)");
                        report.stale.push(shown);
                    }
                }
            }
        }
    }
    Ok(report)
}

/// Writes one spec's crate anywhere, for `cargo xtask generate`.
pub fn generate_command(args: &[&str]) -> Result<(), String> {
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--out" => out = rest.next().map(PathBuf::from),
            "--name" => name = rest.next().map(|s| (*s).to_owned()),
            other if spec.is_none() && !other.starts_with('-') => spec = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let (Some(spec), Some(out)) = (spec, out) else {
        return Err("usage: cargo xtask generate <SPEC> --out <DIR> [--name <CRATE>]".to_owned());
    };
    let name = name.unwrap_or_else(|| {
        out.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "client".into())
    });
    let text =
        fs::read_to_string(&spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let spec_path = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let command = format!("cargo xtask generate {spec_path} --out <DIR> --name {name}");
    let config = Config {
        crate_name: name,
        spec_path,
        command,
    };
    let generated =
        generator::generate(&text, &config).map_err(|e| format!("{}: {e}", spec.display()))?;
    for warning in &generated.warnings {
        eprintln!("warning: {}: {warning}", spec.display());
    }
    let mut report = Report {
        lines: String::new(),
        stale: Vec::new(),
    };
    for file in &generated.files {
        ensure_file(
            &out,
            &out.join(&file.path),
            &file.contents,
            Mode::Write,
            &mut report,
        )?;
    }
    print!("{}", report.lines);
    Ok(())
}

/// The crates to generate: the client from `specs/`, and a snapshot per fixture.
fn targets(root: &Path) -> Result<Vec<Target>, String> {
    let specs = spec_files(&root.join("specs"))?;
    let spec = match specs.as_slice() {
        [one] => one.clone(),
        [] => return Err("specs/ holds no OpenAPI document (.yaml, .yml or .json)".to_owned()),
        several => {
            let names: Vec<String> = several.iter().map(|p| relative(root, p)).collect();
            return Err(format!(
                "specs/ holds several documents ({}); generated-client is made from exactly one, \
                 so move the others elsewhere or generate them with `cargo xtask generate`",
                names.join(", ")
            ));
        }
    };
    let mut targets = vec![Target {
        spec,
        out: root.join("generated-client"),
        name: "generated-client".to_owned(),
    }];
    for fixture in spec_files(&root.join("generator/tests/fixtures"))? {
        let stem = fixture
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        targets.push(Target {
            out: root.join("generator/tests/snapshots").join(&stem),
            name: format!("snapshot-{stem}"),
            spec: fixture,
        });
    }
    Ok(targets)
}

/// The `.yaml`, `.yml` and `.json` files directly in `dir`, sorted.
fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot list {}: {e}", dir.display())),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    files.sort();
    Ok(files)
}

pub(crate) fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(out);
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path)?);
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Writes `contents` to `path` only when the bytes differ; in check mode records a diff instead.
pub(crate) fn ensure_file(
    root: &Path,
    path: &Path,
    contents: &str,
    mode: Mode,
    report: &mut Report,
) -> Result<(), String> {
    let shown = relative(root, path);
    let current = fs::read_to_string(path).ok();
    if current.as_deref() == Some(contents) {
        let _ = writeln!(report.lines, "unchanged {shown}");
        return Ok(());
    }
    match mode {
        Mode::Write => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            fs::write(path, contents).map_err(|e| format!("cannot write {shown}: {e}"))?;
            let _ = writeln!(report.lines, "wrote     {shown}");
        }
        Mode::Check => {
            let _ = writeln!(report.lines, "stale     {shown}");
            let old = current.unwrap_or_default();
            let diff = similar::TextDiff::from_lines(old.as_str(), contents);
            let unified = diff
                .unified_diff()
                .context_radius(2)
                .header(
                    &format!("{shown} (checked in)"),
                    &format!("{shown} (from the spec)"),
                )
                .to_string();
            // A whole new file would drown the message; the first lines say enough.
            for line in unified.lines().take(60) {
                let _ = writeln!(report.lines, "    {line}");
            }
            report.stale.push(shown);
        }
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plain `cargo test` fails when a spec changed and the generated crates were not rebuilt.
    #[test]
    fn generated_crates_match_their_specs() {
        let report = sync(&root(), Mode::Check).unwrap();
        assert!(
            report.stale.is_empty(),
            "stale generated files; run `{COMMAND}` and commit:\n{}",
            report.lines
        );
    }

    #[test]
    fn an_edited_spec_is_reported_with_a_diff() {
        let dir = std::env::temp_dir().join(format!("xtask-drift-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("specs")).unwrap();
        let spec = fs::read_to_string(
            root().join("specs").join(
                spec_files(&root().join("specs")).unwrap()[0]
                    .file_name()
                    .unwrap(),
            ),
        )
        .unwrap();
        fs::write(dir.join("specs/api.yaml"), &spec).unwrap();
        sync(&dir, Mode::Write).unwrap();
        assert!(sync(&dir, Mode::Check).unwrap().stale.is_empty());

        let edited = spec.replacen("summary: ", "summary: Edited ", 1);
        assert_ne!(edited, spec, "the spec has a summary to edit");
        fs::write(dir.join("specs/api.yaml"), edited).unwrap();
        let report = sync(&dir, Mode::Check).unwrap();
        assert_eq!(
            report.stale,
            vec!["generated-client/src/client.rs".to_owned()]
        );
        assert!(
            report.lines.contains("+    /// Edited "),
            "{}",
            report.lines
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
