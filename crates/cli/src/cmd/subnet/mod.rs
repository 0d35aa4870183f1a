//! `wtao subnet …`: run subnets on tao-node's SubtensorModule, as a subnet owner, miner or
//! validator does with btcli.
//!
//! ```text
//!  list       every subnet: netuid, name, owner, tempo, neurons, emission share, burn
//!  create     register_network (the lock cost is shown first)        signed by the coldkey
//!  register   burned_register a hotkey on a subnet (uid, burn paid)  signed by the coldkey
//!  stake      add_stake coldkey → hotkey on a subnet                 signed by the coldkey
//!  unstake    remove_stake                                           signed by the coldkey
//!  weights    set_weights, floats normalised as the bittensor SDK   signed by the hotkey
//!  metagraph  per-uid stake and the last epoch's outputs
//! ```
//!
//! The coldkey comes from the shared key options (`--from`, `--key-uri`, `--keystore`; alice on
//! the devnet), the hotkey from `--hotkey` (an address) or `--hotkey-uri` (a secret URI, needed
//! where the hotkey signs). A call the chain refuses ends with its SubtensorModule error name
//! and what to do about it ([`errors`]). Amounts: TAO for people, rao as decimal strings in
//! `--json`; u16 proportions as the chain's integer with the normalised float beside it.

mod create;
mod errors;

pub(crate) use errors::ChainError;
mod list;
mod metagraph;
mod register;
mod stake;
mod table;
mod unstake;
mod weights;

use clap::{Args, Subcommand};
use eyre::{bail, eyre};
use serde_json::{Value, json};
use tao_client::{AccountId32, Keypair, TaoClient};
use wtao_relayer::secret::Secret;

use crate::{
    args::{Account, address::parse_ss58_or_dev, keys},
    chain,
    output::Output,
};

/// Run subnets: create one, register neurons, stake, set weights, read the metagraph.
#[derive(Debug, Args)]
pub(crate) struct SubnetArgs {
    #[command(subcommand)]
    pub(crate) cmd: SubnetCommand,
}

/// Subnet commands.
#[derive(Debug, Subcommand)]
pub(crate) enum SubnetCommand {
    /// List the subnets: netuid, name, owner, tempo, neurons, emission share, burn cost.
    List(list::ListArgs),
    /// Create a subnet (register_network), locking the current lock cost from the coldkey.
    Create(create::CreateArgs),
    /// Register a hotkey on a subnet (burned_register): burns the subnet's burn cost.
    Register(register::RegisterArgs),
    /// Stake TAO from the coldkey to a hotkey on a subnet (add_stake).
    Stake(stake::StakeArgs),
    /// Unstake TAO from a hotkey on a subnet back to the coldkey (remove_stake).
    Unstake(unstake::UnstakeArgs),
    /// Set a validator's weights (set_weights), signed by its hotkey.
    Weights(weights::WeightsArgs),
    /// Show a subnet's neurons: stake and the last epoch's incentive, dividends, emission.
    Metagraph(metagraph::MetagraphArgs),
}

impl SubnetArgs {
    pub(crate) fn run(self, out: &Output) -> eyre::Result<()> {
        match self.cmd {
            SubnetCommand::List(args) => args.run(out),
            SubnetCommand::Create(args) => args.run(out),
            SubnetCommand::Register(args) => args.run(out),
            SubnetCommand::Stake(args) => args.run(out),
            SubnetCommand::Unstake(args) => args.run(out),
            SubnetCommand::Weights(args) => args.run(out),
            SubnetCommand::Metagraph(args) => args.run(out),
        }
    }
}

/// `--hotkey-uri`'s secret: the one redacted secret type, whose Debug never shows it.
#[derive(Clone, Debug)]
pub(crate) struct HotkeySecret(Secret);

impl HotkeySecret {
    /// The pair; the error names the flag, never the secret (clap would echo a value its
    /// parser refused, so the parser accepts anything and the check is here).
    fn pair(&self) -> eyre::Result<Keypair> {
        wtao_relayer::keys::parse_suri(self.0.expose()).map_err(|_| {
            eyre!(
                "--hotkey-uri / WTAO_HOTKEY_URI is not an sr25519 secret URI (//Name, a 12 or 24 \
                 word mnemonic with an optional //path, or a 0x seed)"
            )
        })
    }
}

