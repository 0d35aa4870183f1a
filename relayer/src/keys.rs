//! The relayer's two keys and where they come from.
//!
//! * **eth** — secp256k1: signs mint batches (EIP-712) and pays for `TaoBridge.mint`.
//! * **tao** — sr25519: signs `Bridge.attest` / `Bridge.approve_release` on tao-node.
//!
//! Both live in one directory as Web3 Secret Storage v3 files (`eth.json`, `tao.json`: scrypt +
//! AES-128-CTR, the format geth, foundry's `cast wallet` and alloy read), under one password. The
//! TAO file holds the 32-byte sr25519 mini secret. The directory is created `0700` and the files
//! `0600`.
//!
//! **The password** comes from `WTAO_RELAYER_KEYS_PASSWORD`, else the first line of
//! `keys.password_file`, else a prompt when standard input is a terminal ([`Prompt`]) — never
//! from the config file or the command line. It is a [`Secret`]; an empty one is refused.
//! `keys new` with a `--password-file` that does not exist yet writes a fresh random password
//! into it (`0600`, parent folders created): the file *is* where the password lives, so a
//! generated one is stronger than a typed one and nothing needs remembering.
//!
//! For the devnet only, `--dev` lets keys come from `WTAO_RELAYER_DEV_ETH_KEY` (hex) and
//! `WTAO_RELAYER_DEV_TAO_SURI` (`//Alice`, a mnemonic, …). Without `--dev` those variables are an
//! error, so a production relayer never runs on a key sitting in its environment by mistake.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use alloy::primitives::Address;
use alloy::signers::local::PrivateKeySigner;
use rand::RngCore as _;
use tao_client::{AccountId32, Keypair};

use crate::config::KeysConfig;
use crate::error::KeyError;
use crate::secret::Secret;

/// File name of the secp256k1 keystore.
pub const ETH_FILE: &str = "eth.json";
/// File name of the sr25519 keystore.
pub const TAO_FILE: &str = "tao.json";
/// Dev-only: the secp256k1 key as hex.
pub const DEV_ETH_KEY_VAR: &str = "WTAO_RELAYER_DEV_ETH_KEY";
/// Dev-only: the sr25519 key as a secret URI.
pub const DEV_TAO_SURI_VAR: &str = "WTAO_RELAYER_DEV_TAO_SURI";

/// Both keys of one relayer.
#[derive(Clone)]
pub struct RelayerKeys {
    /// secp256k1 signer (mint batches, EVM transactions).
    pub eth: PrivateKeySigner,
    /// sr25519 pair (tao-node transactions).
    pub tao: Keypair,
}

impl std::fmt::Debug for RelayerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayerKeys")
            .field("eth", &self.eth_address())
            .field("tao", &self.tao_account().to_string())
            .finish()
    }
}

impl RelayerKeys {
    /// The Ethereum address (what `TaoBridge.relayers()` lists).
    pub fn eth_address(&self) -> Address {
        self.eth.address()
    }

    /// The TAO account (what `Bridge.Relayers` lists).
    pub fn tao_account(&self) -> AccountId32 {
        self.tao.public_key().to_account_id()
    }

    /// The secp256k1 key as `wtao-bridge-types` signs with it.
    pub fn signing_key(&self) -> &wtao_bridge_types::SigningKey {
        self.eth.credential()
    }

    /// Load the keys: from the dev variables when `dev` (both must be set), else from the
    /// keystore directory with the password from [`password_or_prompt`].
    pub fn load(
        config: &KeysConfig,
        dev: bool,
        env: impl Fn(&str) -> Option<String>,
        prompt: Prompt,
    ) -> Result<Self, KeyError> {
        let eth_var = env(DEV_ETH_KEY_VAR);
        let tao_var = env(DEV_TAO_SURI_VAR);
        if !dev {
            if eth_var.is_some() {
                return Err(KeyError::EnvKeyWithoutDev { var: DEV_ETH_KEY_VAR });
            }
            if tao_var.is_some() {
                return Err(KeyError::EnvKeyWithoutDev { var: DEV_TAO_SURI_VAR });
            }
        }
        if let (true, Some(eth), Some(tao)) = (dev, &eth_var, &tao_var) {
            return Ok(Self { eth: parse_eth_key(eth)?, tao: parse_suri(tao)? });
        }
        let dir = config.dir.as_deref().ok_or(KeyError::NotConfigured)?;
        let password = password_or_prompt(config, prompt)?;
        Self::open(dir, &password)
    }

