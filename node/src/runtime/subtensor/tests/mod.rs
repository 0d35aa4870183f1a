//! SubtensorModule tests, one file per concern as the module (and subtensor's `tests/`). They
//! drive the runtime as block production does — `begin_block` (coinbase) → signed extrinsics
//! through `apply_extrinsic` (fees, nonces, transactional dispatch) → `finalize_block` — over an
//! in-memory state, and read storage through the module's own items.

mod accounting;
mod admin;
mod coinbase;
mod registration;
mod scenario;
mod serving;
mod staking;
mod subnets;
mod tempo;
mod weights;

use std::collections::BTreeMap;

use parity_scale_codec::Decode;

use crate::primitives::{AccountId32, BlockNumber, H256, MultiSignature};
use crate::runtime::extrinsic::{self, Era, Extra, Mode};
use crate::runtime::genesis::{ChainSpec, GenesisSpec, TAO};
use crate::runtime::{
    ApplyOutcome, BlockContext, EventRecord, Ext, Runtime, RuntimeCall, RuntimeEvent, SPEC_VERSION,
    TX_VERSION, TxError, sudo, system,
};
use crate::{DispatchError, ModuleError};

use super::genesis::{SubnetSpec, SubtensorSpec};
use super::storage as s;
use super::{Call, NetUid, admin_utils};

/// A deterministic sr25519 key.
#[derive(Clone)]
pub(super) struct Key(schnorrkel::Keypair);

impl Key {
    pub(super) fn new(seed: u16) -> Self {
        let mut bytes = [0x5a; 32];
        bytes[..2].copy_from_slice(&seed.to_le_bytes());
        let mini = schnorrkel::MiniSecretKey::from_bytes(&bytes).unwrap();
        Self(mini.expand_to_keypair(schnorrkel::ExpansionMode::Ed25519))
    }
    pub(super) fn id(&self) -> AccountId32 {
        AccountId32(self.0.public.to_bytes())
    }
    fn sign(&self, msg: &[u8]) -> MultiSignature {
        MultiSignature::Sr25519(self.0.sign_simple(b"substrate", msg).to_bytes())
    }
}

const GENESIS: H256 = H256([0x42; 32]);

/// The demo subnet of every test chain.
pub(super) const NET: NetUid = NetUid(1);
/// Its tempo.
pub(super) const TEMPO: u16 = 10;

/// A chain in memory.
pub(super) struct Net {
    pub(super) state: BTreeMap<Vec<u8>, Vec<u8>>,
    rt: Runtime,
    pub(super) number: BlockNumber,
    /// Events of the last block.
    pub(super) events: Vec<EventRecord>,
    /// The sudo key; also owner (coldkey and hotkey) of netuid 1.
    pub(super) owner: Key,
}

/// `n` keys (seeds 1..=n) funded with 10 000 TAO each, key 1 is sudo and owns netuid 1.
pub(super) fn net(n: u16) -> (Net, Vec<Key>) {
    let keys: Vec<Key> = (1..=n.max(1)).map(Key::new).collect();
    let owner = keys[0].clone();
    let spec = ChainSpec {
        name: "t".into(),
        id: "t".into(),
        chain_type: "Development".into(),
        properties: serde_json::json!({}),
        genesis: GenesisSpec {
            balances: keys.iter().map(|k| (k.id().to_string(), 10_000 * TAO)).collect(),
            sudo: Some(owner.id().to_string()),
            subtensor: SubtensorSpec {
                root: true,
                subnets: vec![SubnetSpec {
                    owner: owner.id().to_string(),
                    owner_hotkey: None,
                    tempo: TEMPO,
                    name: Some("demo".into()),
                }],
                admin_freeze_window: Some(0),
            },
            ..Default::default()
        },
    };
    let state = spec.build_state().unwrap();
    let net =
        Net { state, rt: Runtime { genesis_hash: GENESIS }, number: 0, events: Vec::new(), owner };
    (net, keys)
}

fn hash_of(n: BlockNumber) -> H256 {
    if n == 0 { GENESIS } else { H256([(n % 251) as u8 + 1; 32]) }
}

