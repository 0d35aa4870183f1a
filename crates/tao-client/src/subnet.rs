//! Subnets on tao-node (SubtensorModule, AdminUtils): typed helpers for the calls a subnet
//! owner, miner or validator makes, and for the state they read.
//!
//! ```text
//!  owner      register_network ─► netuid          sudo_* (AdminUtils, via Sudo on the devnet)
//!  miner      burned_register ─► uid   serve_axon
//!  validator  burned_register, add_stake / remove_stake, set_weights
//!  anyone     netuids, uid, stake, metagraph (per-uid epoch outputs)
//! ```
//!
//! Netuids and uids are `u16`, amounts [`Rao`]; stake is TAO (alpha at a fixed price of 1 on
//! this chain). Reads are taken at the finalized head; every transaction waits for
//! finalization, as [`TaoClient`]'s other helpers do.

/// `SubtensorModule.<item>(netuid)` at the block `at`, fetched and decoded, the item's name in the
/// error: `subnet_item!(at, netuid, tempo, "Tempo")`. For the per-subnet maps every reader needs.
macro_rules! subnet_item {
    ($at:expr, $netuid:expr, $item:ident, $name:literal) => {
        $at.storage()
            .fetch(crate::api::storage().subtensor_module().$item(), ($netuid,))
            .await
            .map_err(crate::TaoClientError::subxt(concat!("reading SubtensorModule.", $name)))?
            .decode()
            .map_err(crate::TaoClientError::subxt(concat!("decoding SubtensorModule.", $name)))?
    };
}
pub(crate) use subnet_item;

use std::net::IpAddr;

use subxt::PolkadotConfig;
use subxt::tx::Signer;

use crate::api;
use crate::error::{Result, TaoClientError};
use crate::{AccountId32, Rao, TaoClient, TxReceipt};

/// The AdminUtils calls (sudo and subnet-owner setters of the hyperparameters).
pub type AdminUtilsCall = api::admin_utils::Call;

/// Per-uid state of one subnet, as stored after its last epoch (vectors indexed by uid).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metagraph {
    /// The subnet.
    pub netuid: u16,
    /// Current block.
    pub block: u64,
    /// Hotkey of each uid.
    pub hotkeys: Vec<AccountId32>,
    /// Stake on each uid's hotkey in this subnet.
    pub stake: Vec<Rao>,
    /// `Consensus` (u16 proportions).
    pub consensus: Vec<u16>,
    /// `Incentive` (u16 proportions).
    pub incentive: Vec<u16>,
    /// `Dividends` (u16 proportions).
    pub dividends: Vec<u16>,
    /// `ValidatorTrust` (u16 proportions).
    pub validator_trust: Vec<u16>,
    /// `ValidatorPermit`.
    pub validator_permit: Vec<bool>,
    /// `Emission` of the last epoch.
    pub emission: Vec<Rao>,
    /// `LastUpdate` block of each uid.
    pub last_update: Vec<u64>,
    /// `Active` (seen within the activity cutoff at the last epoch).
    pub active: Vec<bool>,
}

/// A finalized `burned_register`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Registration {
    /// The hotkey's uid.
    pub uid: u16,
    /// What the registration burned.
    pub burn: Rao,
    /// Block and fee.
    pub receipt: TxReceipt,
}

/// One subnet's identity and the parameters a user looks at before registering or staking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubnetInfo {
    /// The subnet.
    pub netuid: u16,
    /// `SubnetIdentitiesV3.subnet_name` (UTF-8, lossy); `root` for netuid 0 without one, else
    /// empty.
    pub name: String,
    /// `TokenSymbol` (UTF-8, lossy).
    pub symbol: String,
    /// `SubnetOwner` (coldkey).
    pub owner: AccountId32,
    /// `SubnetOwnerHotkey`.
    pub owner_hotkey: AccountId32,
    /// `Tempo` in blocks.
    pub tempo: u16,
    /// `SubnetworkN`: registered neurons.
    pub neurons: u16,
    /// `MaxAllowedUids`.
    pub max_neurons: u16,
    /// `Burn`: what `burned_register` burns now.
    pub burn: Rao,
    /// `SubnetEmissionShare`: this subnet's weight in the per-block emission split.
    pub emission_share: u16,
    /// Whether the subnet takes part in the emission split now: not root, started
    /// (`FirstEmissionBlockNumber`), `SubtokenEnabled`, `NetworkRegistrationAllowed`,
    /// `SubnetEmissionEnabled` and a non-zero share (tao-node's `subnets_to_emit_to`).
    pub emits: bool,
    /// `NetworkRegistrationAllowed`.
    pub registration_allowed: bool,
    /// `WeightsVersionKey`: the least `version_key` `set_weights` accepts (0: any).
    pub weights_version_key: u64,
    /// `WeightsSetRateLimit` in blocks.
    pub weights_rate_limit: u64,
    /// `SubnetLocked`: TAO locked by its registration.
    pub locked: Rao,
}

