//! The bridge's lock checks, the per-block batch limits and `recover_batch`, driven through the
//! real chain (pool, block production, executive, runtime) with signed extrinsics.
//!
//! The tests named after issue 17's findings fail on the code before it: a lock to `address(0)`,
//! to the bridge itself, above `MAX_CAPACITY` or above the mint capacity was accepted into the
//! block's batch (which TaoBridge then refuses whole), and a block's batch could sum to more than
//! the mint bucket ever holds.

use std::sync::Arc;

use crate::chain::{Chain, ChainConfig, Store};
use crate::primitives::{AccountId32, Balance, BlockNumber, H160, MultiSignature};
use crate::runtime::extrinsic::{self, Era, Extra, Mode};
use crate::runtime::genesis::{BridgeSpec, ChainSpec, GenesisSpec, RelayerSpec, TAO};
use crate::runtime::{
    EventRecord, RuntimeCall, RuntimeEvent, SPEC_VERSION, TX_VERSION, sudo, system,
};
use crate::state::Overlay;
use crate::{DispatchError, ModuleError};

use super::*;

const BRIDGE: H160 = H160([0xb7; 20]);
const ALICE_ETH: H160 = H160([0xa1; 20]);

struct Key(schnorrkel::Keypair);

impl Key {
    fn new(seed: u8) -> Self {
        let mini = schnorrkel::MiniSecretKey::from_bytes(&[seed; 32]).unwrap();
        Self(mini.expand_to_keypair(schnorrkel::ExpansionMode::Ed25519))
    }
    fn id(&self) -> AccountId32 {
        AccountId32(self.0.public.to_bytes())
    }
}

/// A chain whose sudo key is `root`, `user` holds 1 M TAO, the bridge contract is [`BRIDGE`]
/// and the mint capacity `capacity`.
struct Net {
    chain: Arc<Chain>,
    root: Key,
    user: Key,
}

impl Net {
    fn new(capacity: Balance) -> Self {
        Self::with(|b| b.mint_capacity = capacity)
    }

    fn with(edit: impl FnOnce(&mut BridgeSpec)) -> Self {
        let (root, user, relayer) = (Key::new(1), Key::new(2), Key::new(3));
        let mut bridge = BridgeSpec {
            relayers: vec![RelayerSpec {
                account: relayer.id().to_string(),
                eth_address: "0x00000000000000000000000000000000000000e1".into(),
            }],
            threshold: 1,
            evm_chain_id: 31337,
            bridge_contract: Some(format!("0x{}", hex::encode(BRIDGE.0))),
            ..BridgeSpec::default()
        };
        edit(&mut bridge);
        let spec = ChainSpec {
            name: "bridge".into(),
            id: "bridge".into(),
            chain_type: "Development".into(),
            properties: serde_json::json!({}),
            genesis: GenesisSpec {
                balances: vec![
                    (root.id().to_string(), 1_000_000 * TAO),
                    (user.id().to_string(), 1_000_000 * TAO),
                ],
                sudo: Some(root.id().to_string()),
                bridge,
                subtensor: Default::default(),
            },
        };
        let chain =
            Chain::open(Store::temporary(None).unwrap(), spec, ChainConfig::default()).unwrap();
        Self { chain, root, user }
    }

    fn sign(&self, who: &Key, call: RuntimeCall) -> Vec<u8> {
        let nonce = self.chain.next_nonce(&who.id()).unwrap();
        let extra = Extra { era: Era::Immortal, nonce, tip: 0, mode: Mode::Disabled };
        let g = self.chain.genesis_hash();
        let implicit = extrinsic::implicit(SPEC_VERSION, TX_VERSION, g, g);
        extrinsic::build_signed(&call, who.id(), extra, &implicit, |m| {
            MultiSignature::Sr25519(who.0.sign_simple(b"substrate", m).to_bytes())
        })
    }

    fn submit(&self, who: &Key, call: RuntimeCall) {
        self.chain.submit(self.sign(who, call)).unwrap();
    }

