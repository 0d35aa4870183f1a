//! The relayer's two keys and where they come from.
//!
//! * **eth** — secp256k1: signs mint batches (EIP-712) and pays for `TaoBridge.mint`.
//! * **tao** — sr25519: signs `Bridge.attest` / `Bridge.approve_release` on tao-node.
//!
//! Both live in one directory as Web3 Secret Storage v3 files (`eth.json`, `tao.json`: scrypt +
//! AES-128-CTR, the format geth, foundry's `cast wallet` and alloy read), under one password from
//! a file or `WTAO_RELAYER_KEYS_PASSWORD`. The TAO file holds the 32-byte sr25519 mini secret.
//!
//! For the devnet only, `--dev` lets keys come from `WTAO_RELAYER_DEV_ETH_KEY` (hex) and
//! `WTAO_RELAYER_DEV_TAO_SURI` (`//Alice`, a mnemonic, …). Without `--dev` those variables are an
//! error, so a production relayer never runs on a key sitting in its environment by mistake.

use std::path::{Path, PathBuf};

use alloy::primitives::Address;
use alloy::signers::local::PrivateKeySigner;
use tao_client::{AccountId32, Keypair};

use crate::config::KeysConfig;
use crate::error::KeyError;

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
    /// keystore directory.
    pub fn load(
        config: &KeysConfig,
        dev: bool,
        env: impl Fn(&str) -> Option<String>,
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
        let password = password(config)?;
        Self::open(dir, &password)
    }

    /// Decrypt the keystore in `dir`.
    pub fn open(dir: &Path, password: &str) -> Result<Self, KeyError> {
        let eth = decrypt(&dir.join(ETH_FILE), password)?;
        let tao = decrypt(&dir.join(TAO_FILE), password)?;
        let tao = Keypair::from_secret_key(tao.to_bytes().into())
            .map_err(|e| KeyError::Invalid { what: "sr25519 secret", reason: e.to_string() })?;
        Ok(Self { eth, tao })
    }

    /// Write `eth_secret` and `tao_secret` (32 bytes each) encrypted under `password` to `dir`,
    /// refusing to overwrite existing files.
    pub fn create(
        dir: &Path,
        password: &str,
        eth_secret: &[u8; 32],
        tao_secret: &[u8; 32],
    ) -> Result<Self, KeyError> {
        std::fs::create_dir_all(dir)
            .map_err(|source| KeyError::Io { path: dir.to_owned(), source })?;
        for name in [ETH_FILE, TAO_FILE] {
            let path = dir.join(name);
            if path.exists() {
                return Err(KeyError::Exists { path });
            }
        }
        let mut rng = rand::thread_rng();
        for (name, secret) in [(ETH_FILE, eth_secret), (TAO_FILE, tao_secret)] {
            PrivateKeySigner::encrypt_keystore(dir, &mut rng, secret, password, Some(name))
                .map_err(|e| KeyError::Decrypt { path: dir.join(name), reason: e.to_string() })?;
        }
        Self::open(dir, password)
    }

    /// Fresh random keys in `dir`.
    pub fn generate(dir: &Path, password: &str) -> Result<Self, KeyError> {
        // Both secrets are drawn as secp256k1 scalars: any such scalar is also a valid sr25519
        // mini secret, and the keystore format insists on a valid secp256k1 key.
        let eth = PrivateKeySigner::random();
        let tao = PrivateKeySigner::random();
        Self::create(dir, password, &eth.to_bytes().0, &tao.to_bytes().0)
    }
}

/// The keystore password from the file (first line) or the environment-provided value.
pub fn password(config: &KeysConfig) -> Result<String, KeyError> {
    if let Some(p) = &config.password {
        return Ok(p.clone());
    }
    let path = config.password_file.as_deref().ok_or(KeyError::NoPassword)?;
    let text = std::fs::read_to_string(path)
        .map_err(|source| KeyError::Io { path: path.to_owned(), source })?;
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

fn decrypt(path: &PathBuf, password: &str) -> Result<PrivateKeySigner, KeyError> {
    if !path.exists() {
        return Err(KeyError::Missing { path: path.clone() });
    }
    PrivateKeySigner::decrypt_keystore(path, password)
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

    #[test]
    fn keystore_round_trip_and_wrong_password() {
        let dir = tempfile::tempdir().unwrap();
        let keys = RelayerKeys::generate(dir.path(), "pw").unwrap();
        let again = RelayerKeys::open(dir.path(), "pw").unwrap();
        assert_eq!(keys.eth_address(), again.eth_address());
        assert_eq!(keys.tao_account(), again.tao_account());
        let err = RelayerKeys::open(dir.path(), "nope").unwrap_err();
        assert!(matches!(err, KeyError::Decrypt { .. }), "{err}");
        let err = RelayerKeys::generate(dir.path(), "pw").unwrap_err();
        assert!(matches!(err, KeyError::Exists { .. }), "{err}");
    }

    #[test]
    fn dev_keys_only_with_dev() {
        let env = |k: &str| match k {
            DEV_ETH_KEY_VAR => Some(ALICE_ETH.to_owned()),
            DEV_TAO_SURI_VAR => Some("//Bob".to_owned()),
            _ => None,
        };
        let keys = RelayerKeys::load(&KeysConfig::default(), true, env).unwrap();
        assert_eq!(
            keys.eth_address(),
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse::<Address>().unwrap()
        );
        assert_eq!(keys.tao_account(), tao_client::dev::bob().public_key().to_account_id());
        let err = RelayerKeys::load(&KeysConfig::default(), false, env).unwrap_err();
        assert!(matches!(err, KeyError::EnvKeyWithoutDev { .. }), "{err}");
        let err = RelayerKeys::load(&KeysConfig::default(), false, |_| None).unwrap_err();
        assert!(matches!(err, KeyError::NotConfigured), "{err}");
    }
}