    /// Decrypt the keystore in `dir`.
    pub fn open(dir: &Path, password: &Secret) -> Result<Self, KeyError> {
        let eth = decrypt(&dir.join(ETH_FILE), password)?;
        let tao = decrypt(&dir.join(TAO_FILE), password)?;
        let tao = Keypair::from_secret_key(tao.to_bytes().into())
            .map_err(|e| KeyError::Invalid { what: "sr25519 secret", reason: e.to_string() })?;
        Ok(Self { eth, tao })
    }

    /// Refuse a `dir` that already holds a keystore, before anything (a new password file)
    /// is written for it.
    pub fn ensure_absent(dir: &Path) -> Result<(), KeyError> {
        for name in [ETH_FILE, TAO_FILE] {
            let path = dir.join(name);
            if path.exists() {
                return Err(KeyError::Exists { path });
            }
        }
        Ok(())
    }

    /// Write `eth_secret` and `tao_secret` (32 bytes each) encrypted under `password` to `dir`
    /// (created `0700` with its parents), refusing to overwrite existing files.
    pub fn create(
        dir: &Path,
        password: &Secret,
        eth_secret: &[u8; 32],
        tao_secret: &[u8; 32],
    ) -> Result<Self, KeyError> {
        if password.is_empty() {
            return Err(KeyError::EmptyPassword { from: "the caller".into() });
        }
        Self::ensure_absent(dir)?;
        create_private_dir(dir)?;
        let mut rng = rand::thread_rng();
        for (name, secret) in [(ETH_FILE, eth_secret), (TAO_FILE, tao_secret)] {
            let path = dir.join(name);
            PrivateKeySigner::encrypt_keystore(
                dir,
                &mut rng,
                secret,
                password.expose(),
                Some(name),
            )
            .map_err(|e| KeyError::Decrypt { path: path.clone(), reason: e.to_string() })?;
            restrict(&path, 0o600)?;
        }
        Self::open(dir, password)
    }

    /// Fresh random keys in `dir`.
    pub fn generate(dir: &Path, password: &Secret) -> Result<Self, KeyError> {
        // Both secrets are drawn as secp256k1 scalars: any such scalar is also a valid sr25519
        // mini secret, and the keystore format insists on a valid secp256k1 key.
        let eth = PrivateKeySigner::random();
        let tao = PrivateKeySigner::random();
        Self::create(dir, password, &eth.to_bytes().0, &tao.to_bytes().0)
    }
}

/// Whether a password that is configured nowhere may be asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// Ask on the terminal when standard input is one.
    Terminal,
    /// Never ask (tests, services).
    Never,
}

impl Prompt {
    fn available(self) -> bool {
        self == Self::Terminal && std::io::stdin().is_terminal()
    }
}

/// The configured keystore password: `WTAO_RELAYER_KEYS_PASSWORD` (already in
/// `config.password`), else the first line of `config.password_file`; `None` when neither is
/// set. An empty password is refused.
pub fn password(config: &KeysConfig) -> Result<Option<Secret>, KeyError> {
    if let Some(p) = &config.password {
        return non_empty(p.clone(), crate::config::PASSWORD_VAR).map(Some);
    }
    match &config.password_file {
        Some(path) => read_password_file(path).map(Some),
        None => Ok(None),
    }
}

/// [`password`], else typed on the terminal (when `prompt` allows and standard input is one).
pub fn password_or_prompt(config: &KeysConfig, prompt: Prompt) -> Result<Secret, KeyError> {
    if let Some(p) = password(config)? {
        return Ok(p);
    }
    if !prompt.available() {
        return Err(KeyError::NoPassword);
    }
    non_empty(ask("keystore password: ")?, "the prompt")
}