    fn lock(&self, amount: Balance, to: H160) {
        self.lock_by(&self.user, amount, to);
    }

    fn lock_by(&self, who: &Key, amount: Balance, to: H160) {
        self.submit(who, RuntimeCall::Bridge(Call::lock { amount, eth_recipient: to }));
    }

    fn sudo(&self, call: Call) {
        let call =
            RuntimeCall::Sudo(sudo::Call::sudo { call: Box::new(RuntimeCall::Bridge(call)) });
        self.submit(&self.root, call);
    }

    /// Produce a block; its number and events.
    fn block(&self) -> (BlockNumber, Vec<EventRecord>) {
        let n = self.chain.produce_block().unwrap().number;
        (n, self.read(|o| system::EVENTS.get(o)))
    }

    fn read<T>(&self, f: impl FnOnce(&mut Overlay<'_>) -> T) -> T {
        let view = self.chain.state(None).unwrap().unwrap();
        let mut o = Overlay::new(&view);
        f(&mut o)
    }

    fn batch(&self, n: BlockNumber) -> Vec<LockRecord> {
        self.read(|o| LOCKS_BY_BLOCK.get(o, &n))
    }

    fn free(&self, who: &AccountId32) -> Balance {
        self.read(|o| system::ACCOUNT.get(o, who).data.free)
    }
}

fn bridge_err(e: Error) -> DispatchError {
    DispatchError::Module(ModuleError { index: 40, error: [e as u8, 0, 0, 0] })
}

/// The dispatch errors of the block's failed extrinsics, and of failed sudo calls.
fn failures(events: &[EventRecord]) -> Vec<DispatchError> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            RuntimeEvent::System(system::Event::ExtrinsicFailed { dispatch_error, .. }) => {
                Some(*dispatch_error)
            }
            RuntimeEvent::Sudo(
                sudo::Event::Sudid { sudo_result: Err(e) }
                | sudo::Event::SudoAsDone { sudo_result: Err(e) },
            ) => Some(*e),
            _ => None,
        })
        .collect()
}

fn bridge_events(events: &[EventRecord]) -> Vec<Event> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            RuntimeEvent::Bridge(b) => Some(b.clone()),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------- issue 17, finding 1 and 3

/// Finding 1: a 1-rao lock to `address(0)` used to join its block's batch, which TaoBridge then
/// refuses whole — stranding every other lock of the block. It is refused at `lock()`, and the
/// block's other locks form a batch that can mint.
#[test]
fn lock_to_the_zero_address_is_refused_and_does_not_join_the_batch() {
    let net = Net::new(DEFAULT_MINT_CAPACITY);
    net.lock(TAO, ALICE_ETH);
    net.lock(1, H160::default());
    net.lock(2 * TAO, ALICE_ETH);
    let (n, events) = net.block();
    assert_eq!(failures(&events), vec![bridge_err(Error::ZeroRecipient)]);
    let batch = net.batch(n);
    assert_eq!(
        batch.iter().map(|l| (l.nonce, l.amount)).collect::<Vec<_>>(),
        [(0, TAO), (1, 2 * TAO)]
    );
    assert!(batch.iter().all(|l| l.eth_recipient != H160::default()));
}

/// Finding 3: wTAO minted to the bridge proxy could never move; TaoBridge refuses it (with
/// `TaoBridgeRecipientIsBridge`), so the node must refuse the lock, or one such lock strands a
/// block.
#[test]
fn lock_to_the_bridge_itself_is_refused() {
    let net = Net::new(DEFAULT_MINT_CAPACITY);
    net.lock(TAO, BRIDGE);
    net.lock(TAO, ALICE_ETH);
    let (n, events) = net.block();
    assert_eq!(failures(&events), vec![bridge_err(Error::RecipientIsBridge)]);
    assert_eq!(net.batch(n).len(), 1);
    // The domain is what counts: after `set_domain` the old address is an ordinary recipient.
    net.sudo(Call::set_domain {
        domain: EvmDomain { chain_id: 31337, verifying_contract: H160([0xb8; 20]) },
    });
    net.block();
    net.lock(TAO, BRIDGE);
    net.lock(TAO, H160([0xb8; 20]));
    let (n, events) = net.block();
    assert_eq!(failures(&events), vec![bridge_err(Error::RecipientIsBridge)]);
    assert_eq!(net.batch(n)[0].eth_recipient, BRIDGE);
}

