//! Who signs. A TAO key (sr25519) and an EVM key (secp256k1) come from, in this order:
//!
//! 1. `--from <dev name>`: the devnet's public dev account (//Alice and anvil account 0, …);
//! 2. `--key-uri` / `WTAO_TAO_KEY_URI` (sr25519 secret URI), `--eth-key` / `WTAO_ETH_KEY` (hex);
//! 3. `--keystore DIR`: the relayer's encrypted keystore (`eth.json` + `tao.json`, Web3 Secret
//!    Storage v3, made by `wtao keys new`), its password from `--password-file`,
//!    `WTAO_KEYS_PASSWORD`, or asked on the terminal;
//! 4. on the devnet only, `alice`.
//!
//! Secrets are never echoed: [`Secret`] (the relayer's) prints as `[redacted]` in Debug, clap hides the
//! variables' values in `--help`, and the errors about a bad key name the flag, not the key.

use std::{io::Write, path::PathBuf};

use alloy::signers::local::PrivateKeySigner;
use clap::Args;
use eyre::{WrapErr, bail, eyre};
use tao_client::Keypair;
use wtao_devnet::DevnetInfo;
use wtao_relayer::{RelayerKeys, secret::Secret};

use super::address::{DEV_NAMES, dev_index};

/// The environment variable holding the keystore password.
pub(crate) const PASSWORD_VAR: &str = "WTAO_KEYS_PASSWORD";

/// clap's parser for a [`Secret`]: accepts anything (checked later, without echoing it).
fn secret(text: &str) -> Result<Secret, std::convert::Infallible> {
    Ok(Secret::new(text))
}

/// clap's parser for `--from`.
fn dev_name(text: &str) -> Result<usize, String> {
    dev_index(text).ok_or_else(|| format!("not a dev name; one of {}", DEV_NAMES.join(", ")))
}

/// The key options of the commands that sign.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Keys (default on the devnet: alice)")]
pub(crate) struct KeyArgs {
    /// Sign as a devnet dev account: alice, bob, charlie, dave, eve or ferdie (//Alice … on TAO,
    /// anvil account 0 … 5 on Ethereum). Public keys: for the devnet only.
    #[arg(long, value_name = "NAME", value_parser = dev_name)]
    pub(crate) from: Option<usize>,

    /// The TAO account's sr25519 secret URI (`//Alice`, a mnemonic, a 0x seed). Prefer the
    /// environment variable: a flag shows in the process list.
    #[arg(long, value_name = "URI", env = "WTAO_TAO_KEY_URI", hide_env_values = true,
          value_parser = secret)]
    pub(crate) key_uri: Option<Secret>,

    /// The EVM account's secp256k1 private key (64 hex digits). Prefer the environment variable.
    #[arg(long, value_name = "HEX", env = "WTAO_ETH_KEY", hide_env_values = true,
          value_parser = secret)]
    pub(crate) eth_key: Option<Secret>,

    /// An encrypted keystore: a directory with eth.json and tao.json, the relayer's format
    /// (`wtao keys new` makes one). Its password comes from --password-file, WTAO_KEYS_PASSWORD,
    /// or is asked on the terminal.
    #[arg(long, value_name = "DIR", env = "WTAO_KEYSTORE")]
    pub(crate) keystore: Option<PathBuf>,

    /// A file whose first line is the keystore's password.
    #[arg(long, value_name = "FILE", env = "WTAO_KEYS_PASSWORD_FILE")]
    pub(crate) password_file: Option<PathBuf>,
}

/// A TAO signer and who it is, for the progress lines.
pub(crate) struct TaoSigner {
    /// The key pair.
    pub(crate) pair: Keypair,
    /// `//Alice (devnet dev account)`, `keystore <dir>`, `--key-uri`.
    pub(crate) source: String,
}

/// An EVM signer and who it is.
pub(crate) struct EthSigner {
    /// The key.
    pub(crate) signer: PrivateKeySigner,
    /// Where it came from.
    pub(crate) source: String,
}

impl KeyArgs {
    /// The TAO signer. `devnet` is the running devnet, if the endpoints are its: then the
    /// default is alice.
    pub(crate) fn tao(&self, devnet: Option<&DevnetInfo>) -> eyre::Result<TaoSigner> {
        if let Some(i) = self.from {
            return dev_tao(i);
        }
        if let Some(uri) = &self.key_uri {
            let pair = wtao_relayer::keys::parse_suri(uri.expose()).map_err(|_| {
                eyre!(
                    "--key-uri / WTAO_TAO_KEY_URI is not an sr25519 secret URI \
                     (//Name, a 12 or 24 word mnemonic with an optional //path, or a 0x seed)"
                )
            })?;
            return Ok(TaoSigner { pair, source: "--key-uri".into() });
        }
        if let Some(dir) = &self.keystore {
            let keys = self.open_keystore(dir)?;
            return Ok(TaoSigner { pair: keys.tao, source: format!("keystore {}", dir.display()) });
        }
        match devnet {
            Some(_) => dev_tao(0),
            None => bail!(
                "no TAO key: pass --key-uri (or set WTAO_TAO_KEY_URI), --keystore DIR, or on a \
                 devnet --from <{}>",
                DEV_NAMES.join("|")
            ),
        }
    }

