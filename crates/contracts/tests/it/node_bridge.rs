//! The bridge across both components (issue 17): random sequences of locks — any recipient (zero,
//! the bridge itself, the token, delegating holders, anyone), any amount (zero, one rao, around the
//! mint capacity, above `MAX_CAPACITY`, more than the sender has), any number per block — are
//! submitted to tao-node's real chain (pool, block production, runtime; in process, sled in
//! memory). Every block's batch (`Bridge.LocksByBlock`) is signed by two of the three relayer
//! keys with `wtao-bridge-types` and submitted to TaoBridge in revm, with EIP-7825's
//! per-transaction gas cap. The properties:
//!
//! * every lock the node accepted is minted exactly once (each recipient's wTAO balance is the
//!   sum of its minted locks), or settled by the governed recovery path — refunded on TAO, or
//!   re-locked under a new nonce that is itself minted — never stuck;
//! * a batch may wait for the mint bucket to refill (its total fits the capacity), but one that
//!   can never mint is a failure, reported with its revert and its locks;
//! * wTAO supply ≤ TAO in custody after every step, and equal once nothing is in flight.
//!
//! Governance steps run in between: the mint capacity raised or lowered by the procedure in
//! `contracts/README.md` (never strands a batch), or lowered on Ethereum alone, out of procedure
//! — which can strand batches the node already built. Those, and only those, are recovered as the
//! README says: the timelock voids every nonce of the batch (`voidNonces`, which must succeed:
//! nothing of it was minted), then root's `recover_batch` refunds some locks and re-locks the
//! rest; the old signatures must then fail to mint.
//!
//! On the node before issue 17 this test fails; the minimal cases proptest found were a 1-rao lock
//! to `address(0)` (`TaoBridgeZeroRecipient`), then — with each class excluded in turn — a lock to
//! the bridge itself (`TaoBridgeRecipientIsBridge`), one lock of capacity + 1 rao and one block of
//! capacity + 1 rao in two locks (`TaoBridgeRateLimited`, forever), and a block of 327 one-rao
//! locks to delegating holders (out of gas at 16.27 M of EIP-7825's 16.78 M).
//!
//! `PROPTEST_CASES` raises the number of cases (default 16 here).

use std::collections::BTreeMap;
use std::sync::Arc;

use alloy_primitives::{Address, U256};
use proptest::prelude::*;
use tao_node::chain::{Chain, ChainConfig, Store};
use tao_node::primitives::{AccountId32, H160, MultiSignature};
use tao_node::runtime::extrinsic::{self, Era, Extra, Mode};
use tao_node::runtime::genesis::{BridgeSpec, ChainSpec, GenesisSpec, RelayerSpec};
use tao_node::runtime::{
    EventRecord, RuntimeCall, RuntimeEvent, SPEC_VERSION, TX_VERSION, balances, bridge, sudo,
    system,
};
use tao_node::state::Overlay;
use wtao_bridge_types::{BridgeDomain, Mint, mint_batch_digest};
use wtao_contracts::EIP7825_TX_GAS_CAP;
use wtao_contracts::bindings::{ITaoBridge, ITaoBridge::ITaoBridgeErrors as E, WTAO};

use crate::fixture::{Fixture, actor, bridge_error};

/// `TaoBridge.MAX_CAPACITY`: 2^56 − 1 rao.
const MAX_CAPACITY: u64 = (1 << 56) - 1;
/// Users locking on TAO; each starts with [`ENDOWMENT`].
const USERS: usize = 16;
/// 2^59 rao (~576 M TAO): enough for locks far above `MAX_CAPACITY`.
const ENDOWMENT: u64 = 1 << 59;
/// Ordinary holders.
const HOLDERS: u8 = 8;
/// Holders that delegated, each to a delegatee of its own (the most expensive mint); as many as
/// one block's batch may hold distinct ones.
const DELEGATING: u8 = 255;

/// Who a lock names on Ethereum.
#[derive(Clone, Copy, Debug)]
enum To {
    /// `address(0)`: the contract refuses it.
    Zero,
    /// The bridge proxy: the contract refuses it (wTAO there could never move).
    Bridge,
    /// The implementation behind the proxy: an ordinary address.
    Implementation,
    /// The wTAO token itself: accepted (the wTAO is lost to its sender, as with any address).
    Token,
    /// An ordinary holder.
    Holder(u8),
    /// A holder that delegated its votes to a delegatee of its own: the most expensive mint.
    Delegating(u8),
    /// Any address.
    Any([u8; 20]),
}

