//! `wtao gov propose <kind>`: built-in kinds for what the timelock may do to TaoBridge, checked
//! before the proposal is sent (a proposal that cannot execute wastes a whole vote), and `raw`
//! for anything else.

use alloy::{
    primitives::{Address, B256, Bytes, U256, b256},
    providers::Provider,
    sol_types::{SolCall, SolEvent},
};
use clap::{Args, Subcommand};
use eyre::{WrapErr, eyre};
use serde_json::json;

use super::{
    abi::{ITaoBridge, IUups, IWtaoGovernor},
    args::{duration_text, parse_duration_s, parse_rao, tao_text},
    context::{Gov, GovEndpointArgs},
    proposal::{self, Proposal, State, next_tick},
    revert::{Reason, revert_of},
    status, warp,
};
use crate::{args::KeyArgs, output::Output};

/// ERC-1967's implementation slot: what a UUPS implementation's `proxiableUUID()` returns.
const ERC1967_IMPLEMENTATION_SLOT: B256 =
    b256!("360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc");

/// The largest rate-limit capacity TaoBridge accepts (2^56 − 1 rao).
const MAX_CAPACITY_RAO: u64 = (1 << 56) - 1;

/// Options of `wtao gov propose`.
#[derive(Debug, Args)]
pub(crate) struct ProposeArgs {
    #[command(subcommand)]
    pub(crate) kind: Kind,
}

/// What to propose.
#[derive(Debug, Subcommand)]
pub(crate) enum Kind {
    /// Upgrade TaoBridge (the UUPS proxy) to a deployed implementation.
    Upgrade(UpgradeArgs),
    /// Change the relayer set and/or the threshold (the EVM side; see `execute` for the TAO
    /// side).
    Relayers(RelayersArgs),
    /// Change the mint and/or burn rate limit.
    RateLimits(RateLimitsArgs),
    /// Unpause the bridge (only a vote may; the guardian can only pause).
    Unpause(UnpauseArgs),
    /// Any call the timelock should make: target, calldata, value.
    Raw(RawArgs),
}

/// Options every kind takes.
#[derive(Debug, Args)]
pub(crate) struct Common {
    /// The proposal's description (its first line is its title). Part of the proposal's id:
    /// proposing the same actions twice needs different descriptions [default: says what the
    /// actions do].
    #[arg(long, value_name = "TEXT")]
    pub(crate) description: Option<String>,

    /// Devnet/anvil only: then move the clock past the voting delay, so voting opens now.
    #[arg(long)]
    pub(crate) warp: bool,

    #[command(flatten)]
    pub(crate) keys: KeyArgs,

    #[command(flatten)]
    pub(crate) endpoints: GovEndpointArgs,
}

/// `propose upgrade`.
#[derive(Debug, Args)]
pub(crate) struct UpgradeArgs {
    /// The new implementation (deployed; a UUPS implementation that keeps TaoBridge's storage).
    #[arg(long, value_name = "0x…")]
    pub(crate) implementation: Address,

    /// Calldata for the new implementation, called in the same transaction (e.g. a
    /// reinitializer) [default: none].
    #[arg(long, value_name = "0x…", default_value = "0x")]
    pub(crate) call: Bytes,

    #[command(flatten)]
    pub(crate) common: Common,
}

/// `propose relayers`.
#[derive(Debug, Args)]
pub(crate) struct RelayersArgs {
    /// The whole new set, comma-separated.
    #[arg(long, value_name = "0x…,0x…", value_delimiter = ',', conflicts_with_all = ["add", "remove"])]
    pub(crate) set: Option<Vec<Address>>,

    /// Relayers to add to the current set (comma-separated or repeated).
    #[arg(long, value_name = "0x…", value_delimiter = ',')]
    pub(crate) add: Vec<Address>,

    /// Relayers to remove from the current set (comma-separated or repeated).
    #[arg(long, value_name = "0x…", value_delimiter = ',')]
    pub(crate) remove: Vec<Address>,

    /// Signatures needed to mint: N/2 < M <= N [default: the current one, if still valid].
    #[arg(long, value_name = "M")]
    pub(crate) threshold: Option<u64>,

    #[command(flatten)]
    pub(crate) common: Common,
}

