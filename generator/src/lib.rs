//! Turns an OpenAPI 3.0/3.1 document into the sources of a Rust client crate.
//!
//! The pipeline is a chain of plain functions, each in its own module, so any stage can be run
//! (and measured) alone:
//!
//! 1. [`load`]: YAML or JSON text → untyped tree → version check → [`normalize`] (3.1 forms
//!    rewritten into one internal form) → `openapiv3` types.
//! 2. [`model::build`]: the typed document → an intermediate model of named types and
//!    operations, in a stable order ([`schema`] converts schemas, [`naming`] picks names).
//! 3. [`emit::emit`]: the model → tokens with `quote` → `prettyplease` → file contents.
//!
//! Every stage returns [`Error`] with a JSON pointer to the part of the spec at fault; nothing
//! here panics on spec data, and only callers print.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod emit;
pub mod error;
pub mod load;
pub mod model;
pub mod naming;
pub mod normalize;
pub mod schema;

use std::path::PathBuf;

pub use error::{Error, Warning};

/// The operation keys of a path item, in the order the client lists their methods.
pub(crate) const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What the generated crate is called and how its files say they were made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The crate's package name.
    pub crate_name: String,
    /// The spec's path as shown in the `@generated` header (relative, with `/`).
    pub spec_path: String,
    /// The command that regenerates the crate, shown in the header.
    pub command: String,
}

/// One file of the generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path relative to the crate's root.
    pub path: PathBuf,
    /// The whole contents.
    pub contents: String,
}

/// The generated crate and the fallbacks taken while making it.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every file, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// Places in the spec that were handled with a fallback.
    pub warnings: Vec<Warning>,
}

/// Generates a client crate from the text of an OpenAPI document.
pub fn generate(spec: &str, config: &Config) -> Result<Generated, Error> {
    let document = load::load(spec)?;
    let model = model::build(&document)?;
    let files = emit::emit(&model, config)?;
    Ok(Generated {
        files,
        warnings: model.warnings,
    })
}