impl Net {
    /// Apply `xts` as the next block and commit it.
    pub(super) fn block(&mut self, xts: &[Vec<u8>]) -> Vec<Result<ApplyOutcome, TxError>> {
        let ctx = BlockContext {
            number: self.number + 1,
            parent_hash: hash_of(self.number),
            timestamp_ms: u64::from(self.number + 1) * 12_000,
        };
        let mut ext = Ext::new(&self.state);
        self.rt.begin_block(&mut ext, &ctx);
        let mut results = vec![];
        let mut idx = 0;
        for xt in xts {
            let r = self.rt.apply_extrinsic(&mut ext, xt, idx);
            if r.is_ok() {
                idx += 1;
            }
            results.push(r);
        }
        self.rt.finalize_block(&mut ext);
        self.events = ext.events().to_vec();
        assert!(ext.overlay.fatal().is_none(), "{:?}", ext.overlay.fatal());
        for (k, v) in ext.overlay.into_changes() {
            match v {
                Some(v) => self.state.insert(k, v),
                None => self.state.remove(&k),
            };
        }
        self.number += 1;
        results
    }

    /// Produce empty blocks until `number` is the last block.
    pub(super) fn run_to(&mut self, number: BlockNumber) {
        while self.number < number {
            self.block(&[]);
        }
    }