/// `propose rate-limits`.
#[derive(Debug, Args)]
pub(crate) struct RateLimitsArgs {
    /// Mint bucket capacity (`100000tao`, `5rao`) [default: unchanged].
    #[arg(long, value_name = "AMOUNT", value_parser = parse_rao)]
    pub(crate) mint_capacity: Option<u64>,

    /// Mint refill window (`1d`, `6h`, `3600`) [default: unchanged].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_s)]
    pub(crate) mint_window: Option<u64>,

    /// Burn bucket capacity [default: unchanged].
    #[arg(long, value_name = "AMOUNT", value_parser = parse_rao)]
    pub(crate) burn_capacity: Option<u64>,

    /// Burn refill window [default: unchanged].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_s)]
    pub(crate) burn_window: Option<u64>,

    #[command(flatten)]
    pub(crate) common: Common,
}

/// `propose unpause`.
#[derive(Debug, Args)]
pub(crate) struct UnpauseArgs {
    #[command(flatten)]
    pub(crate) common: Common,
}

/// `propose raw`.
#[derive(Debug, Args)]
pub(crate) struct RawArgs {
    /// The contract the timelock calls.
    #[arg(long, value_name = "0x…")]
    pub(crate) target: Address,

    /// The calldata (0x-hex).
    #[arg(long, value_name = "0x…")]
    pub(crate) calldata: Bytes,

    /// Wei the timelock sends with the call (it must hold them).
    #[arg(long, value_name = "WEI", default_value = "0")]
    pub(crate) value: U256,

    #[command(flatten)]
    pub(crate) common: Common,
}

/// One call of a proposal.
struct Action {
    target: Address,
    value: U256,
    calldata: Bytes,
}

impl Action {
    fn new(target: Address, call: impl SolCall) -> Self {
        Self { target, value: U256::ZERO, calldata: call.abi_encode().into() }
    }
}

impl ProposeArgs {
    pub(crate) async fn run(self, out: &Output) -> eyre::Result<()> {
        let common = match &self.kind {
            Kind::Upgrade(a) => &a.common,
            Kind::Relayers(a) => &a.common,
            Kind::RateLimits(a) => &a.common,
            Kind::Unpause(a) => &a.common,
            Kind::Raw(a) => &a.common,
        };
        let gov = common.endpoints.connect()?;
        if common.warp {
            warp::check(&gov).await?;
        }
        let (actions, default_description) = match &self.kind {
            Kind::Upgrade(a) => upgrade(&gov, a).await?,
            Kind::Relayers(a) => relayers(&gov, a).await?,
            Kind::RateLimits(a) => rate_limits(&gov, a).await?,
            Kind::Unpause(_) => unpause(&gov, out).await?,
            Kind::Raw(a) => (
                vec![Action { target: a.target, value: a.value, calldata: a.calldata.clone() }],
                format!(
                    "Call {} with {}",
                    a.target,
                    a.calldata
                        .get(..4)
                        .map(alloy::hex::encode_prefixed)
                        .unwrap_or_else(|| "no data".into())
                ),
            ),
        };
        let description = common.description.clone().unwrap_or(default_description);
        submit(&gov, common, actions, description, out).await
    }
}