/// Finding 1: a single amount above `MAX_CAPACITY` (2^56 − 1 rao) is refused per mint by
/// TaoBridge; above the mint capacity it never fits the bucket. Both are refused at `lock()`,
/// and the sender keeps its TAO (less the fee).
#[test]
fn lock_above_the_mint_capacity_or_max_capacity_is_refused() {
    let net = Net::new(10 * TAO);
    let before = net.free(&net.user.id());
    net.lock(10 * TAO + 1, ALICE_ETH);
    net.lock(10 * TAO, ALICE_ETH);
    let (n, events) = net.block();
    assert_eq!(failures(&events), vec![bridge_err(Error::AmountAboveMintCapacity)]);
    assert_eq!(net.batch(n).iter().map(|l| l.amount).collect::<Vec<_>>(), [10 * TAO]);
    assert!(net.free(&net.user.id()) > before - 10 * TAO - TAO, "only the fee was kept");

    let net = Net::new(MAX_CAPACITY);
    net.lock(MAX_CAPACITY + 1, ALICE_ETH);
    let (_, events) = net.block();
    assert_eq!(failures(&events), vec![bridge_err(Error::AmountAboveMaxCapacity)]);
}

/// Finding 1: locks that each fit could sum, in one block, to more than the mint bucket can
/// ever hold; that batch could never mint. A lock that would push the block's total above the
/// capacity is not applied (no fee) and waits for the next block, as in a full block.
#[test]
fn a_block_total_never_exceeds_the_mint_capacity_the_rest_waits() {
    let net = Net::new(10 * TAO);
    for _ in 0..3 {
        net.lock(4 * TAO, ALICE_ETH);
    }
    // Another signer (the user's own next lock would wait behind its waiting one, by nonce).
    net.lock_by(&net.root, 2 * TAO, ALICE_ETH);
    let (n, events) = net.block();
    assert!(failures(&events).is_empty(), "{events:?}");
    let first = net.batch(n);
    let total: Balance = first.iter().map(|l| l.amount).sum();
    assert_eq!(total, 10 * TAO, "4 + 4 + 2 fill the block exactly: {first:?}");
    assert_eq!(net.chain.pending().len(), 1, "the third 4-TAO lock waits");
    let (n, events) = net.block();
    assert!(failures(&events).is_empty());
    assert_eq!(net.batch(n).iter().map(|l| l.amount).collect::<Vec<_>>(), [4 * TAO]);
    assert!(net.chain.pending().is_empty());
}

/// The same limits hold when `lock` is dispatched from another call (`sudo_as`), where the
/// executive's "wait for the next block" does not apply: the lock fails instead.
#[test]
fn lock_dispatched_by_sudo_as_fails_when_the_block_is_full() {
    let net = Net::new(10 * TAO);
    net.lock(8 * TAO, ALICE_ETH);
    let who = net.user.id().into();
    let inner = RuntimeCall::Bridge(Call::lock { amount: 3 * TAO, eth_recipient: ALICE_ETH });
    net.submit(&net.root, RuntimeCall::Sudo(sudo::Call::sudo_as { who, call: Box::new(inner) }));
    let (n, events) = net.block();
    assert_eq!(failures(&events), vec![bridge_err(Error::BlockMintCapacityFull)]);
    assert_eq!(net.batch(n).len(), 1);
}

