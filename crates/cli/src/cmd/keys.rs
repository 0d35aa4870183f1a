//! `wtao keys new|show|dev`: encrypted keystores (the relayer's format: `eth.json` + `tao.json`,
//! Web3 Secret Storage v3 under one password) and the devnet's public dev keys.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use eyre::{WrapErr, bail};
use serde_json::json;
use wtao_relayer::RelayerKeys;

use crate::{
    args::{
        KeyArgs,
        address::DEV_NAMES,
        keys::{self, dev_eth, dev_tao},
    },
    output::Output,
};

/// Make and inspect keys.
#[derive(Debug, Args)]
pub(crate) struct KeysArgs {
    #[command(subcommand)]
    cmd: KeysCommand,
}

/// Keys commands.
#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Create a keystore with a fresh sr25519 (TAO) and secp256k1 (EVM) key, encrypted under
    /// one password (from --password-file, WTAO_KEYS_PASSWORD, or asked twice on the terminal).
    ///
    /// The same format as a relayer's keystore: `wtao-relayer` can run on it, and every command
    /// that signs takes it as `--keystore DIR`.
    New(NewArgs),
    /// Show the addresses (never the secrets) of the keys given by --keystore, --key-uri,
    /// --eth-key or --from.
    Show(ShowArgs),
    /// List the devnet's dev accounts: public, well-known keys (never use them on a real chain).
    Dev,
}

/// Options of `wtao keys new`.
#[derive(Debug, Args)]
struct NewArgs {
    /// The directory to create (its eth.json and tao.json must not exist yet).
    #[arg(long, value_name = "DIR")]
    keystore: PathBuf,

    /// A file whose first line is the password.
    #[arg(long, value_name = "FILE", env = "WTAO_KEYS_PASSWORD_FILE")]
    password_file: Option<PathBuf>,
}

/// Options of `wtao keys show`.
#[derive(Debug, Args)]
struct ShowArgs {
    #[command(flatten)]
    keys: KeyArgs,
}

impl KeysArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        match self.cmd {
            KeysCommand::New(args) => {
                let password = keys::password(args.password_file.as_deref(), true)?;
                let made = RelayerKeys::generate(&args.keystore, &password)
                    .wrap_err_with(|| format!("creating {}", args.keystore.display()))?;
                let (eth, tao) = (made.eth_address(), made.tao_account());
                out.success(
                    json!({"keystore": args.keystore, "eth_address": eth.to_checksum(None),
                           "tao_ss58": tao.to_string()}),
                    &format!(
                        "created {} (eth.json, tao.json)\n  TAO  {tao}\n  EVM  {}\nKeep the \
                         password: without it the keys cannot be recovered.",
                        args.keystore.display(),
                        eth.to_checksum(None)
                    ),
                );
                Ok(())
            }
            KeysCommand::Show(args) => {
                let k = &args.keys;
                if !k.any() {
                    bail!("which keys? pass --keystore DIR, --key-uri, --eth-key or --from <name>");
                }
                // Only the kinds that were given (a keystore or --from has both).
                let tao = (k.from.is_some() || k.key_uri.is_some() || k.keystore.is_some())
                    .then(|| k.tao(None))
                    .transpose()?;
                let eth = (k.from.is_some() || k.eth_key.is_some() || k.keystore.is_some())
                    .then(|| k.eth(None))
                    .transpose()?;
                let tao_ss58 =
                    tao.as_ref().map(|t| t.pair.public_key().to_account_id().to_string());
                let tao_pub =
                    tao.as_ref().map(|t| format!("0x{}", hex::encode(t.pair.public_key().0)));
                let eth_addr = eth.as_ref().map(|e| e.signer.address().to_checksum(None));
                let mut human = String::new();
                if let (Some(t), Some(s)) = (&tao, &tao_ss58) {
                    human.push_str(&format!("  TAO  {s}  ({})\n", t.source));
                }
                if let (Some(e), Some(a)) = (&eth, &eth_addr) {
                    human.push_str(&format!("  EVM  {a}  ({})\n", e.source));
                }
                out.success(
                    json!({"tao_ss58": tao_ss58, "tao_public_key": tao_pub, "eth_address": eth_addr}),
                    &human,
                );
                Ok(())
            }
            KeysCommand::Dev => {
                let mut rows = Vec::new();
                let mut human = format!(
                    "Dev accounts of the devnet: public keys, for the devnet only.\n\n  \
                     {:<8} {:<10} {:<48}  {:>5}  {}\n",
                    "name", "TAO key", "TAO address (SS58)", "anvil", "EVM address"
                );
                for (i, name) in DEV_NAMES.iter().enumerate() {
                    let tao = dev_tao(i)?;
                    let ss58 = tao.pair.public_key().to_account_id().to_string();
                    let eth = dev_eth(i, None).ok().map(|e| e.signer.address().to_checksum(None));
                    human.push_str(&format!(
                        "  {name:<8} {:<10} {ss58:<48}  {:>5}  {}\n",
                        keys::dev_uri(name),
                        i,
                        eth.as_deref().unwrap_or("(from the running devnet)")
                    ));
                    rows.push(
                        json!({"name": name, "tao_uri": keys::dev_uri(name), "tao_ss58": ss58,
                                     "anvil_index": i, "eth_address": eth}),
                    );
                }
                human
                    .push_str("\nUse one with --from <name> (alice is the default on the devnet).");
                out.success(json!({ "accounts": rows }), &human);
                Ok(())
            }
        }
    }
}