/// The password for a *new* keystore, and a note for the user when it was written to a file:
/// from `WTAO_RELAYER_KEYS_PASSWORD`; from `password_file` when it exists; a fresh random
/// password written to `password_file` when it does not; else typed twice on the terminal.
pub fn new_password(
    config: &KeysConfig,
    prompt: Prompt,
) -> Result<(Secret, Option<String>), KeyError> {
    if let Some(p) = &config.password {
        return Ok((non_empty(p.clone(), crate::config::PASSWORD_VAR)?, None));
    }
    if let Some(path) = &config.password_file {
        if path.exists() {
            return Ok((read_password_file(path)?, None));
        }
        let password = write_random_password(path)?;
        let note = format!(
            "wrote a new random keystore password to {} (mode 0600); keep that file with the \
             keystore: it is the only way to decrypt it",
            path.display()
        );
        return Ok((password, Some(note)));
    }
    if !prompt.available() {
        return Err(KeyError::NoPassword);
    }
    let first = non_empty(ask("new keystore password: ")?, "the prompt")?;
    let second = ask("repeat the password: ")?;
    if first != second {
        return Err(KeyError::PasswordMismatch);
    }
    Ok((first, None))
}

/// The first line of `path` (the rest is ignored, so a trailing newline is fine).
pub fn read_password_file(path: &Path) -> Result<Secret, KeyError> {
    let text = std::fs::read_to_string(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => KeyError::PasswordFileMissing { path: path.to_owned() },
        _ => KeyError::Io { path: path.to_owned(), source },
    })?;
    let text = Secret::new(text);
    let first = Secret::new(text.expose().lines().next().unwrap_or_default());
    non_empty(first, &path.display().to_string())
}

/// Create `path` (and its missing parents, `0700`) holding a new random password: 32 bytes from
/// the OS's generator as 64 hex digits, mode `0600`. Refuses to replace an existing file.
pub fn write_random_password(path: &Path) -> Result<Secret, KeyError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        create_private_dir(parent)?;
    }
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(bytes.as_mut());
    let password = Secret::new(hex::encode(bytes.as_ref()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let io = |source| KeyError::Io { path: path.to_owned(), source };
    let mut file = options.open(path).map_err(io)?;
    file.write_all(format!("{}\n", password.expose()).as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)?;
    Ok(password)
}

/// What to do next with a new keystore: put its two identities in the relayer sets of both
/// chains. The commands are the ones that exist today (`cast` against the governor; the
/// tao-client example for the sudo call).
pub fn registration_help(keys: &RelayerKeys) -> String {
    let eth = keys.eth_address();
    let tao = keys.tao_account();
    format!(
        r#"Until this relayer is in the relayer set of both chains, its signatures and approvals do not
count. Each set is replaced as a whole: list every current relayer plus this one, and a threshold
M with N/2 < M <= N. Use the same set (same order of pairs) on both chains.

Ethereum — TaoBridge.setRelayers, owned by the timelock, so through a WTAOGovernor proposal
(cast: node_modules/@foundry-rs/cast-linux-amd64/bin/cast; set ETH_RPC_URL, GOVERNOR, BRIDGE
from your deployment; votes count only for wTAO delegated before the proposal):
  RELAYERS="[<current relayer addresses>,{eth}]"  M=2  DESC="add relayer {eth}"
  CALLDATA=$(cast calldata "setRelayers(address[],uint256)" "$RELAYERS" $M)
  HASH=$(cast keccak "$DESC")
  cast send $GOVERNOR "propose(address[],uint256[],bytes[],string)" "[$BRIDGE]" "[0]" "[$CALLDATA]" "$DESC" --private-key $PROPOSER_KEY
  ID=$(cast call $GOVERNOR "hashProposal(address[],uint256[],bytes[],bytes32)(uint256)" "[$BRIDGE]" "[0]" "[$CALLDATA]" $HASH)
  cast send $GOVERNOR "castVote(uint256,uint8)" $ID 1 --private-key $VOTER_KEY     # after the voting delay
  cast send $GOVERNOR "queue(address[],uint256[],bytes[],bytes32)" "[$BRIDGE]" "[0]" "[$CALLDATA]" $HASH --private-key $ANY_KEY    # after the voting period
  cast send $GOVERNOR "execute(address[],uint256[],bytes[],bytes32)" "[$BRIDGE]" "[0]" "[$CALLDATA]" $HASH --private-key $ANY_KEY  # after the timelock delay

tao-node — Bridge.set_relayers as root (Sudo.sudo, signed by the sudo key), one ACCOUNT=ETH pair
per relayer; the sudo key's secret URI is read from TAO_SUDO_SURI:
  TAO_SUDO_SURI=... cargo run -p tao-client --example set_relayers -- --url ws://127.0.0.1:9944     --threshold 2 --relayer <current pairs…> --relayer {tao}={eth}
"#
    )
}

fn non_empty(secret: Secret, from: &str) -> Result<Secret, KeyError> {
    if secret.is_empty() {
        return Err(KeyError::EmptyPassword { from: from.to_owned() });
    }
    Ok(secret)
}

fn ask(prompt: &str) -> Result<Secret, KeyError> {
    rpassword::prompt_password(prompt)
        .map(Secret::new)
        .map_err(|source| KeyError::Io { path: PathBuf::from("/dev/tty"), source })
}

/// `create_dir_all`, with the folders it creates readable by the owner only.
fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|source| KeyError::Io { path: dir.to_owned(), source })
}