#[test]
fn set_mint_capacity_is_root_only_and_bounded() {
    let net = Net::new(10 * TAO);
    net.submit(&net.user, RuntimeCall::Bridge(Call::set_mint_capacity { capacity: TAO }));
    net.sudo(Call::set_mint_capacity { capacity: 0 });
    net.sudo(Call::set_mint_capacity { capacity: MAX_CAPACITY + 1 });
    let (_, events) = net.block();
    assert_eq!(
        failures(&events),
        vec![
            DispatchError::BadOrigin,
            bridge_err(Error::InvalidMintCapacity),
            bridge_err(Error::InvalidMintCapacity)
        ]
    );
    assert_eq!(net.read(|o| MINT_CAPACITY.get(o)), 10 * TAO);
    net.sudo(Call::set_mint_capacity { capacity: 3 * TAO });
    let (_, events) = net.block();
    assert_eq!(bridge_events(&events), vec![Event::MintCapacitySet { capacity: 3 * TAO }]);
    net.lock(4 * TAO, ALICE_ETH);
    let (_, events) = net.block();
    assert_eq!(failures(&events), vec![bridge_err(Error::AmountAboveMintCapacity)]);
}

#[test]
fn genesis_sets_mint_capacity_and_next_lock_nonce() {
    let net = Net::with(|b| {
        b.mint_capacity = 7 * TAO;
        b.next_lock_nonce = 1_000;
    });
    assert_eq!(net.read(|o| MINT_CAPACITY.get(o)), 7 * TAO);
    net.lock(TAO, ALICE_ETH);
    let (n, _) = net.block();
    assert_eq!(net.batch(n)[0].nonce, 1_000, "a regenesis continues after the bridge's nonces");
    // A state without the item (an older database) reads the devnet default.
    let empty = std::collections::BTreeMap::<Vec<u8>, Vec<u8>>::new();
    let mut ext = Ext::new(&empty);
    assert_eq!(mint_capacity(&mut ext), DEFAULT_MINT_CAPACITY);
}

#[test]
fn genesis_refuses_a_mint_capacity_taobridge_would_refuse() {
    for capacity in [0, MAX_CAPACITY + 1] {
        let mut spec = ChainSpec::dev();
        spec.genesis.bridge.mint_capacity = capacity;
        let e = spec.build_state().unwrap_err();
        assert!(e.to_string().contains("mint capacity"), "{e}");
    }
    assert_eq!(ChainSpec::dev().genesis.bridge.mint_capacity, DEFAULT_MINT_CAPACITY);
}

// ---------------------------------------------------------------- recovery