/// clap's parser for `--hotkey-uri`: accepts anything (checked later, without echoing it).
fn hotkey_secret(text: &str) -> Result<HotkeySecret, std::convert::Infallible> {
    Ok(HotkeySecret(Secret::new(text)))
}

/// The hotkey options.
#[derive(Clone, Debug, Default, Args)]
#[command(next_help_heading = "Hotkey")]
pub(crate) struct HotkeyArgs {
    /// The hotkey's account: an SS58 address (5…) or a dev name (alice … ferdie).
    #[arg(long, value_name = "5…|NAME", value_parser = parse_ss58_or_dev,
          conflicts_with = "hotkey_uri")]
    pub(crate) hotkey: Option<Account>,

    /// The hotkey's sr25519 secret URI (`//Alice//validator`, a mnemonic, a 0x seed); needed
    /// where the hotkey signs (weights). Prefer the environment variable.
    #[arg(long, value_name = "URI", env = "WTAO_HOTKEY_URI", hide_env_values = true,
          value_parser = hotkey_secret)]
    pub(crate) hotkey_uri: Option<HotkeySecret>,
}

impl HotkeyArgs {
    /// The hotkey's account, if one was given.
    pub(crate) fn account(&self) -> eyre::Result<Option<AccountId32>> {
        if let Some(secret) = &self.hotkey_uri {
            return Ok(Some(secret.pair()?.public_key().to_account_id()));
        }
        match &self.hotkey {
            None => Ok(None),
            Some(Account::Tao(id)) => Ok(Some(*id)),
            Some(Account::Dev(i)) => Ok(Some(keys::dev_tao(*i)?.pair.public_key().to_account_id())),
            Some(Account::Evm(a)) => bail!("--hotkey must be an SS58 address, not {a}"),
        }
    }

    /// The hotkey's account; an error naming both flags when neither was given.
    pub(crate) fn required(&self) -> eyre::Result<AccountId32> {
        self.account()?.ok_or_else(|| {
            eyre!("no hotkey: pass --hotkey 5… (or a dev name) or --hotkey-uri (WTAO_HOTKEY_URI)")
        })
    }

    /// The hotkey's signing pair: `--hotkey-uri`, or a dev name's pair.
    pub(crate) fn signer(&self) -> eyre::Result<Keypair> {
        if let Some(secret) = &self.hotkey_uri {
            return secret.pair();
        }
        match &self.hotkey {
            Some(Account::Dev(i)) => Ok(keys::dev_tao(*i)?.pair),
            Some(_) => bail!(
                "the hotkey signs this call, so its secret is needed: pass --hotkey-uri (or set \
                 WTAO_HOTKEY_URI) instead of --hotkey"
            ),
            None => bail!("no hotkey: this call is signed by the hotkey; pass --hotkey-uri"),
        }
    }
}

/// Connects to tao-node through the endpoint options.
pub(crate) async fn connect(
    endpoints: &crate::args::endpoints::Endpoints,
) -> eyre::Result<TaoClient> {
    chain::tao(endpoints.tao_rpc()?).await
}

/// Refuses a netuid that does not exist, listing those that do.
pub(crate) async fn ensure_subnet(tao: &TaoClient, netuid: u16) -> eyre::Result<()> {
    let netuids = tao.netuids().await?;
    if !netuids.contains(&netuid) {
        let list: Vec<String> = netuids.iter().map(u16::to_string).collect();
        bail!(
            "there is no subnet {netuid}; the subnets are {} (`wtao subnet list`)",
            list.join(", ")
        );
    }
    Ok(())
}

/// A u16 proportion as a float in [0, 1], as the SDK normalises it (value / 65535).
pub(crate) fn unit(v: u16) -> f64 {
    f64::from(v) / f64::from(u16::MAX)
}

/// A u16 proportion for `--json`: the chain's integer and the normalised float beside it.
pub(crate) fn proportion(v: u16) -> Value {
    json!({"u16": v, "float": unit(v)})
}