async fn submit(
    gov: &Gov,
    common: &Common,
    actions: Vec<Action>,
    description: String,
    out: &Output,
) -> eyre::Result<()> {
    let signer = gov.signer(&common.keys)?;
    let targets: Vec<Address> = actions.iter().map(|a| a.target).collect();
    let values: Vec<U256> = actions.iter().map(|a| a.value).collect();
    let calldatas: Vec<Bytes> = actions.iter().map(|a| a.calldata.clone()).collect();
    let id = gov
        .gov(IWtaoGovernor::hashProposalCall {
            targets: targets.clone(),
            values: values.clone(),
            calldatas: calldatas.clone(),
            descriptionHash: alloy::primitives::keccak256(description.as_bytes()),
        })
        .await?;
    match gov.gov(IWtaoGovernor::stateCall { proposalId: id }).await {
        Ok(state) => {
            return Err(eyre!(
                "the same proposal exists already (id {id}, {}): to propose these actions again, \
                 give another --description",
                State::from(state).name()
            ));
        }
        Err(e) if revert_of(&e).is_some_and(|r| matches!(r.reason, Reason::Gov(_))) => {}
        Err(e) => return Err(e),
    }
    let receipt = signer
        .send(
            gov.governor,
            IWtaoGovernor::proposeCall {
                targets,
                values,
                calldatas,
                description: description.clone(),
            },
            U256::ZERO,
        )
        .await?;
    let created = receipt
        .inner
        .logs()
        .iter()
        .find_map(|l| IWtaoGovernor::ProposalCreated::decode_log(&l.inner).ok())
        .ok_or_else(|| {
            eyre!(
                "the propose transaction {} has no ProposalCreated event",
                receipt.transaction_hash
            )
        })?;
    let p = Proposal {
        id: created.proposalId,
        proposer: created.proposer,
        targets: created.data.targets.clone(),
        values: created.data.values.clone(),
        calldatas: created.data.calldatas.clone(),
        description,
        block: receipt.block_number.unwrap_or_default(),
        tx: Some(receipt.transaction_hash),
    };
    out.progress(&format!("proposed in tx {} (block {})", receipt.transaction_hash, p.block));
    let mut live = proposal::live(gov, p.id).await?;
    if common.warp {
        warp::to(gov, next_tick(live.snapshot, live.quantum), "past the voting delay", out).await?;
        live = proposal::live(gov, p.id).await?;
    }
    let (data, human) = status::report(
        gov,
        &p,
        &live,
        json!({"tx": receipt.transaction_hash, "warped": common.warp}),
    );
    out.success(data, &human);
    Ok(())
}

async fn upgrade(gov: &Gov, a: &UpgradeArgs) -> eyre::Result<(Vec<Action>, String)> {
    let bridge = gov.bridge()?;
    let code = gov
        .provider
        .get_code_at(a.implementation)
        .await
        .wrap_err_with(|| format!("reading the code at {}", a.implementation))?;
    if code.is_empty() {
        return Err(eyre!(
            "{} has no code: deploy the new implementation first, then propose the upgrade to it",
            a.implementation
        ));
    }
    let uuid = gov.call(a.implementation, IUups::proxiableUUIDCall {}).await.map_err(|_| {
        eyre!(
            "{} is not a UUPS implementation (no proxiableUUID()): upgrading the proxy to it \
             would fail",
            a.implementation
        )
    })?;
    if uuid != ERC1967_IMPLEMENTATION_SLOT {
        return Err(eyre!(
            "{}'s proxiableUUID() is {uuid}, not the ERC-1967 implementation slot: the upgrade \
             would revert",
            a.implementation
        ));
    }
    let action = Action::new(
        bridge,
        IUups::upgradeToAndCallCall { newImplementation: a.implementation, data: a.call.clone() },
    );
    Ok((vec![action], format!("Upgrade TaoBridge to {}", a.implementation)))
}