/// How much a lock moves, relative to the mint capacity `C` of the deployment.
#[derive(Clone, Copy, Debug)]
enum Amount {
    Zero,
    One,
    /// `1..=C/8`: several fit a block.
    Small(u64),
    /// `1..=C/1000`: hundreds fit a block.
    Tiny(u64),
    /// `C/2..=C`.
    Large(u64),
    /// Exactly `C`.
    Capacity,
    /// `C+1..=MAX_CAPACITY`: never fits the bucket.
    AboveCapacity(u64),
    /// Above `MAX_CAPACITY`: refused per mint by the contract.
    AboveMax(u64),
    /// More than any user has: refused by Balances.
    MoreThanBalance,
}

#[derive(Clone, Copy, Debug)]
struct Lock {
    user: u8,
    to: To,
    amount: Amount,
}

fn to_strategy() -> impl Strategy<Value = To> {
    prop_oneof![
        1 => Just(To::Zero),
        1 => Just(To::Bridge),
        1 => Just(To::Implementation),
        1 => Just(To::Token),
        6 => (0..HOLDERS).prop_map(To::Holder),
        3 => (0..DELEGATING).prop_map(To::Delegating),
        2 => any::<[u8; 20]>().prop_map(To::Any),
    ]
}

fn amount_strategy() -> impl Strategy<Value = Amount> {
    prop_oneof![
        1 => Just(Amount::Zero),
        1 => Just(Amount::One),
        8 => any::<u64>().prop_map(Amount::Small),
        3 => any::<u64>().prop_map(Amount::Large),
        1 => Just(Amount::Capacity),
        2 => any::<u64>().prop_map(Amount::AboveCapacity),
        1 => any::<u64>().prop_map(Amount::AboveMax),
        1 => Just(Amount::MoreThanBalance),
    ]
}

fn lock_strategy() -> impl Strategy<Value = Lock> {
    (0..USERS as u8, to_strategy(), amount_strategy()).prop_map(|(user, to, amount)| Lock {
        user,
        to,
        amount,
    })
}

/// A lock of a burst: small amounts, mostly to the most expensive recipients, so that the lock
/// count and gas bounds (not the capacity) limit the block.
fn burst_lock_strategy() -> impl Strategy<Value = Lock> {
    let to = prop_oneof![
        4 => (0..DELEGATING).prop_map(To::Delegating),
        1 => to_strategy(),
    ];
    let amount = prop_oneof![3 => Just(Amount::One), 1 => any::<u64>().prop_map(Amount::Tiny)];
    (0..USERS as u8, to, amount).prop_map(|(user, to, amount)| Lock { user, to, amount })
}

/// A governance step on the mint capacity; `percent` of the current one.
#[derive(Clone, Copy, Debug)]
enum Gov {
    /// Raise: Ethereum first, then the node.
    Raise { percent: u64 },
    /// Lower by the procedure: the node first, then Ethereum once the node's older batches
    /// minted.
    Lower { percent: u64 },
    /// Lower on Ethereum alone (then the node repaired): batches already built may be stranded
    /// and must be recovered.
    LowerOutOfOrder { percent: u64 },
}

#[derive(Clone, Debug)]
enum Step {
    /// Submit these locks, then produce a block.
    Locks(Vec<Lock>),
    Gov(Gov),
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        12 => prop::collection::vec(lock_strategy(), 0..10).prop_map(Step::Locks),
        1 => prop::collection::vec(burst_lock_strategy(), 250..600).prop_map(Step::Locks),
        1 => (101..400u64).prop_map(|percent| Step::Gov(Gov::Raise { percent })),
        1 => (10..100u64).prop_map(|percent| Step::Gov(Gov::Lower { percent })),
        1 => (10..100u64).prop_map(|percent| Step::Gov(Gov::LowerOutOfOrder { percent })),
    ]
}

/// An sr25519 account on the test chain.
struct User(schnorrkel::Keypair);