    /// Read state through the module's items.
    pub(super) fn read<T>(&self, f: impl FnOnce(&mut Ext<'_>) -> T) -> T {
        let mut ext = Ext::new(&self.state);
        f(&mut ext)
    }

    /// Change state directly (test setup that no call offers).
    pub(super) fn write(&mut self, f: impl FnOnce(&mut Ext<'_>)) {
        let mut ext = Ext::new(&self.state);
        f(&mut ext);
        for (k, v) in ext.overlay.into_changes() {
            match v {
                Some(v) => self.state.insert(k, v),
                None => self.state.remove(&k),
            };
        }
    }

    fn nonce(&self, who: &AccountId32) -> u32 {
        self.state
            .get(&system::ACCOUNT.key(who))
            .map(|v| system::AccountInfo::decode(&mut &v[..]).unwrap().nonce)
            .unwrap_or(0)
    }

    /// A signed extrinsic from `key` with nonce `state + offset`.
    pub(super) fn xt_at(&self, key: &Key, call: impl Into<RuntimeCall>, offset: u32) -> Vec<u8> {
        let extra = Extra {
            era: Era::Immortal,
            nonce: self.nonce(&key.id()) + offset,
            tip: 0,
            mode: Mode::Disabled,
        };
        let imp = extrinsic::implicit(SPEC_VERSION, TX_VERSION, GENESIS, GENESIS);
        extrinsic::build_signed(&call.into(), key.id(), extra, &imp, |m| key.sign(m))
    }

    /// A signed extrinsic from `key`.
    pub(super) fn xt(&self, key: &Key, call: impl Into<RuntimeCall>) -> Vec<u8> {
        self.xt_at(key, call, 0)
    }

    /// `call` signed by `key` in a block of its own; the dispatch result.
    pub(super) fn call(
        &mut self,
        key: &Key,
        call: impl Into<RuntimeCall>,
    ) -> Result<(), DispatchError> {
        let xt = self.xt(key, call);
        let r = self.block(&[xt]).pop().unwrap();
        r.expect("valid transaction").result
    }

    /// `call` as root (through `Sudo.sudo`), in a block of its own; the inner result.
    pub(super) fn sudo(&mut self, call: impl Into<RuntimeCall>) -> Result<(), DispatchError> {
        let owner = self.owner.clone();
        let outer = sudo::Call::sudo { call: Box::new(call.into()) };
        self.call(&owner, RuntimeCall::Sudo(outer)).expect("sudo itself succeeds");
        self.events
            .iter()
            .find_map(|e| match &e.event {
                RuntimeEvent::Sudo(sudo::Event::Sudid { sudo_result }) => Some(*sudo_result),
                _ => None,
            })
            .expect("Sudid")
    }

    /// Free balance of `who`.
    pub(super) fn free(&self, who: &AccountId32) -> u64 {
        self.state
            .get(&system::ACCOUNT.key(who))
            .map(|v| system::AccountInfo::decode(&mut &v[..]).unwrap().data.free)
            .unwrap_or(0)
    }

    /// SubtensorModule events of the last block.
    pub(super) fn subtensor_events(&self) -> Vec<super::Event> {
        self.events
            .iter()
            .filter_map(|e| match &e.event {
                RuntimeEvent::SubtensorModule(ev) => Some(ev.clone()),
                _ => None,
            })
            .collect()
    }

    /// Register `hotkey` (owned by `coldkey`) on `netuid`; its uid.
    pub(super) fn register(&mut self, coldkey: &Key, hotkey: &Key, netuid: NetUid) -> u16 {
        let call = Call::burned_register { netuid, hotkey: hotkey.id() };
        self.call(coldkey, call).expect("registered");
        self.read(|ext| s::UIDS.try_get(ext, &netuid, &hotkey.id())).unwrap()
    }

    /// Stake `amount` from `coldkey` on `hotkey` in `netuid`.
    pub(super) fn stake(&mut self, coldkey: &Key, hotkey: &Key, netuid: NetUid, amount: u64) {
        let call = Call::add_stake { hotkey: hotkey.id(), netuid, amount_staked: amount };
        self.call(coldkey, call).expect("staked");
    }

    /// Root: `WeightsSetRateLimit` 0 on `netuid` (tests set weights every few blocks).
    pub(super) fn no_weights_rate_limit(&mut self, netuid: NetUid) {
        let call = admin_utils::Call::sudo_set_weights_set_rate_limit {
            netuid,
            weights_set_rate_limit: 0,
        };
        self.sudo(call).unwrap();
    }
}

/// The `DispatchError` of a SubtensorModule error.
pub(super) fn err(e: super::Error) -> Result<(), DispatchError> {
    Err(e.into())
}

/// The `DispatchError` of an AdminUtils error.
pub(super) fn admin_err(e: admin_utils::Error) -> Result<(), DispatchError> {
    Err(e.into())
}

#[test]
fn error_encoding_is_subtensors() {
    let e: DispatchError = super::Error::SubnetNotExists.into();
    assert_eq!(e, DispatchError::Module(ModuleError { index: 7, error: [76, 0, 0, 0] }));
    let e: DispatchError = admin_utils::Error::SubnetDoesNotExist.into();
    assert_eq!(e, DispatchError::Module(ModuleError { index: 19, error: [0, 0, 0, 0] }));
}

#[test]
fn genesis_has_root_and_the_demo_subnet() {
    let (net, _) = net(1);
    net.read(|ext| {
        assert!(s::NETWORKS_ADDED.get(ext, &NetUid::ROOT));
        assert!(s::NETWORKS_ADDED.get(ext, &NET));
        assert_eq!(s::TOTAL_NETWORKS.get(ext), 2);
        assert_eq!(s::TEMPO.get(ext, &NET), TEMPO);
        assert_eq!(s::SUBNET_OWNER.get(ext, &NET), net.owner.id());
        assert_eq!(s::SUBNET_OWNER_HOTKEY.get(ext, &NET), net.owner.id());
        assert_eq!(s::SUBNETWORK_N.get(ext, &NET), 1);
        assert_eq!(s::KEYS.get(ext, &NET, &0), net.owner.id());
        assert_eq!(s::TOKEN_SYMBOL.get(ext, &NET), "α".as_bytes());
        assert_eq!(s::TOKEN_SYMBOL.get(ext, &NetUid::ROOT), "Τ".as_bytes());
        assert!(!s::COMMIT_REVEAL_WEIGHTS_ENABLED.get(ext, &NET));
        assert!(s::YUMA3_ON.get(ext, &NET));
        assert_eq!(s::MAX_ALLOWED_VALIDATORS.get(ext, &NET), 64);
        assert_eq!(s::FIRST_EMISSION_BLOCK_NUMBER.try_get(ext, &NET), Some(1));
        let terms = super::coinbase::issuance_terms(ext).unwrap();
        assert_eq!(s::TOTAL_ISSUANCE.get(ext), terms.total().unwrap());
    });
}

#[test]
fn dev_chain_spec_has_root_and_an_alice_subnet() {
    let spec = ChainSpec::dev();
    assert!(spec.genesis.subtensor.root);
    assert_eq!(spec.genesis.subtensor.subnets.len(), 1);
    assert_eq!(spec.genesis.subtensor.subnets[0].owner, spec.genesis.sudo.clone().unwrap());
    let state = spec.build_state().unwrap();
    let mut ext = Ext::new(&state);
    assert_eq!(s::SUBNETWORK_N.get(&mut ext, &NET), 1);
    assert!(s::NETWORKS_ADDED.get(&mut ext, &NetUid::ROOT));
}

/// `amount` TAO in rao.
pub(super) fn tao(amount: u64) -> u64 {
    amount * TAO
}