    /// The EVM signer; on the devnet the default is alice (anvil account 0).
    pub(crate) fn eth(&self, devnet: Option<&DevnetInfo>) -> eyre::Result<EthSigner> {
        if let Some(i) = self.from {
            return dev_eth(i, devnet);
        }
        if let Some(key) = &self.eth_key {
            let signer = wtao_relayer::keys::parse_eth_key(key.expose()).map_err(|_| {
                eyre!("--eth-key / WTAO_ETH_KEY is not a secp256k1 private key (64 hex digits)")
            })?;
            return Ok(EthSigner { signer, source: "--eth-key".into() });
        }
        if let Some(dir) = &self.keystore {
            let keys = self.open_keystore(dir)?;
            return Ok(EthSigner {
                signer: keys.eth,
                source: format!("keystore {}", dir.display()),
            });
        }
        match devnet {
            Some(_) => dev_eth(0, devnet),
            None => bail!(
                "no EVM key: pass --eth-key (or set WTAO_ETH_KEY), --keystore DIR, or on a devnet \
                 --from <{}>",
                DEV_NAMES.join("|")
            ),
        }
    }

    /// Whether any key option was given.
    pub(crate) fn any(&self) -> bool {
        self.from.is_some()
            || self.key_uri.is_some()
            || self.eth_key.is_some()
            || self.keystore.is_some()
    }

    /// Decrypts the keystore in `dir`.
    pub(crate) fn open_keystore(&self, dir: &std::path::Path) -> eyre::Result<RelayerKeys> {
        let password = password(self.password_file.as_deref(), false)?;
        RelayerKeys::open(dir, &password)
            .wrap_err_with(|| format!("opening the keystore {}", dir.display()))
    }
}

/// Dev account `i`'s TAO pair (`//Alice` …).
pub(crate) fn dev_tao(i: usize) -> eyre::Result<TaoSigner> {
    let name = DEV_NAMES.get(i).ok_or_else(|| eyre!("no dev account {i}"))?;
    let uri = dev_uri(name);
    let pair = wtao_relayer::keys::parse_suri(&uri)
        .map_err(|e| eyre!("deriving the dev key {uri}: {e}"))?;
    Ok(TaoSigner { pair, source: format!("{uri}, a devnet dev account") })
}

/// `//Alice` for `alice`.
pub(crate) fn dev_uri(name: &str) -> String {
    let mut chars = name.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or_default();
    format!("//{first}{}", chars.as_str())
}

/// anvil's account 5 (ferdie), beyond `wtao_devnet::DEV_ACCOUNTS`: a public dev key.
const ANVIL_5_KEY: &str = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";

/// Dev account `i`'s EVM key: anvil account `i` (the devnet's list, else the well-known first
/// five).
pub(crate) fn dev_eth(i: usize, devnet: Option<&DevnetInfo>) -> eyre::Result<EthSigner> {
    let from_devnet = devnet
        .and_then(|d| d.eth_accounts.iter().find(|a| a.index == i))
        .map(|a| a.private_key.clone());
    let key = from_devnet
        .or_else(|| wtao_devnet::DEV_ACCOUNTS.get(i).map(|(_, k)| (*k).to_owned()))
        .or_else(|| (i == 5).then(|| ANVIL_5_KEY.to_owned()))
        .ok_or_else(|| eyre!("anvil account {i} is only known with a devnet running"))?;
    let signer = wtao_relayer::keys::parse_eth_key(&key)
        .map_err(|e| eyre!("reading anvil account {i}'s key: {e}"))?;
    Ok(EthSigner { signer, source: format!("anvil account {i}, a devnet dev account") })
}

