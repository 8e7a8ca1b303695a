//! Loopback HTTP servers and helpers shared by the integration tests.