/// `5GrwvaEF…utQY`: an SS58 address shortened for tables.
pub(crate) fn short(id: &AccountId32) -> String {
    let s = id.to_string();
    match (s.get(..8), s.get(s.len().saturating_sub(4)..)) {
        (Some(head), Some(tail)) if s.len() > 12 => format!("{head}…{tail}"),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::Cli;
    use crate::cmd::Command;

    use super::*;

    fn parse(args: &[&str]) -> Result<SubnetCommand, clap::Error> {
        let mut argv = vec!["wtao", "subnet"];
        argv.extend(args);
        match Cli::try_parse_from(argv)?.cmd {
            Command::Subnet(s) => Ok(s.cmd),
            other => panic!("not a subnet command: {other:?}"),
        }
    }

    #[test]
    fn weights_take_comma_separated_uids_and_floats() {
        let SubnetCommand::Weights(w) = parse(&[
            "weights",
            "--netuid",
            "1",
            "--uids",
            "1,2,3",
            "--weights",
            "0.5,0.3,0.2",
            "--hotkey-uri",
            "//Eve",
        ])
        .unwrap() else {
            panic!("not weights")
        };
        assert_eq!(w.uids_for_test(), (&[1u16, 2, 3][..], &[0.5, 0.3, 0.2][..]));
        assert!(parse(&["weights", "--netuid", "1", "--uids", "1,x", "--weights", "1,1"]).is_err());
        assert!(parse(&["weights", "--netuid", "1", "--uids", "1"]).is_err(), "weights required");
    }

    #[test]
    fn amounts_with_units_and_unstake_all() {
        let SubnetCommand::Stake(_) =
            parse(&["stake", "1.5tao", "--netuid", "1", "--hotkey", "eve"]).unwrap()
        else {
            panic!("not stake")
        };
        let err = parse(&["stake", "1.5 eth", "--netuid", "1", "--hotkey", "eve"]).unwrap_err();
        assert!(err.to_string().contains("unknown unit `eth`"), "{err}");
        assert!(parse(&["unstake", "--all", "--netuid", "1", "--hotkey", "eve"]).is_ok());
        assert!(
            parse(&["unstake", "--netuid", "1", "--hotkey", "eve"]).is_err(),
            "amount or --all"
        );
        assert!(parse(&["unstake", "1tao", "--all", "--netuid", "1", "--hotkey", "eve"]).is_err());
    }

    #[test]
    fn hotkeys_by_address_name_or_secret_never_echoed() {
        let SubnetCommand::Register(r) =
            parse(&["register", "--netuid", "1", "--hotkey-uri", "//Alice//miner1"]).unwrap()
        else {
            panic!("not register")
        };
        assert!(!format!("{r:?}").contains("miner1"), "{r:?}");
        let SubnetCommand::Register(bad) =
            parse(&["register", "--netuid", "1", "--hotkey-uri", "secret words ///"]).unwrap()
        else {
            panic!("not register")
        };
        let err = bad.hotkey_for_test().required().unwrap_err().to_string();
        assert!(
            err.contains("not an sr25519 secret URI") && !err.contains("secret words"),
            "{err}"
        );
        assert!(
            parse(&["register", "--netuid", "1", "--hotkey", "eve", "--hotkey-uri", "//Eve"])
                .is_err(),
            "one hotkey"
        );
        let eve = HotkeyArgs { hotkey: Some(Account::Dev(4)), hotkey_uri: None };
        let eve_id = tao_client::dev::eve().public_key().to_account_id();
        assert_eq!(eve.required().unwrap(), eve_id);
        assert_eq!(eve.signer().unwrap().public_key().to_account_id(), eve_id);
        let by_address = HotkeyArgs { hotkey: Some(Account::Tao(eve_id)), hotkey_uri: None };
        assert!(by_address.signer().unwrap_err().to_string().contains("--hotkey-uri"));
        assert!(HotkeyArgs::default().required().unwrap_err().to_string().contains("--hotkey"));
    }

    #[test]
    fn short_hotkeys() {
        let id = tao_client::dev::alice().public_key().to_account_id();
        assert_eq!(short(&id), "5GrwvaEF…utQY");
        assert_eq!(unit(u16::MAX), 1.0);
        assert_eq!(proportion(0), json!({"u16": 0, "float": 0.0}));
    }
}