async fn relayers(gov: &Gov, a: &RelayersArgs) -> eyre::Result<(Vec<Action>, String)> {
    let bridge = gov.bridge()?;
    let current = gov.call(bridge, ITaoBridge::relayersCall {}).await?;
    let current_threshold: u64 =
        gov.call(bridge, ITaoBridge::thresholdCall {}).await?.saturating_to();
    let mut set = match &a.set {
        Some(set) => set.clone(),
        None => current.clone(),
    };
    for r in &a.remove {
        if !set.contains(r) {
            return Err(eyre!("--remove {r}: not a relayer (the set is {})", list(&current)));
        }
        set.retain(|x| x != r);
    }
    for r in &a.add {
        if set.contains(r) {
            return Err(eyre!("--add {r}: already a relayer"));
        }
        set.push(*r);
    }
    if a.set.is_none() && a.add.is_empty() && a.remove.is_empty() && a.threshold.is_none() {
        return Err(eyre!("nothing to change: pass --set, --add, --remove and/or --threshold"));
    }
    let mut sorted = set.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != set.len() {
        return Err(eyre!("a relayer is listed twice"));
    }
    if set.contains(&Address::ZERO) {
        return Err(eyre!("the zero address cannot be a relayer"));
    }
    let n = set.len() as u64;
    let valid = |m: u64| n > 0 && m * 2 > n && m <= n;
    let threshold = match a.threshold {
        Some(m) if valid(m) => m,
        Some(m) => {
            return Err(eyre!(
                "--threshold {m} with {n} relayers: it must be a strict majority (N/2 < M <= N)"
            ));
        }
        None if valid(current_threshold) => current_threshold,
        None => {
            return Err(eyre!(
                "the current threshold {current_threshold} does not fit {n} relayers (it must be \
                 a strict majority, N/2 < M <= N): pass --threshold"
            ));
        }
    };
    let mut was = current.clone();
    was.sort();
    if was == sorted && threshold == current_threshold {
        return Err(eyre!("that is the current relayer set and threshold: nothing to change"));
    }
    let mut what = Vec::new();
    let removed: Vec<Address> = current.iter().filter(|r| !set.contains(r)).copied().collect();
    let added: Vec<Address> = set.iter().filter(|r| !current.contains(r)).copied().collect();
    if !removed.is_empty() {
        what.push(format!("remove {}", list(&removed)));
    }
    if !added.is_empty() {
        what.push(format!("add {}", list(&added)));
    }
    what.push(format!(
        "threshold {threshold} of {n} (was {current_threshold} of {})",
        current.len()
    ));
    let description = format!("Relayers: {}", what.join("; "));
    let action = Action::new(
        bridge,
        ITaoBridge::setRelayersCall { relayers: set, threshold: U256::from(threshold) },
    );
    Ok((vec![action], description))
}

fn list(a: &[Address]) -> String {
    a.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

async fn rate_limits(gov: &Gov, a: &RateLimitsArgs) -> eyre::Result<(Vec<Action>, String)> {
    let bridge = gov.bridge()?;
    let mut actions = Vec::new();
    let mut what = Vec::new();
    for (name, capacity, window) in
        [("mint", a.mint_capacity, a.mint_window), ("burn", a.burn_capacity, a.burn_window)]
    {
        if capacity.is_none() && window.is_none() {
            continue;
        }
        let current = if name == "mint" {
            gov.call(bridge, ITaoBridge::mintLimitCall {}).await?
        } else {
            gov.call(bridge, ITaoBridge::burnLimitCall {}).await?
        };
        let capacity = capacity.unwrap_or(current.capacity);
        let window = window.unwrap_or(u64::from(current.window));
        if capacity == 0 || capacity > MAX_CAPACITY_RAO {
            return Err(eyre!(
                "--{name}-capacity must be 1 rao to {} (2^56-1 rao)",
                tao_text(MAX_CAPACITY_RAO)
            ));
        }
        let window = u32::try_from(window)
            .ok()
            .filter(|w| *w > 0)
            .ok_or_else(|| eyre!("--{name}-window must be 1 s to {} s", u32::MAX))?;
        let limit = ITaoBridge::RateLimit { capacity, window };
        what.push(format!(
            "{name} {} per {} (was {} per {})",
            tao_text(capacity),
            duration_text(u64::from(window)),
            tao_text(current.capacity),
            duration_text(u64::from(current.window))
        ));
        actions.push(if name == "mint" {
            Action::new(bridge, ITaoBridge::setMintLimitCall { limit })
        } else {
            Action::new(bridge, ITaoBridge::setBurnLimitCall { limit })
        });
    }
    if actions.is_empty() {
        return Err(eyre!(
            "nothing to change: pass --mint-capacity/--mint-window and/or --burn-capacity/--burn-window"
        ));
    }
    Ok((actions, format!("Rate limits: {}", what.join("; "))))
}

async fn unpause(gov: &Gov, out: &Output) -> eyre::Result<(Vec<Action>, String)> {
    let bridge = gov.bridge()?;
    if !gov.call(bridge, ITaoBridge::pausedCall {}).await? {
        out.warn(
            "the bridge is not paused now: unless the guardian pauses it before execution, the \
             proposal's execution will revert (TaoBridgeNotPaused)",
        );
    }
    Ok((vec![Action::new(bridge, ITaoBridge::unpauseCall {})], "Unpause TaoBridge".to_owned()))
}