/// The keystore password: `--password-file`, else `WTAO_KEYS_PASSWORD`, else asked on the
/// terminal (twice when `confirm`, for a new keystore).
pub(crate) fn password(file: Option<&std::path::Path>, confirm: bool) -> eyre::Result<Secret> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .wrap_err_with(|| format!("reading the password file {}", path.display()))?;
        return Ok(Secret::new(text.lines().next().unwrap_or_default()));
    }
    if let Ok(p) = std::env::var(PASSWORD_VAR) {
        return Ok(Secret::new(p));
    }
    let no_tty = || {
        eyre!(
            "the keystore needs a password: pass --password-file FILE or set {PASSWORD_VAR} (there is no terminal to ask on)"
        )
    };
    let first = prompt("keystore password: ").map_err(|_| no_tty())?;
    if confirm {
        let again = prompt("again: ").map_err(|_| no_tty())?;
        if again != first {
            bail!("the two passwords differ; nothing was written");
        }
        if first.is_empty() {
            bail!("an empty password protects nothing; choose one");
        }
    }
    Ok(Secret::new(first))
}

/// Asks on the controlling terminal with echo off.
fn prompt(question: &str) -> std::io::Result<String> {
    use std::io::{BufRead, IsTerminal};
    use std::os::fd::AsRawFd;
    // Scripts (stdin not a terminal) get the error that names the variable, never a hang.
    if !std::io::stdin().is_terminal() {
        return Err(std::io::Error::other("stdin is not a terminal"));
    }
    let tty = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty")?;
    let fd = tty.as_raw_fd();
    // SAFETY: termios is plain data, filled by tcgetattr on an open terminal fd.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: fd is open for the whole block; saved is a valid termios.
    if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let mut quiet = saved;
    quiet.c_lflag &= !libc::ECHO;
    quiet.c_lflag |= libc::ECHONL;
    (&tty).write_all(question.as_bytes())?;
    // SAFETY: as above.
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let mut line = String::new();
    let read = std::io::BufReader::new(&tty).read_line(&mut line);
    // SAFETY: as above; restores what tcgetattr read.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    read?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        keys: KeyArgs,
    }

    const ANVIL_0_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    #[test]
    fn secrets_never_show_in_debug() {
        let cli =
            Cli::try_parse_from(["x", "--key-uri", "//Secret", "--eth-key", ANVIL_0_KEY]).unwrap();
        let debug = format!("{cli:?}");
        assert!(!debug.contains("Secret\"") && !debug.contains("ac0974"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
    }

    #[test]
    fn bad_keys_are_named_not_echoed() {
        let bad = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ffZZ";
        let cli =
            Cli::try_parse_from(["x", "--eth-key", bad, "--key-uri", "not a uri ///"]).unwrap();
        let err = format!("{:#}", cli.keys.eth(None).err().unwrap());
        assert!(err.contains("--eth-key") && !err.contains("ac0974"), "{err}");
    }

    #[test]
    fn dev_names_and_defaults() {
        let cli = Cli::try_parse_from(["x", "--from", "bob"]).unwrap();
        let tao = cli.keys.tao(None).unwrap();
        assert_eq!(tao.pair.public_key().0, tao_client::dev::bob().public_key().0);
        assert_eq!(tao.source, "//Bob, a devnet dev account");
        let eth = cli.keys.eth(None).unwrap();
        assert_eq!(eth.signer.address().to_checksum(None), wtao_devnet::DEV_ACCOUNTS[1].0);

        let none = Cli::try_parse_from(["x"]).unwrap();
        let err = none.keys.tao(None).err().unwrap().to_string();
        assert!(err.starts_with("no TAO key: pass --key-uri"), "{err}");
        let err = none.keys.eth(None).err().unwrap().to_string();
        assert!(err.starts_with("no EVM key: pass --eth-key"), "{err}");
        assert!(Cli::try_parse_from(["x", "--from", "mallory"]).is_err());

        let cli =
            Cli::try_parse_from(["x", "--key-uri", "//Charlie", "--eth-key", ANVIL_0_KEY]).unwrap();
        assert_eq!(
            cli.keys.tao(None).unwrap().pair.public_key().0,
            tao_client::dev::charlie().public_key().0
        );
        assert_eq!(
            cli.keys.eth(None).unwrap().signer.address().to_checksum(None),
            wtao_devnet::DEV_ACCOUNTS[0].0
        );
    }

    #[test]
    fn keystores_open_with_the_password_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("keys");
        let made = RelayerKeys::generate(&store, &Secret::new("hunter2")).unwrap();
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "hunter2\n").unwrap();
        let cli = Cli::try_parse_from([
            "x",
            "--keystore",
            store.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ])
        .unwrap();
        assert_eq!(cli.keys.eth(None).unwrap().signer.address(), made.eth_address());
        assert_eq!(
            cli.keys.tao(None).unwrap().pair.public_key().to_account_id(),
            made.tao_account()
        );
        std::fs::write(&pw, "wrong\n").unwrap();
        let err = format!("{:#}", cli.keys.eth(None).err().unwrap());
        assert!(err.contains("wrong password"), "{err}");
    }
}
