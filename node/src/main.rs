//! The `tao-node` binary: everything lives in the library ([`tao_node::cli`]).

fn main() -> eyre::Result<()> {
    tao_node::cli::main()
}