fn restrict(path: &Path, mode: u32) -> Result<(), KeyError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|source| KeyError::Io { path: path.to_owned(), source })?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

fn decrypt(path: &PathBuf, password: &Secret) -> Result<PrivateKeySigner, KeyError> {
    if !path.exists() {
        return Err(KeyError::Missing { path: path.clone() });
    }
    PrivateKeySigner::decrypt_keystore(path, password.expose())
        .map_err(|e| KeyError::Decrypt { path: path.clone(), reason: e.to_string() })
}

/// A hex secp256k1 private key (with or without `0x`).
pub fn parse_eth_key(hex_key: &str) -> Result<PrivateKeySigner, KeyError> {
    hex_key.trim().parse::<PrivateKeySigner>().map_err(|e| KeyError::Invalid {
        what: "secp256k1 private key (64 hex digits)",
        reason: e.to_string(),
    })
}

/// A 32-byte hex secret (with or without `0x`).
pub fn parse_secret(what: &'static str, hex_key: &str) -> Result<[u8; 32], KeyError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_key.trim().trim_start_matches("0x"), &mut out)
        .map_err(|e| KeyError::Invalid { what, reason: e.to_string() })?;
    Ok(out)
}

/// An sr25519 secret URI (`//Alice`, `<mnemonic>//hard/soft`, `0x<seed>`).
pub fn parse_suri(suri: &str) -> Result<Keypair, KeyError> {
    let uri: tao_client::SecretUri = suri.parse().map_err(|e: tao_client::SecretUriError| {
        KeyError::Invalid { what: "sr25519 secret URI", reason: e.to_string() }
    })?;
    Keypair::from_uri(&uri)
        .map_err(|e| KeyError::Invalid { what: "sr25519 secret URI", reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE_ETH: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    fn pw(s: &str) -> Secret {
        Secret::new(s)
    }

    #[test]
    fn keystore_round_trip_and_wrong_password() {
        let dir = tempfile::tempdir().unwrap();
        let keys = RelayerKeys::generate(dir.path(), &pw("pw")).unwrap();
        let again = RelayerKeys::open(dir.path(), &pw("pw")).unwrap();
        assert_eq!(keys.eth_address(), again.eth_address());
        assert_eq!(keys.tao_account(), again.tao_account());
        let err = RelayerKeys::open(dir.path(), &pw("nope")).unwrap_err();
        assert!(matches!(err, KeyError::Decrypt { .. }), "{err}");
        let err = RelayerKeys::generate(dir.path(), &pw("pw")).unwrap_err();
        assert!(matches!(err, KeyError::Exists { .. }), "{err}");
        let err = RelayerKeys::generate(&dir.path().join("other"), &pw("")).unwrap_err();
        assert!(matches!(err, KeyError::EmptyPassword { .. }), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn keystores_and_password_files_are_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let keys_dir = dir.path().join("keys/r1");
        RelayerKeys::generate(&keys_dir, &pw("pw")).unwrap();
        assert_eq!(mode(&keys_dir), 0o700);
        assert_eq!(mode(&dir.path().join("keys")), 0o700);
        assert_eq!(mode(&keys_dir.join(ETH_FILE)), 0o600);
        assert_eq!(mode(&keys_dir.join(TAO_FILE)), 0o600);
        let file = dir.path().join("secrets/deeper/r1.pw");
        let written = write_random_password(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&dir.path().join("secrets")), 0o700);
        assert_eq!(written.expose().len(), 64);
        assert_eq!(read_password_file(&file).unwrap(), written);
        assert_ne!(write_random_password(&dir.path().join("other.pw")).unwrap(), written);
        // Never replaced.
        assert!(write_random_password(&file).is_err());
    }

    #[test]
    fn password_sources_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pw");
        std::fs::write(&file, "from file\nignored\n").unwrap();
        let mut c = KeysConfig { dir: None, password_file: Some(file.clone()), password: None };
        assert_eq!(password(&c).unwrap(), Some(pw("from file")));
        c.password = Some(pw("from env"));
        assert_eq!(password(&c).unwrap(), Some(pw("from env")));
        c.password = Some(pw(""));
        assert!(matches!(password(&c).unwrap_err(), KeyError::EmptyPassword { .. }));
        c.password = None;
        std::fs::write(&file, "\nsecond line\n").unwrap();
        let err = password(&c).unwrap_err();
        assert!(matches!(err, KeyError::EmptyPassword { .. }), "{err}");
        assert!(err.to_string().contains("empty"), "{err}");
        c.password_file = Some(dir.path().join("missing"));
        let err = password(&c).unwrap_err();
        assert!(matches!(err, KeyError::PasswordFileMissing { .. }), "{err}");
        assert!(err.to_string().contains("keys new"), "{err}");
        c.password_file = None;
        assert_eq!(password(&c).unwrap(), None);
        let err = password_or_prompt(&c, Prompt::Never).unwrap_err();
        assert!(matches!(err, KeyError::NoPassword), "{err}");
    }

    #[test]
    fn a_new_keystore_gets_a_random_password_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secrets/r1.pw");
        let c = KeysConfig { dir: None, password_file: Some(file.clone()), password: None };
        let (first, note) = new_password(&c, Prompt::Never).unwrap();
        assert!(note.unwrap().contains("r1.pw"));
        // The second time it reads what the first wrote.
        let (second, note) = new_password(&c, Prompt::Never).unwrap();
        assert_eq!((first, note), (second, None));
        let none = KeysConfig::default();
        assert!(matches!(new_password(&none, Prompt::Never).unwrap_err(), KeyError::NoPassword));
    }

    #[test]
    fn dev_keys_only_with_dev() {
        let env = |k: &str| match k {
            DEV_ETH_KEY_VAR => Some(ALICE_ETH.to_owned()),
            DEV_TAO_SURI_VAR => Some("//Bob".to_owned()),
            _ => None,
        };
        let keys = RelayerKeys::load(&KeysConfig::default(), true, env, Prompt::Never).unwrap();
        assert_eq!(
            keys.eth_address(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse::<Address>().unwrap()
        );
        assert_eq!(keys.tao_account(), tao_client::dev::bob().public_key().to_account_id());
        let err = RelayerKeys::load(&KeysConfig::default(), false, env, Prompt::Never).unwrap_err();
        assert!(matches!(err, KeyError::EnvKeyWithoutDev { .. }), "{err}");
        let err =
            RelayerKeys::load(&KeysConfig::default(), false, |_| None, Prompt::Never).unwrap_err();
        assert!(matches!(err, KeyError::NotConfigured), "{err}");
    }

    #[test]
    fn registration_help_names_both_identities() {
        let env = |k: &str| match k {
            DEV_ETH_KEY_VAR => Some(ALICE_ETH.to_owned()),
            DEV_TAO_SURI_VAR => Some("//Bob".to_owned()),
            _ => None,
        };
        let keys = RelayerKeys::load(&KeysConfig::default(), true, env, Prompt::Never).unwrap();
        let help = registration_help(&keys);
        assert!(help.contains(&keys.eth_address().to_string()), "{help}");
        assert!(help.contains(&format!("{}={}", keys.tao_account(), keys.eth_address())), "{help}");
        assert!(help.contains("setRelayers(address[],uint256)"), "{help}");
        assert!(help.contains("--example set_relayers"), "{help}");
    }
}
