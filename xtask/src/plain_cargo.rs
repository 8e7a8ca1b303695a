//! `cargo` as a user's shell would run it, for commands started from inside a `cargo run`.
//!
//! This file has no dependencies, so the bench crate outside the workspace includes it too.

use std::ffi::OsStr;
use std::process::Command;

/// `program` (normally `cargo`) without the variables cargo sets for the running package
/// (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`...): build scripts such as ring's watch them, so
/// inheriting them makes a nested build rebuild what a plain build already built.
pub fn plain_cargo(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let set_for_package = name.starts_with("CARGO_PKG_")
            || matches!(
                &*name,
                "CARGO_MANIFEST_DIR"
                    | "CARGO_MANIFEST_PATH"
                    | "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
            );
        if set_for_package {
            command.env_remove(&*name);
        }
    }
    command
}
