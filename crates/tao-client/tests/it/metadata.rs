//! The checked-in metadata is exactly what the node serves, so the generated API cannot drift.

#[test]
fn metadata_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(tao_client::METADATA_PATH);
    let checked_in = std::fs::read(&path).unwrap();
    let current = tao_node::runtime::metadata::encoded(15).expect("V15 is served");
    assert!(
        checked_in == current,
        "{} is out of date with tao-node's runtime; regenerate it with\n  \
         cargo run -p tao-node -- export-metadata --out crates/tao-client/metadata/tao-node.scale\n\
         and rebuild tao-client",
        path.display()
    );
    // And it is what the client was compiled from.
    assert!(tao_client::METADATA == current, "rebuild tao-client (cargo clean -p tao-client)");
}
