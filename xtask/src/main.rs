//! Project automation, run as `cargo xtask <command>`; see `cargo xtask help`.

mod bench;
mod codegen;
mod corpus;
mod plain_cargo;
mod synthetic;

use std::process::{Command, ExitCode};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]                          regenerate generated-client/ and the fixture
                                             snapshots from their specs; --check only verifies
  corpus [--only <SUBSTRING>]                generate and check a client for every spec of a
                                             pinned public corpus, downloaded into target/corpus
  generate <SPEC> --out <DIR> [--name <CRATE>]
                                             write a client crate for any spec file
  bench [--compare]                          time each generator stage on the seed spec and on
                                             synthetic specs of 10 to 10 000 operations;
                                             --compare then runs bench/: generation against
                                             progenitor, client overhead and build cost
                                             (minutes; the first run compiles progenitor)
  test                                       install what the tests need (Prism, with npm ci)
                                             and run every test of the workspace";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen::run(codegen::Mode::Write),
        ["codegen", "--check"] => codegen::run(codegen::Mode::Check),
        ["generate", rest @ ..] => codegen::generate_command(rest),
        ["corpus", rest @ ..] => corpus::run(rest),
        ["bench"] => bench::run(),
        ["bench", "--compare"] => bench::run().and_then(|()| bench::compare()),
        ["test", rest @ ..] => test(rest),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown arguments {args:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Installs the contract-test server from its lock file, then runs every test.
fn test(extra: &[&str]) -> Result<(), String> {
    let root = codegen::root();
    run(Command::new("npm")
        .args(["ci", "--prefix", "contract", "--no-audit", "--no-fund"])
        .current_dir(&root))?;
    run(Command::new("cargo")
        .args(["test", "--workspace", "--locked"])
        .args(extra)
        .current_dir(&root))
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}