/// IP and IP type (4 or 6) of an axon address, as `serve_axon` takes them.
fn ip_parts(ip: IpAddr) -> (u128, u8) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 4),
        IpAddr::V6(v6) => (u128::from(v6), 6),
    }
}

impl TaoClient {
    async fn finalized(&self) -> Result<subxt::client::OnlineClientAtBlock<PolkadotConfig>> {
        self.subxt().at_current_block().await.map_err(TaoClientError::subxt("at block"))
    }

    /// `SubtensorModule.register_network(hotkey)`: a new subnet owned by the signer coldkey,
    /// with `hotkey` as its owner hotkey (uid 0). Locks the current lock cost; returns the netuid.
    pub async fn register_network<S: Signer<PolkadotConfig>>(
        &self,
        coldkey: &S,
        hotkey: AccountId32,
    ) -> Result<u16> {
        const CALL: &str = "SubtensorModule.register_network";
        let call = api::transactions().subtensor_module().register_network(hotkey);
        let (events, _) = self.submit(CALL, &call, coldkey).await?;
        let ev = events
            .find_first::<api::subtensor_module::events::NetworkAdded>()
            .transpose()
            .map_err(TaoClientError::subxt("decoding SubtensorModule.NetworkAdded"))?
            .ok_or(TaoClientError::MissingEvent {
                call: CALL,
                event: "SubtensorModule.NetworkAdded",
            })?;
        Ok(ev.0)
    }

    /// `SubtensorModule.burned_register(netuid, hotkey)`: register `hotkey` (owned by the signer
    /// coldkey) on `netuid`, burning the registration price. Returns the uid.
    pub async fn burned_register<S: Signer<PolkadotConfig>>(
        &self,
        coldkey: &S,
        netuid: u16,
        hotkey: AccountId32,
    ) -> Result<u16> {
        Ok(self.burned_register_with_receipt(coldkey, netuid, hotkey).await?.uid)
    }

    /// [`Self::burned_register`], with what it burned and its receipt.
    pub async fn burned_register_with_receipt<S: Signer<PolkadotConfig>>(
        &self,
        coldkey: &S,
        netuid: u16,
        hotkey: AccountId32,
    ) -> Result<Registration> {
        const CALL: &str = "SubtensorModule.burned_register";
        let call = api::transactions().subtensor_module().burned_register(netuid, hotkey);
        let (events, receipt) = self.submit(CALL, &call, coldkey).await?;
        let ev = events
            .find_first::<api::subtensor_module::events::NeuronRegistered>()
            .transpose()
            .map_err(TaoClientError::subxt("decoding SubtensorModule.NeuronRegistered"))?
            .ok_or(TaoClientError::MissingEvent {
                call: CALL,
                event: "SubtensorModule.NeuronRegistered",
            })?;
        // `Burn` decays every block and rises after each registration, so what was paid is read
        // from the block itself: the growth of `RAORecycledForRegistration` across it (the
        // registrations of one block on one subnet; `MaxRegistrationsPerBlock` is 1 by default).
        let before = self.recycled_for_registration(netuid, receipt.block_number.saturating_sub(1));
        let after = self.recycled_for_registration(netuid, receipt.block_number);
        let burn = after.await?.saturating_sub(before.await?);
        Ok(Registration { uid: ev.1, burn: Rao(burn), receipt })
    }