/// A batch stuck anyway (here: the domain changed under it, so one lock is now to the bridge,
/// as an out-of-order governance step could do): after governance voided its nonces on
/// Ethereum, root refunds some locks and re-locks the rest under new nonces. Each lock is settled
/// exactly once; custody shrinks by what was refunded only.
#[test]
fn recover_batch_refunds_and_relocks_each_lock_once() {
    let net = Net::new(100 * TAO);
    net.lock(TAO, ALICE_ETH);
    net.lock(2 * TAO, H160([0xb8; 20]));
    net.lock(3 * TAO, ALICE_ETH);
    let (stuck, _) = net.block();
    let custody = custody_account();
    let custody_before = net.free(&custody);
    net.sudo(Call::set_domain {
        domain: EvmDomain { chain_id: 31337, verifying_contract: H160([0xb8; 20]) },
    });
    net.block();

    // Re-locking the lock that is now to the bridge is refused: it must be refunded.
    net.sudo(Call::recover_batch { block: stuck, refund: vec![0] });
    // A nonce of another batch, an empty block, the current block: refused.
    net.sudo(Call::recover_batch { block: stuck, refund: vec![7] });
    net.sudo(Call::recover_batch { block: stuck + 1, refund: vec![] });
    net.sudo(Call::recover_batch { block: 1_000, refund: vec![] });
    // And not by a signed account.
    net.submit(
        &net.user,
        RuntimeCall::Bridge(Call::recover_batch { block: stuck, refund: vec![] }),
    );
    let (_, events) = net.block();
    assert_eq!(
        failures(&events),
        vec![
            bridge_err(Error::RecipientIsBridge),
            bridge_err(Error::NotInBatch),
            bridge_err(Error::NoLocksInBlock),
            bridge_err(Error::NoLocksInBlock),
            DispatchError::BadOrigin,
        ]
    );
    assert_eq!(net.batch(stuck).len(), 3, "failed recoveries changed nothing");
    let user_before = net.free(&net.user.id());

    net.sudo(Call::recover_batch { block: stuck, refund: vec![1] });
    let (n, events) = net.block();
    assert!(failures(&events).is_empty(), "{events:?}");
    let user = net.user.id();
    assert_eq!(
        bridge_events(&events),
        vec![
            Event::Locked { nonce: 3, from: user, eth_recipient: ALICE_ETH, amount: TAO },
            Event::LockRelocked { old_nonce: 0, new_nonce: 3 },
            Event::LockRefunded { nonce: 1, to: user, amount: 2 * TAO },
            Event::Locked { nonce: 4, from: user, eth_recipient: ALICE_ETH, amount: 3 * TAO },
            Event::LockRelocked { old_nonce: 2, new_nonce: 4 },
            Event::BatchRecovered { block: stuck, refunded: 1, relocked: 2 },
        ]
    );
    assert!(net.batch(stuck).is_empty(), "the stuck batch is gone");
    assert_eq!(net.batch(n).iter().map(|l| l.nonce).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(net.free(&custody), custody_before - 2 * TAO);
    assert_eq!(net.free(&user), user_before + 2 * TAO);

    // Settled once: a second recovery of that block finds nothing.
    net.sudo(Call::recover_batch { block: stuck, refund: vec![1] });
    let (_, events) = net.block();
    assert_eq!(failures(&events), vec![bridge_err(Error::NoLocksInBlock)]);
    assert_eq!(net.free(&user), user_before + 2 * TAO);
}

/// Re-locked locks obey the limits of the block they join.
#[test]
fn recover_batch_relocks_within_the_current_blocks_capacity() {
    let net = Net::new(10 * TAO);
    net.lock(6 * TAO, ALICE_ETH);
    let (stuck, _) = net.block();
    net.lock(5 * TAO, ALICE_ETH);
    net.sudo(Call::recover_batch { block: stuck, refund: vec![] });
    let (n, events) = net.block();
    // The user's lock came first in the pool; the 6-TAO re-lock does not fit beside it.
    assert_eq!(failures(&events), vec![bridge_err(Error::BlockMintCapacityFull)]);
    assert_eq!(net.batch(stuck).len(), 1);
    assert_eq!(net.batch(n).len(), 1);
    net.sudo(Call::recover_batch { block: stuck, refund: vec![] });
    let (n, events) = net.block();
    assert!(failures(&events).is_empty());
    assert_eq!(net.batch(n)[0].amount, 6 * TAO);
}

/// `LockRecord` is `wtao_bridge_types::Lock` in SCALE types: the conversion is 1:1 both ways,
/// the mint it gives is the one relayers sign, and the storage encoding is the one the metadata
/// (and every existing database) has.
#[test]
fn lock_record_converts_one_to_one_and_keeps_its_encoding() {
    use wtao_bridge_types::{Address, B256, Lock, Mint, Rao};
    let record = LockRecord {
        nonce: 0x0102_0304_0506_0708,
        from: AccountId32([0x11; 32]),
        eth_recipient: H160([0x22; 20]),
        amount: 5 * TAO,
    };
    let lock = Lock::from(record);
    assert_eq!(
        lock,
        Lock {
            nonce: record.nonce,
            tao_sender: B256::repeat_byte(0x11),
            recipient: Address::repeat_byte(0x22),
            amount: Rao(5 * TAO),
        }
    );
    assert_eq!(LockRecord::from(lock), record);
    assert_eq!(Mint::from(record), Mint::from(lock));

    // nonce u64 LE ‖ from [u8; 32] ‖ eth_recipient [u8; 20] ‖ amount u64 LE.
    let mut expected = record.nonce.to_le_bytes().to_vec();
    expected.extend([0x11; 32]);
    expected.extend([0x22; 20]);
    expected.extend((5 * TAO).to_le_bytes());
    assert_eq!(record.encode(), expected);
}
