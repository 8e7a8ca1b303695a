//! `cargo xtask bench`: times each generator stage on the seed spec and on synthetic specs of
//! 10 to 10 000 operations, and fits the per-operation cost. With `--compare` it then runs the
//! comparison crate in `bench/`: generation against progenitor, the client against hand-written
//! reqwest, and the clean-build cost of both clients.
//!
//! Run it with `cargo xtask bench` (the alias builds xtask in the dev profile); for figures worth
//! comparing, use `cargo run --release -p xtask -- bench [--compare]`.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use generator::{emit, load, model, Config};

use crate::synthetic::{synthetic, Version};

/// Sizes of the synthetic specs, in operations.
const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

/// Prints the table of stage times and the fitted per-operation cost.
pub fn run() -> Result<(), String> {
    let seed = std::fs::read_to_string(
        super::codegen::root().join("specs/rotate-webhook-secret.openapi.yaml"),
    )
    .map_err(|e| format!("cannot read the seed spec: {e}"))?;
    println!("stage times, median of repeated runs (ms); peak RSS is the process high-water mark");
    println!(
        "{:>10} {:>9} {:>9} {:>9} {:>9} {:>10} {:>12}",
        "operations", "parse", "load", "model", "emit", "total", "peak RSS MiB"
    );
    let seed_row = measure(&seed, 1, 21)?;
    println!("{}", seed_row.line("seed (1)"));
    for version in [Version::V3_1, Version::V3_0] {
        println!("synthetic specs, {version:?}");
        table(version)?;
    }
    Ok(())
}

/// Runs the comparison benchmarks of `bench/`, a crate outside the workspace so that progenitor
/// is only ever compiled for them. The comparison crate is always built in release mode, whatever
/// profile xtask itself was built in.
pub fn compare() -> Result<(), String> {
    let manifest = super::codegen::root().join("bench/Cargo.toml");
    println!();
    println!("comparisons (bench/): building them the first time takes several minutes");
    // Fetching everything in bench's lock, not only what its build needs, is what lets the
    // build-cost section then build its crates offline. No `--locked`: when the generator gains a
    // dependency, cargo adds it to bench/Cargo.lock instead of refusing to run.
    super::run(
        crate::plain_cargo::plain_cargo("cargo")
            .args(["fetch", "--manifest-path"])
            .arg(&manifest),
    )?;
    super::run(
        crate::plain_cargo::plain_cargo("cargo")
            .args(["run", "--release", "--manifest-path"])
            .arg(&manifest),
    )
}

/// Times every size of synthetic spec in one OpenAPI version and prints the fitted cost.
fn table(version: Version) -> Result<(), String> {
    let mut points = Vec::new();
    for size in SIZES {
        let spec = synthetic(size, version);
        let repeats = if size >= 10_000 {
            3
        } else if size >= 1_000 {
            5
        } else {
            11
        };
        let row = measure(&spec, size, repeats)?;
        println!("{}", row.line(&size.to_string()));
        points.push((size as f64, row.total.as_secs_f64()));
    }
    let (slope, intercept) = fit(&points);
    println!(
        "fitted: total ≈ {:.3} ms + {:.1} µs per operation (least squares over {} sizes)",
        intercept * 1e3,
        slope * 1e6,
        points.len()
    );
    let largest = points.last().map_or(0.0, |p| p.1);
    println!(
        "largest spec ({} operations): {:.0} ms",
        SIZES[SIZES.len() - 1],
        largest * 1e3
    );
    Ok(())
}

struct Row {
    parse: Duration,
    load: Duration,
    model: Duration,
    emit: Duration,
    total: Duration,
    peak_mib: f64,
}

impl Row {
    fn line(&self, label: &str) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let mut out = String::new();
        let _ = write!(
            out,
            "{label:>10} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>10.2} {:>12.1}",
            ms(self.parse),
            ms(self.load),
            ms(self.model),
            ms(self.emit),
            ms(self.total),
            self.peak_mib
        );
        out
    }
}

/// Runs every stage `repeats` times and keeps the median of each.
fn measure(spec: &str, operations: usize, repeats: usize) -> Result<Row, String> {
    let config = Config {
        crate_name: "bench".into(),
        spec_path: "bench.yaml".into(),
        command: "bench".into(),
    };
    let mut samples: [Vec<Duration>; 5] = Default::default();
    for _ in 0..repeats {
        let start = Instant::now();
        load::parse(spec).map_err(|e| e.to_string())?;
        let parsed = start.elapsed();

        let start = Instant::now();
        let document = load::load(spec).map_err(|e| e.to_string())?;
        let loaded = start.elapsed();

        let start = Instant::now();
        let model = model::build(&document).map_err(|e| e.to_string())?;
        let modelled = start.elapsed();
        if model.operations.len() != operations {
            return Err(format!(
                "expected {operations} operations, got {}",
                model.operations.len()
            ));
        }

        let start = Instant::now();
        let files = emit::emit(&model, &config).map_err(|e| e.to_string())?;
        let emitted = start.elapsed();
        std::hint::black_box(files);

        for (sample, value) in samples.iter_mut().zip([
            parsed,
            loaded,
            modelled,
            emitted,
            loaded + modelled + emitted,
        ]) {
            sample.push(value);
        }
    }
    let median = |values: &mut Vec<Duration>| {
        values.sort();
        values[values.len() / 2]
    };
    let [parse, load, model, emit, total] = &mut samples;
    Ok(Row {
        parse: median(parse),
        load: median(load),
        model: median(model),
        emit: median(emit),
        total: median(total),
        peak_mib: peak_rss_mib(),
    })
}

/// The process's peak resident set size, from Linux's `/proc/self/status` (0 elsewhere).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

/// Least-squares line through `(x, y)` points: (slope, intercept).
fn fit(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len() as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = if sxx == 0.0 { 0.0 } else { sxy / sxx };
    (slope, my - slope * mx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_specs_have_the_asked_number_of_operations() {
        let document = load::load(&synthetic(7, Version::V3_1)).unwrap();
        assert_eq!(model::build(&document).unwrap().operations.len(), 7);
        let document = load::load(&synthetic(3, Version::V3_0)).unwrap();
        assert_eq!(model::build(&document).unwrap().operations.len(), 3);
    }

    #[test]
    fn fit_recovers_a_line() {
        let (slope, intercept) = fit(&[(1.0, 3.0), (2.0, 5.0), (4.0, 9.0)]);
        assert!((slope - 2.0).abs() < 1e-9 && (intercept - 1.0).abs() < 1e-9);
    }
}