impl User {
    fn new(seed: u8) -> Self {
        let mini = schnorrkel::MiniSecretKey::from_bytes(&[seed; 32]).unwrap();
        Self(mini.expand_to_keypair(schnorrkel::ExpansionMode::Ed25519))
    }
    fn id(&self) -> AccountId32 {
        AccountId32(self.0.public.to_bytes())
    }
}

/// Why a batch did not mint.
#[derive(Debug)]
enum Refusal {
    /// Not now: the bucket holds less than the batch total, which fits the capacity.
    Wait,
    /// Never, because its total is above the capacity Ethereum has now.
    AboveCapacity(String),
    /// Never, for any other reason.
    Never(String),
}

/// How each accepted lock ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Settled {
    /// Minted in the batch of this TAO block.
    Minted(u32),
    /// Refunded on TAO by `recover_batch`.
    Refunded,
    /// Re-locked by `recover_batch` under this nonce.
    Relocked(u64),
}

/// Counters for the report.
#[derive(Default, Debug, Clone, Copy)]
struct Stats {
    submitted: u64,
    accepted: u64,
    refused: u64,
    batches: u64,
    waits: u64,
    recovered: u64,
    refunded: u64,
    relocked: u64,
    gov: u64,
    max_batch: usize,
    max_batch_gas: u64,
}

/// The world: tao-node's chain in process and the EVM with the deployed contracts.
struct World {
    chain: Arc<Chain>,
    users: Vec<User>,
    sudo: User,
    evm: Fixture,
    /// Capacity of the EVM's mint bucket now (rao), and its window (s).
    capacity: u64,
    window: u32,
    /// Batches produced by the node and not minted yet, by block.
    pending: BTreeMap<u32, Vec<bridge::LockRecord>>,
    /// Every accepted lock by nonce, and how it ended.
    accepted: BTreeMap<u64, bridge::LockRecord>,
    settled: BTreeMap<u64, Settled>,
    expected_balance: BTreeMap<Address, u128>,
    /// Batches of blocks up to this one may be stranded by an out-of-order lowering (the node's
    /// capacity was repaired in the block after it), and so may be recovered.
    recoverable_up_to: Option<u32>,
    stats: Stats,
}

impl World {
    fn new() -> Self {
        let mut evm = Fixture::new();
        evm.evm.set_tx_gas_limit(EIP7825_TX_GAS_CAP);
        let limit = evm.evm.call(evm.system.bridge, &ITaoBridge::mintLimitCall {}).unwrap();
        let users: Vec<User> = (0..USERS as u8).map(|i| User::new(i + 1)).collect();
        let sudo = User::new(100);
        let relayers = evm
            .relayers
            .iter()
            .enumerate()
            .map(|(i, k)| RelayerSpec {
                account: User::new(200 + i as u8).id().to_string(),
                eth_address: wtao_bridge_types::signer_address(k).to_string(),
            })
            .collect();
        let spec = ChainSpec {
            name: "property".into(),
            id: "property".into(),
            chain_type: "Development".into(),
            properties: serde_json::json!({}),
            genesis: GenesisSpec {
                balances: users
                    .iter()
                    .chain(std::iter::once(&sudo))
                    .map(|u| (u.id().to_string(), ENDOWMENT))
                    .collect(),
                sudo: Some(sudo.id().to_string()),
                bridge: BridgeSpec {
                    relayers,
                    threshold: 2,
                    evm_chain_id: evm.evm.chain_id(),
                    bridge_contract: Some(evm.system.bridge.to_string()),
                    mint_capacity: limit.capacity,
                    ..BridgeSpec::default()
                },
                // No subnets: the property is the bridge's; emission only moves free balances.
                subtensor: Default::default(),
            },
        };
        let chain =
            Chain::open(Store::temporary(None).unwrap(), spec, ChainConfig::default()).unwrap();
        // Holders that delegate: each to a delegatee of its own, before holding anything.
        for i in 0..DELEGATING {
            let call = WTAO::delegateCall { delegatee: actor(&format!("delegatee-{i}")) };
            let wtao = evm.system.wtao;
            evm.evm.send(recipient_delegating(i), wtao, &call).unwrap().ensure_success().unwrap();
        }
        Self {
            chain,
            users,
            sudo,
            evm,
            capacity: limit.capacity,
            window: limit.window,
            pending: BTreeMap::new(),
            accepted: BTreeMap::new(),
            settled: BTreeMap::new(),
            expected_balance: BTreeMap::new(),
            recoverable_up_to: None,
            stats: Stats::default(),
        }
    }