    /// `RAORecycledForRegistration` of `netuid` at block `number`.
    async fn recycled_for_registration(&self, netuid: u16, number: u64) -> Result<u64> {
        let at = self.subxt().at_block(number).await.map_err(TaoClientError::subxt("at block"))?;
        at.storage()
            .fetch(api::storage().subtensor_module().rao_recycled_for_registration(), (netuid,))
            .await
            .map_err(TaoClientError::subxt("reading SubtensorModule.RAORecycledForRegistration"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding SubtensorModule.RAORecycledForRegistration"))
    }

    /// `SubtensorModule.add_stake(hotkey, netuid, amount)` from the signer coldkey.
    pub async fn add_stake<S: Signer<PolkadotConfig>>(
        &self,
        coldkey: &S,
        hotkey: AccountId32,
        netuid: u16,
        amount: Rao,
    ) -> Result<TxReceipt> {
        let call = api::transactions().subtensor_module().add_stake(hotkey, netuid, amount.0);
        Ok(self.submit("SubtensorModule.add_stake", &call, coldkey).await?.1)
    }

    /// `SubtensorModule.remove_stake(hotkey, netuid, amount)` to the signer coldkey (more than
    /// staked unstakes everything).
    pub async fn remove_stake<S: Signer<PolkadotConfig>>(
        &self,
        coldkey: &S,
        hotkey: AccountId32,
        netuid: u16,
        amount: Rao,
    ) -> Result<TxReceipt> {
        let call = api::transactions().subtensor_module().remove_stake(hotkey, netuid, amount.0);
        Ok(self.submit("SubtensorModule.remove_stake", &call, coldkey).await?.1)
    }

    /// `SubtensorModule.set_weights(netuid, dests, weights, version_key)` signed by the hotkey;
    /// `weights` are `(uid, weight)` pairs (the chain scales them so the largest is 65 535).
    pub async fn set_weights<S: Signer<PolkadotConfig>>(
        &self,
        hotkey: &S,
        netuid: u16,
        weights: &[(u16, u16)],
        version_key: u64,
    ) -> Result<TxReceipt> {
        let (dests, values) = weights.iter().copied().unzip();
        let call =
            api::transactions().subtensor_module().set_weights(netuid, dests, values, version_key);
        Ok(self.submit("SubtensorModule.set_weights", &call, hotkey).await?.1)
    }

    /// `SubtensorModule.serve_axon`: publish the signer hotkey's endpoint on `netuid`.
    pub async fn serve_axon<S: Signer<PolkadotConfig>>(
        &self,
        hotkey: &S,
        netuid: u16,
        ip: IpAddr,
        port: u16,
        protocol: u8,
    ) -> Result<TxReceipt> {
        let (ip, ip_type) = ip_parts(ip);
        let call = api::transactions()
            .subtensor_module()
            .serve_axon(netuid, 0, ip, port, ip_type, protocol, 0, 0);
        Ok(self.submit("SubtensorModule.serve_axon", &call, hotkey).await?.1)
    }

    /// Root (through `Sudo.sudo`): an AdminUtils setter, e.g.
    /// `AdminUtilsCall::sudo_set_tempo { netuid, tempo }`.
    pub async fn sudo_admin_utils<S: Signer<PolkadotConfig>>(
        &self,
        sudo: &S,
        call: AdminUtilsCall,
    ) -> Result<TxReceipt> {
        self.sudo("AdminUtils", api::Call::AdminUtils(call), sudo).await
    }

    /// `SubnetRegistrationRuntimeApi.get_network_registration_cost`: what `register_network`
    /// locks now.
    pub async fn network_lock_cost(&self) -> Result<Rao> {
        let at = self.finalized().await?;
        let cost = at
            .runtime_apis()
            .call(
                api::runtime_apis()
                    .subnet_registration_runtime_api()
                    .get_network_registration_cost(),
            )
            .await
            .map_err(TaoClientError::subxt("calling get_network_registration_cost"))?;
        Ok(Rao(cost))
    }

    /// The current finalized block number.
    pub async fn finalized_number(&self) -> Result<u64> {
        Ok(self.finalized().await?.block_number())
    }

    /// [`SubnetInfo`] of every existing subnet, root included, by netuid.
    pub async fn subnets(&self) -> Result<Vec<SubnetInfo>> {
        let mut out = Vec::new();
        for netuid in self.netuids().await? {
            out.push(self.subnet_info(netuid).await?);
        }
        Ok(out)
    }

    /// [`SubnetInfo`] of `netuid` (an absent subnet reads as the storage defaults: check
    /// [`Self::netuids`] first).
    pub async fn subnet_info(&self, netuid: u16) -> Result<SubnetInfo> {
        let at = self.finalized().await?;
        let st = api::storage().subtensor_module();
        let identity = at
            .storage()
            .try_fetch(st.subnet_identities_v3(), (netuid,))
            .await
            .map_err(TaoClientError::subxt("reading SubtensorModule.SubnetIdentitiesV3"))?
            .map(|v| {
                v.decode()
                    .map_err(TaoClientError::subxt("decoding SubtensorModule.SubnetIdentitiesV3"))
            })
            .transpose()?;
        let name = match identity {
            Some(id) if !id.subnet_name.is_empty() => {
                String::from_utf8_lossy(&id.subnet_name).into_owned()
            }
            _ if netuid == 0 => "root".to_owned(),
            _ => String::new(),
        };
        let symbol: Vec<u8> = subnet_item!(at, netuid, token_symbol, "TokenSymbol");
        let started = at
            .storage()
            .try_fetch(st.first_emission_block_number(), (netuid,))
            .await
            .map_err(TaoClientError::subxt("reading SubtensorModule.FirstEmissionBlockNumber"))?
            .is_some();
        let subtoken: bool = subnet_item!(at, netuid, subtoken_enabled, "SubtokenEnabled");
        let registration_allowed: bool =
            subnet_item!(at, netuid, network_registration_allowed, "NetworkRegistrationAllowed");
        let emission_enabled: bool =
            subnet_item!(at, netuid, subnet_emission_enabled, "SubnetEmissionEnabled");
        let emission_share: u16 =
            subnet_item!(at, netuid, subnet_emission_share, "SubnetEmissionShare");
        let burn: u64 = subnet_item!(at, netuid, burn, "Burn");
        let locked: u64 = subnet_item!(at, netuid, subnet_locked, "SubnetLocked");
        Ok(SubnetInfo {
            netuid,
            name,
            symbol: String::from_utf8_lossy(&symbol).into_owned(),
            owner: subnet_item!(at, netuid, subnet_owner, "SubnetOwner"),
            owner_hotkey: subnet_item!(at, netuid, subnet_owner_hotkey, "SubnetOwnerHotkey"),
            tempo: subnet_item!(at, netuid, tempo, "Tempo"),
            neurons: subnet_item!(at, netuid, subnetwork_n, "SubnetworkN"),
            max_neurons: subnet_item!(at, netuid, max_allowed_uids, "MaxAllowedUids"),
            burn: Rao(burn),
            emission_share,
            emits: netuid != 0
                && started
                && subtoken
                && registration_allowed
                && emission_enabled
                && emission_share > 0,
            registration_allowed,
            weights_version_key: subnet_item!(at, netuid, weights_version_key, "WeightsVersionKey"),
            weights_rate_limit: subnet_item!(
                at,
                netuid,
                weights_set_rate_limit,
                "WeightsSetRateLimit"
            ),
            locked: Rao(locked),
        })
    }

    /// The existing netuids, root (0) included.
    pub async fn netuids(&self) -> Result<Vec<u16>> {
        let at = self.finalized().await?;
        let total = at
            .storage()
            .fetch(api::storage().subtensor_module().total_networks(), ())
            .await
            .map_err(TaoClientError::subxt("reading SubtensorModule.TotalNetworks"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding SubtensorModule.TotalNetworks"))?;
        let entry = at
            .storage()
            .entry(api::storage().subtensor_module().networks_added())
            .map_err(TaoClientError::subxt("looking up SubtensorModule.NetworksAdded"))?;
        let mut out = Vec::new();
        for netuid in 0..=total {
            let added = entry
                .fetch((netuid,))
                .await
                .map_err(TaoClientError::subxt("reading SubtensorModule.NetworksAdded"))?
                .decode()
                .map_err(TaoClientError::subxt("decoding SubtensorModule.NetworksAdded"))?;
            if added {
                out.push(netuid);
            }
        }
        Ok(out)
    }

    /// The uid of `hotkey` on `netuid`, if registered.
    pub async fn uid(&self, netuid: u16, hotkey: &AccountId32) -> Result<Option<u16>> {
        let at = self.finalized().await?;
        let value = at
            .storage()
            .try_fetch(api::storage().subtensor_module().uids(), (netuid, *hotkey))
            .await
            .map_err(TaoClientError::subxt("reading SubtensorModule.Uids"))?;
        value
            .map(|v| v.decode().map_err(TaoClientError::subxt("decoding SubtensorModule.Uids")))
            .transpose()
    }

    /// All stake on `hotkey` in `netuid`.
    pub async fn hotkey_stake(&self, hotkey: &AccountId32, netuid: u16) -> Result<Rao> {
        let at = self.finalized().await?;
        let v = at
            .storage()
            .fetch(api::storage().subtensor_module().total_hotkey_alpha(), (*hotkey, netuid))
            .await
            .map_err(TaoClientError::subxt("reading SubtensorModule.TotalHotkeyAlpha"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding SubtensorModule.TotalHotkeyAlpha"))?;
        Ok(Rao(v))
    }

    /// `coldkey`'s stake on `hotkey` in `netuid` (`Alpha` shares, one per rao on this chain).
    pub async fn stake(
        &self,
        hotkey: &AccountId32,
        coldkey: &AccountId32,
        netuid: u16,
    ) -> Result<Rao> {
        let at = self.finalized().await?;
        let shares = at
            .storage()
            .fetch(api::storage().subtensor_module().alpha(), (*hotkey, *coldkey, netuid))
            .await
            .map_err(TaoClientError::subxt("reading SubtensorModule.Alpha"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding SubtensorModule.Alpha"))?;
        Ok(Rao(u64::try_from(shares.bits >> 64).unwrap_or(u64::MAX)))
    }

    /// The per-uid state of `netuid` after its last epoch.
    pub async fn metagraph(&self, netuid: u16) -> Result<Metagraph> {
        let at = self.finalized().await?;
        let st = api::storage().subtensor_module();
        let n: u16 = subnet_item!(at, netuid, subnetwork_n, "SubnetworkN");
        let keys = at
            .storage()
            .entry(st.keys())
            .map_err(TaoClientError::subxt("looking up SubtensorModule.Keys"))?;
        let alpha = at
            .storage()
            .entry(st.total_hotkey_alpha())
            .map_err(TaoClientError::subxt("looking up SubtensorModule.TotalHotkeyAlpha"))?;
        let mut hotkeys = Vec::with_capacity(usize::from(n));
        let mut stake = Vec::with_capacity(usize::from(n));
        for uid in 0..n {
            let hotkey: AccountId32 = keys
                .fetch((netuid, uid))
                .await
                .map_err(TaoClientError::subxt("reading SubtensorModule.Keys"))?
                .decode()
                .map_err(TaoClientError::subxt("decoding SubtensorModule.Keys"))?;
            let s = alpha
                .fetch((hotkey, netuid))
                .await
                .map_err(TaoClientError::subxt("reading SubtensorModule.TotalHotkeyAlpha"))?
                .decode()
                .map_err(TaoClientError::subxt("decoding SubtensorModule.TotalHotkeyAlpha"))?;
            hotkeys.push(hotkey);
            stake.push(Rao(s));
        }
        let emission: Vec<u64> = subnet_item!(at, netuid, emission, "Emission");
        Ok(Metagraph {
            netuid,
            block: at.block_number(),
            hotkeys,
            stake,
            consensus: subnet_item!(at, netuid, consensus, "Consensus"),
            incentive: subnet_item!(at, netuid, incentive, "Incentive"),
            dividends: subnet_item!(at, netuid, dividends, "Dividends"),
            validator_trust: subnet_item!(at, netuid, validator_trust, "ValidatorTrust"),
            validator_permit: subnet_item!(at, netuid, validator_permit, "ValidatorPermit"),
            emission: emission.into_iter().map(Rao).collect(),
            last_update: subnet_item!(at, netuid, last_update, "LastUpdate"),
            active: subnet_item!(at, netuid, active, "Active"),
        })
    }
}
