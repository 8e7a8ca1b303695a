//! Generation time: `generator::generate` against progenitor's library path, on the same
//! OpenAPI 3.0 inputs, in the same process.

use std::time::{Duration, Instant};

use crate::synthetic::{synthetic, Version};
use crate::{median, ms, progenitor_generate, seed_3_0};

/// Prints one row per input: both medians, their ratio, and how much code each produced.
pub fn run() -> Result<(), String> {
    let mut inputs = vec![("seed 3.0".to_owned(), seed_3_0()?, 21)];
    for (operations, repeats) in [(10, 11), (100, 11), (1_000, 5), (10_000, 3)] {
        inputs.push((
            operations.to_string(),
            synthetic(operations, Version::V3_0),
            repeats,
        ));
    }

    println!("generation: spec text → formatted Rust, median of repeated runs (ms), the two");
    println!("generators alternating which goes first. ours: generator::generate, every file;");
    println!("progenitor 0.15.1: serde_yaml → generate_tokens → syn::parse2 → prettyplease.");
    println!("Our lines include the fixed support.rs that each crate carries; progenitor's");
    println!("runtime is the progenitor-client crate, not counted.");
    println!(
        "{:>10} {:>10} {:>12} {:>16} {:>11} {:>16}",
        "operations",
        "ours ms",
        "progenitor ms",
        "ours/progenitor",
        "ours lines",
        "progenitor lines"
    );
    for (label, spec, repeats) in &inputs {
        let row = measure(spec, *repeats)?;
        let (theirs, ratio, their_lines) = match &row.progenitor {
            Ok((time, lines)) => (
                format!("{:.2}", ms(*time)),
                format!("{:.2}", row.ours.as_secs_f64() / time.as_secs_f64()),
                lines.to_string(),
            ),
            Err(message) => (
                format!("failed: {}", first_line(message)),
                "-".into(),
                "-".into(),
            ),
        };
        println!(
            "{label:>10} {:>10.2} {theirs:>12} {ratio:>16} {:>11} {their_lines:>16}",
            ms(row.ours),
            row.ours_lines
        );
    }
    Ok(())
}

struct Row {
    ours: Duration,
    ours_lines: usize,
    /// The median and output size, or why progenitor could not generate this input.
    progenitor: Result<(Duration, usize), String>,
}

/// Times both generators `repeats` times, swapping which goes first each time so neither always
/// runs on a cache the other warmed.
fn measure(spec: &str, repeats: usize) -> Result<Row, String> {
    let config = generator::Config {
        crate_name: "bench-client".into(),
        spec_path: "bench.yaml".into(),
        command: "bench".into(),
    };
    let mut ours = Vec::new();
    let mut ours_lines = 0;
    let mut theirs = Vec::new();
    let mut their_lines = 0;
    let mut their_error = None;

    for repeat in 0..repeats {
        for turn in 0..2 {
            let progenitor_turn = (repeat + turn) % 2 == 1;
            if !progenitor_turn {
                let start = Instant::now();
                let generated = generator::generate(spec, &config).map_err(|e| e.to_string())?;
                ours.push(start.elapsed());
                ours_lines = generated
                    .files
                    .iter()
                    .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
                    .map(|f| f.contents.lines().count())
                    .sum();
            } else if their_error.is_none() {
                let start = Instant::now();
                match progenitor_generate(spec) {
                    Ok(code) => {
                        theirs.push(start.elapsed());
                        their_lines = code.lines().count();
                    }
                    // Failing once is failing: later repeats would only fail again.
                    Err(message) => their_error = Some(message),
                }
            }
        }
    }

    let progenitor = match their_error {
        Some(message) => Err(message),
        None => Ok((median(&mut theirs), their_lines)),
    };
    Ok(Row {
        ours: median(&mut ours),
        ours_lines,
        progenitor,
    })
}

/// The start of an error message, short enough for a table row.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or_default();
    match line.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_owned(),
    }
}