    fn read<T>(&self, f: impl FnOnce(&mut Overlay<'_>) -> T) -> T {
        let view = self.chain.state(None).unwrap().unwrap();
        let mut overlay = Overlay::new(&view);
        f(&mut overlay)
    }

    fn address(&self, to: To) -> H160 {
        let a = match to {
            To::Zero => Address::ZERO,
            To::Bridge => self.evm.system.bridge,
            To::Implementation => self.evm.system.implementation,
            To::Token => self.evm.system.wtao,
            To::Holder(i) => actor(&format!("holder-{i}")),
            To::Delegating(i) => recipient_delegating(i),
            To::Any(a) => Address::from(a),
        };
        H160(a.into_array())
    }

    fn rao(&self, amount: Amount) -> u64 {
        let c = self.capacity;
        match amount {
            Amount::Zero => 0,
            Amount::One => 1,
            Amount::Small(x) => 1 + x % (c / 8).max(1),
            Amount::Tiny(x) => 1 + x % (c / 1000).max(1),
            Amount::Large(x) => c / 2 + x % (c - c / 2 + 1),
            Amount::Capacity => c,
            Amount::AboveCapacity(x) => c + 1 + x % (MAX_CAPACITY - c),
            Amount::AboveMax(x) => MAX_CAPACITY + 1 + x % (ENDOWMENT / 4),
            Amount::MoreThanBalance => ENDOWMENT + 1,
        }
    }

    /// Signs `call` by `who` with its next nonce (counting the pool), immortal.
    fn sign(&self, who: &User, call: &RuntimeCall) -> Vec<u8> {
        let nonce = self.chain.next_nonce(&who.id()).unwrap();
        let extra = Extra { era: Era::Immortal, nonce, tip: 0, mode: Mode::Disabled };
        let genesis = self.chain.genesis_hash();
        let implicit = extrinsic::implicit(SPEC_VERSION, TX_VERSION, genesis, genesis);
        extrinsic::build_signed(call, who.id(), extra, &implicit, |m| {
            MultiSignature::Sr25519(who.0.sign_simple(b"substrate", m).to_bytes())
        })
    }

    /// Submits `locks` to the pool (each extrinsic checked as a client's would be).
    fn submit_locks(&mut self, locks: &[Lock]) {
        for l in locks {
            let call = RuntimeCall::Bridge(bridge::Call::lock {
                amount: self.rao(l.amount),
                eth_recipient: self.address(l.to),
            });
            let xt = self.sign(&self.users[usize::from(l.user)], &call);
            self.stats.submitted += 1;
            // A refusal at the pool (too many future nonces of one signer) is a refused lock too.
            let _ = self.chain.submit(xt);
        }
    }

    /// Root call `call` through sudo in the next block; its result.
    fn sudo(&mut self, call: bridge::Call) -> Result<(), tao_node::DispatchError> {
        let inner = Box::new(RuntimeCall::Bridge(call));
        let xt = self.sign(&self.sudo, &RuntimeCall::Sudo(sudo::Call::sudo { call: inner }));
        self.chain.submit(xt).unwrap();
        let (_, events) = self.produce();
        events
            .iter()
            .find_map(|e| match &e.event {
                RuntimeEvent::Sudo(sudo::Event::Sudid { sudo_result }) => Some(*sudo_result),
                _ => None,
            })
            .expect("the sudo call was applied")
    }

    /// Sends `call` to the bridge from the timelock (as an executed governance proposal).
    fn timelock<C: alloy_sol_types::SolCall>(&mut self, call: &C) -> wtao_contracts::Receipt {
        let timelock = self.evm.system.timelock;
        self.evm.bridge_tx(timelock, call)
    }

    /// Produces the next block, records its accepted locks and queues its batch.
    fn produce(&mut self) -> (u32, Vec<EventRecord>) {
        let n = self.chain.produce_block().unwrap().number;
        let (events, batch) =
            self.read(|o| (system::EVENTS.get(o), bridge::LOCKS_BY_BLOCK.get(o, &n)));
        let mut locked = Vec::new();
        for e in &events {
            match &e.event {
                RuntimeEvent::Bridge(bridge::Event::Locked {
                    nonce,
                    from,
                    eth_recipient,
                    amount,
                }) => {
                    locked.push(bridge::LockRecord {
                        nonce: *nonce,
                        from: *from,
                        eth_recipient: *eth_recipient,
                        amount: *amount,
                    });
                }
                RuntimeEvent::System(system::Event::ExtrinsicFailed { .. }) => {
                    self.stats.refused += 1;
                }
                _ => {}
            }
        }
        assert_eq!(locked, batch, "block {n}: the batch is the block's Locked events, in order");
        for l in &batch {
            assert!(self.accepted.insert(l.nonce, *l).is_none(), "nonce {} locked twice", l.nonce);
        }
        self.stats.accepted += batch.len() as u64;
        if !batch.is_empty() {
            self.stats.max_batch = self.stats.max_batch.max(batch.len());
            self.pending.insert(n, batch);
        }
        (n, events)
    }

    fn mints(batch: &[bridge::LockRecord]) -> Vec<Mint> {
        batch.iter().copied().map(Mint::from).collect()
    }

    /// Signs block `n`'s batch with relayers 0 and 1 and submits it; on success records the
    /// mints.
    fn try_mint(&mut self, n: u32) -> Result<(), Refusal> {
        let batch = self.pending.get(&n).cloned().unwrap_or_default();
        let mints = Self::mints(&batch);
        let d = self.read(|o| bridge::DOMAIN.get(o));
        let domain = BridgeDomain::new(d.chain_id, Address::from(d.verifying_contract.0));
        assert_eq!(domain, self.evm.domain(), "the node signs for the deployed bridge");
        let digest = mint_batch_digest(&domain, &mints);
        let signatures = self.evm.sign(&mints, &[0, 1]);
        let receipt = self.evm.submit(&mints, signatures);
        if receipt.success {
            self.stats.batches += 1;
            self.stats.max_batch_gas = self.stats.max_batch_gas.max(receipt.gas_used);
            let minted = receipt.events::<ITaoBridge::BatchMinted>().unwrap();
            assert_eq!(minted.len(), 1);
            assert_eq!(minted[0].1.digest, digest);
            for l in &batch {
                let before = self.settled.insert(l.nonce, Settled::Minted(n));
                assert!(before.is_none(), "nonce {} minted after {before:?}", l.nonce);
                *self.expected_balance.entry(Address::from(l.eth_recipient.0)).or_default() +=
                    u128::from(l.amount);
            }
            self.pending.remove(&n);
            return Ok(());
        }
        if receipt.halt.is_some() || receipt.output.is_empty() {
            // Out of gas in wTAO's loop surfaces as an empty revert bubbled up by the bridge.
            return Err(Refusal::Never(format!(
                "out of gas ({:?}) after {} gas: {} mints do not fit EIP-7825's {} gas",
                receipt.halt,
                receipt.gas_used,
                mints.len(),
                EIP7825_TX_GAS_CAP
            )));
        }
        match bridge_error(&receipt) {
            E::TaoBridgeRateLimited(e) if e.requested <= U256::from(self.capacity) => {
                Err(Refusal::Wait)
            }
            E::TaoBridgeRateLimited(e) => Err(Refusal::AboveCapacity(format!("{e:?}"))),
            other => Err(Refusal::Never(format!("{other:?}"))),
        }
    }

    /// Tries every pending batch in block order (as relayers do, each independently). A batch
    /// that can never mint fails the test, unless an out-of-order lowering stranded it: then it
    /// is recovered.
    fn mint_pending(&mut self) -> Result<(), TestCaseError> {
        let blocks: Vec<u32> = self.pending.keys().copied().collect();
        for n in blocks {
            match self.try_mint(n) {
                Ok(()) => {}
                Err(Refusal::Wait) => self.stats.waits += 1,
                Err(Refusal::AboveCapacity(_))
                    if self.recoverable_up_to.is_some_and(|r| n <= r) =>
                {
                    self.recover(n)?;
                }
                Err(Refusal::AboveCapacity(why) | Refusal::Never(why)) => {
                    let locks = &self.pending[&n];
                    return Err(TestCaseError::fail(format!(
                        "block {n}'s batch of {} accepted locks can never mint: {why}\nlocks: {:?}",
                        locks.len(),
                        locks.iter().take(8).collect::<Vec<_>>()
                    )));
                }
            }
        }
        Ok(())
    }

    /// The recovery procedure of `contracts/README.md` for block `n`'s stranded batch: the
    /// timelock voids every nonce of it (which proves none was minted), then root refunds the
    /// locks that cannot be re-locked (and a pseudo-random half of the others) and re-locks the
    /// rest under new nonces.
    fn recover(&mut self, n: u32) -> Result<(), TestCaseError> {
        let batch = self.pending[&n].clone();
        let nonces: Vec<u64> = batch.iter().map(|l| l.nonce).collect();
        let voided = self.timelock(&ITaoBridge::voidNoncesCall { nonces: nonces.clone() });
        prop_assert!(voided.success, "voidNonces of block {n}'s batch: {:?}", voided.output);
        let node_capacity = self.read(|o| bridge::MINT_CAPACITY.get(o));
        let mut refund: Vec<u64> = batch
            .iter()
            .filter(|l| l.amount > node_capacity || l.nonce % 2 == 0)
            .map(|l| l.nonce)
            .collect();
        let mut result =
            self.sudo(bridge::Call::recover_batch { block: n, refund: refund.clone() });
        if result.is_err() {
            // The re-locks did not fit the current block: refund them all.
            refund = nonces.clone();
            result = self.sudo(bridge::Call::recover_batch { block: n, refund: refund.clone() });
        }
        prop_assert!(result.is_ok(), "recover_batch of block {n}: {:?}", result);
        let (_, events) = self.read(|o| ((), system::EVENTS.get(o)));
        for e in &events {
            match &e.event {
                RuntimeEvent::Bridge(bridge::Event::LockRefunded { nonce, .. }) => {
                    prop_assert!(refund.contains(nonce));
                    prop_assert!(self.settled.insert(*nonce, Settled::Refunded).is_none());
                    self.stats.refunded += 1;
                }
                RuntimeEvent::Bridge(bridge::Event::LockRelocked { old_nonce, new_nonce }) => {
                    prop_assert!(!refund.contains(old_nonce));
                    let before = self.settled.insert(*old_nonce, Settled::Relocked(*new_nonce));
                    prop_assert!(before.is_none());
                    self.stats.relocked += 1;
                }
                _ => {}
            }
        }
        for nonce in &nonces {
            prop_assert!(self.settled.contains_key(nonce), "lock {nonce} not settled by recovery");
        }
        prop_assert!(self.read(|o| bridge::LOCKS_BY_BLOCK.get(o, &n)).is_empty());
        // The old signatures can never mint now.
        let mints = Self::mints(&batch);
        let signatures = self.evm.sign(&mints, &[0, 1]);
        let replay = self.evm.submit(&mints, signatures);
        prop_assert!(
            matches!(bridge_error(&replay), E::TaoBridgeNonceUsed(_)),
            "the voided batch still mints"
        );
        self.pending.remove(&n);
        self.stats.recovered += 1;
        Ok(())
    }

    fn set_evm_capacity(&mut self, capacity: u64) {
        let limit = ITaoBridge::RateLimit { capacity, window: self.window };
        let r = self.timelock(&ITaoBridge::setMintLimitCall { limit });
        assert!(r.success, "setMintLimit({capacity})");
        self.capacity = capacity;
    }

    fn set_node_capacity(&mut self, capacity: u64) {
        self.sudo(bridge::Call::set_mint_capacity { capacity }).unwrap();
    }

    /// Mints every pending batch, waiting out refills (each fits the capacity).
    fn mint_all_pending(&mut self) -> Result<(), TestCaseError> {
        for _ in 0..200 {
            self.mint_pending()?;
            self.check_supply()?;
            if self.pending.is_empty() {
                return Ok(());
            }
            self.evm.evm.advance(1, u64::from(self.window));
        }
        Err(TestCaseError::fail("pending batches did not mint"))
    }

    fn governance(&mut self, step: Gov) -> Result<(), TestCaseError> {
        self.stats.gov += 1;
        let scaled = |percent: u64| {
            (u128::from(self.capacity) * u128::from(percent) / 100)
                .clamp(1_000, u128::from(MAX_CAPACITY)) as u64
        };
        match step {
            Gov::Raise { percent } => {
                let c = scaled(percent);
                self.set_evm_capacity(c);
                self.set_node_capacity(c);
            }
            Gov::Lower { percent } => {
                let c = scaled(percent);
                self.set_node_capacity(c);
                // Batches built under the old capacity mint before Ethereum lowers it.
                self.mint_all_pending()?;
                self.set_evm_capacity(c);
            }
            Gov::LowerOutOfOrder { percent } => {
                let c = scaled(percent);
                self.set_evm_capacity(c);
                // Governance notices and repairs the node; batches up to that block may be
                // stranded.
                self.set_node_capacity(c);
                let repaired = self.chain.heads().best.number;
                self.recoverable_up_to = Some(repaired);
            }
        }
        Ok(())
    }

    /// wTAO supply ≤ TAO in custody (less the existential deposit it was seeded with).
    fn check_supply(&mut self) -> Result<(u128, u128), TestCaseError> {
        let custody = self.read(|o| system::ACCOUNT.get(o, &bridge::custody_account()).data.free);
        let custody = u128::from(custody.saturating_sub(balances::EXISTENTIAL_DEPOSIT));
        let supply: u128 = self.evm.total_supply().to::<u128>();
        prop_assert!(supply <= custody, "wTAO supply {supply} > TAO in custody {custody}");
        Ok((supply, custody))
    }

    /// Produces blocks and mints until the pool and the pending batches are empty, waiting out
    /// the mint bucket's refill when a batch must wait.
    fn drain(&mut self) -> Result<(), TestCaseError> {
        for _ in 0..400 {
            if self.chain.pending().is_empty() && self.pending.is_empty() {
                return Ok(());
            }
            if !self.chain.pending().is_empty() {
                self.produce();
            }
            self.mint_pending()?;
            self.check_supply()?;
            if !self.pending.is_empty() {
                self.evm.evm.advance(1, u64::from(self.window));
            }
        }
        Err(TestCaseError::fail(format!(
            "not drained: {} transactions in the pool, batches pending for blocks {:?}",
            self.chain.pending().len(),
            self.pending.keys().collect::<Vec<_>>()
        )))
    }

    /// The final accounting: every accepted lock minted once or refunded (possibly after being
    /// re-locked), balances and supply match.
    fn check_final(&mut self) -> Result<(), TestCaseError> {
        for nonce in self.accepted.keys() {
            let mut n = *nonce;
            loop {
                match self.settled.get(&n) {
                    Some(Settled::Minted(_) | Settled::Refunded) => break,
                    Some(Settled::Relocked(next)) => n = *next,
                    None => return Err(TestCaseError::fail(format!("lock {nonce} never settled"))),
                }
            }
            let used = self
                .evm
                .evm
                .call(self.evm.system.bridge, &ITaoBridge::isNonceUsedCall { nonce: *nonce })
                .unwrap();
            prop_assert!(used, "lock {nonce} settled but its nonce is unused on Ethereum");
        }
        for (who, want) in self.expected_balance.clone() {
            let have = self.evm.balance(who).to::<u128>();
            prop_assert_eq!(have, want, "wTAO balance of {}", who);
        }
        let (supply, custody) = self.check_supply()?;
        prop_assert_eq!(supply, custody, "nothing in flight: supply equals custody");
        Ok(())
    }
}

/// A holder that delegated to `delegatee-i` before it held anything.
fn recipient_delegating(i: u8) -> Address {
    actor(&format!("delegating-{i}"))
}

fn run(steps: Vec<Step>) -> Result<Stats, TestCaseError> {
    let mut w = World::new();
    for step in steps {
        match step {
            Step::Locks(locks) => {
                w.submit_locks(&locks);
                w.produce();
            }
            Step::Gov(g) => w.governance(g)?,
        }
        w.mint_pending()?;
        w.check_supply()?;
    }
    w.drain()?;
    w.check_final()?;
    Ok(w.stats)
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(16)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_accepted_lock_mints_once_or_is_refunded(
        steps in prop::collection::vec(step_strategy(), 1..12)
    ) {
        let stats = run(steps)?;
        eprintln!("{stats:?}");
    }
}
