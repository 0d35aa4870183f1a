//! Integration tests of wtao-bridge-types: the committed test-vector file.

mod vectors;
