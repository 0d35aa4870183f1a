//! Fuzzing the decoders that face the network (issue 17, item 5), in process: the extrinsic
//! decoder and the transaction checks behind `author_submitExtrinsic`, and the SCALE inputs of
//! every runtime API behind `state_call`. Arbitrary bytes, and valid extrinsics mutated (bytes
//! flipped, inserted, cut, the length prefix and the version byte changed, calls nested deeper
//! than the limit, length prefixes claiming gigabytes) must give an error — never a panic, never
//! a large allocation.
//!
//! `PROPTEST_CASES` raises the number of cases (default 2048 per property).

use std::collections::BTreeMap;

use parity_scale_codec::{Compact, Encode};
use proptest::prelude::*;
use tao_node::primitives::{AccountId32, H256, MultiSignature};
use tao_node::runtime::extrinsic::{self, Era, Extra, MAX_EXTRINSIC_LEN, Mode, UncheckedExtrinsic};
use tao_node::runtime::genesis::ChainSpec;
use tao_node::runtime::{
    BlockContext, Ext, Runtime, RuntimeCall, SPEC_VERSION, TX_VERSION, api, balances, bridge,
    state_call, sudo,
};

const GENESIS: H256 = H256([0x42; 32]);

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2048)
}

fn alice() -> schnorrkel::Keypair {
    schnorrkel::MiniSecretKey::from_bytes(&[1; 32])
        .unwrap()
        .expand_to_keypair(schnorrkel::ExpansionMode::Ed25519)
}

/// A valid signed extrinsic of `call` by the key above, nonce 0, immortal.
fn signed(call: &RuntimeCall) -> Vec<u8> {
    let key = alice();
    let extra = Extra { era: Era::Immortal, nonce: 0, tip: 0, mode: Mode::Disabled };
    let implicit = extrinsic::implicit(SPEC_VERSION, TX_VERSION, GENESIS, GENESIS);
    extrinsic::build_signed(call, AccountId32(key.public.to_bytes()), extra, &implicit, |m| {
        MultiSignature::Sr25519(key.sign_simple(b"substrate", m).to_bytes())
    })
}

fn sample_calls() -> Vec<RuntimeCall> {
    let to = AccountId32([7; 32]);
    vec![
        RuntimeCall::Balances(balances::Call::transfer_keep_alive { dest: to.into(), value: 5 }),
        RuntimeCall::Bridge(bridge::Call::lock {
            amount: 1_000_000_000,
            eth_recipient: tao_node::primitives::H160([9; 20]),
        }),
        RuntimeCall::Bridge(bridge::Call::attest { block: 3, signature: vec![1; 65] }),
        RuntimeCall::Bridge(bridge::Call::recover_batch { block: 3, refund: vec![1, 2, 3] }),
        RuntimeCall::Sudo(sudo::Call::sudo {
            call: Box::new(RuntimeCall::Bridge(bridge::Call::set_mint_capacity { capacity: 9 })),
        }),
    ]
}

/// The genesis state of the dev chain, with its Alice swapped for the key above (so valid
/// extrinsics pass the signature and fee checks and reach the call).
fn state() -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut spec = ChainSpec::dev();
    let me = format!("0x{}", hex::encode(alice().public.to_bytes()));
    spec.genesis.balances.push((me, 1_000_000_000_000));
    spec.build_state().unwrap()
}

/// Validates `bytes` as the pool would (the runtime's checks, then the call is not applied).
fn validate(state: &BTreeMap<Vec<u8>, Vec<u8>>, bytes: &[u8]) {
    let rt = Runtime { genesis_hash: GENESIS };
    let mut ext = Ext::new(state);
    rt.initialize_block(
        &mut ext,
        &BlockContext { number: 1, parent_hash: GENESIS, timestamp_ms: 0 },
    );
    // The block-hash map holds only what genesis wrote; birth hash 0 is the genesis hash.
    let _ = rt.validate(&mut ext, bytes, true);
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Insert { at: usize, byte: u8 },
    Remove { at: usize },
    Truncate { len: usize },
    Prefix(u32),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        1 => any::<usize>().prop_map(|at| Mutation::Remove { at }),
        1 => any::<usize>().prop_map(|len| Mutation::Truncate { len }),
        1 => any::<u32>().prop_map(Mutation::Prefix),
    ]
}

fn apply(mut bytes: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let n = bytes.len().max(1);
    match *m {
        Mutation::Flip { at, mask } => {
            if let Some(b) = bytes.get_mut(at % n) {
                *b ^= mask;
            }
        }
        Mutation::Insert { at, byte } => bytes.insert(at % (bytes.len() + 1), byte),
        Mutation::Remove { at } => {
            if !bytes.is_empty() {
                bytes.remove(at % bytes.len());
            }
        }
        Mutation::Truncate { len } => bytes.truncate(len % n),
        Mutation::Prefix(declared) => {
            // Replace the compact length prefix by another.
            let body = UncheckedExtrinsic::decode_opaque(&bytes)
                .map(|_| ())
                .ok()
                .and_then(|()| {
                    let prefix_len =
                        Compact::<u32>(u32::try_from(bytes.len()).unwrap_or(0)).encoded_size();
                    bytes.get(prefix_len.min(bytes.len())..).map(<[u8]>::to_vec)
                })
                .unwrap_or_default();
            bytes = Compact(declared).encode();
            bytes.extend_from_slice(&body);
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Any bytes: `decode_opaque` answers, and the pool's checks answer.
    #[test]
    fn arbitrary_bytes_never_panic_the_extrinsic_decoder(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = UncheckedExtrinsic::decode_opaque(&bytes);
        // With a correct length prefix, so the decoder gets past it.
        let prefixed = tao_node::primitives::with_length_prefix(&bytes);
        let _ = UncheckedExtrinsic::decode_opaque(&prefixed);
    }

    /// Valid extrinsics, mutated: decoding and validation give an answer; an unmutated one
    /// decodes to its call.
    #[test]
    fn mutated_extrinsics_are_decoded_or_refused(
        which in 0..5usize,
        mutations in prop::collection::vec(mutation(), 0..4),
    ) {
        let calls = sample_calls();
        let call = &calls[which];
        let good = signed(call);
        if mutations.is_empty() {
            prop_assert_eq!(&UncheckedExtrinsic::decode_opaque(&good).unwrap().call, call);
        }
        let bytes = mutations.iter().fold(good, apply);
        let _ = UncheckedExtrinsic::decode_opaque(&bytes);
        validate(&STATE.with(Clone::clone), &bytes);
    }

    /// Every runtime API of `state_call`, with any input bytes.
    #[test]
    fn runtime_api_inputs_never_panic(
        api_index in any::<usize>(),
        data in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let methods: Vec<String> = api::APIS
            .iter()
            .flat_map(|a| a.methods.iter().map(move |m| format!("{}_{}", a.name, m.name())))
            .collect();
        let method = &methods[api_index % methods.len()];
        let state = STATE.with(Clone::clone);
        let at = state_call::CallAt {
            runtime: Runtime { genesis_hash: GENESIS },
            number: 0,
            hash: GENESIS,
        };
        let _ = state_call::call(&state, &at, method, &data);
    }
}

thread_local! {
    static STATE: BTreeMap<Vec<u8>, Vec<u8>> = state();
}

/// Valid extrinsics pass all the checks here, so the fuzzing above reaches the deep paths.
#[test]
fn the_fuzzed_extrinsics_are_valid_before_mutation() {
    let state = state();
    let rt = Runtime { genesis_hash: GENESIS };
    for call in sample_calls() {
        let mut ext = Ext::new(&state);
        rt.initialize_block(
            &mut ext,
            &BlockContext { number: 1, parent_hash: GENESIS, timestamp_ms: 0 },
        );
        let bytes = signed(&call);
        rt.validate(&mut ext, &bytes, true).unwrap_or_else(|e| panic!("{call:?}: {e:?}"));
    }
}

/// Length prefixes that claim far more than is there: refused before anything is allocated.
#[test]
fn huge_length_prefixes_are_refused_without_allocating() {
    let before = rss_kib();
    for declared in [u32::MAX, 1 << 30, (MAX_EXTRINSIC_LEN as u32) + 1] {
        let mut bytes = Compact(declared).encode();
        bytes.extend_from_slice(&[0x84, 0, 1, 2, 3]);
        assert!(UncheckedExtrinsic::decode_opaque(&bytes).is_err());
    }
    // A correct outer prefix, then a call whose `Vec<u8>` claims 1 GiB with 3 bytes behind it.
    let mut body = vec![0x04, 40, 1]; // unsigned v4, Bridge, attest
    body.extend_from_slice(&7u32.encode());
    body.extend_from_slice(&Compact(1u32 << 30).encode());
    body.extend_from_slice(&[1, 2, 3]);
    let bytes = tao_node::primitives::with_length_prefix(&body);
    let err = UncheckedExtrinsic::decode_opaque(&bytes).unwrap_err();
    assert!(err.to_string().contains("call"), "{err}");
    // And a runtime-API input doing the same (`query_info`'s `Vec<u8>`).
    let state = state();
    let at =
        state_call::CallAt { runtime: Runtime { genesis_hash: GENESIS }, number: 0, hash: GENESIS };
    let mut data = Compact(u32::MAX).encode();
    data.extend_from_slice(&[0; 8]);
    assert!(state_call::call(&state, &at, "TransactionPaymentApi_query_info", &data).is_err());
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 64 * 1024, "decoding grew the process by {grown} KiB");
}

/// `sudo(sudo(…(call)))` nested past the depth limit, in an extrinsic as big as allowed: an
/// error, not a stack overflow.
#[test]
fn calls_nested_past_the_limit_are_refused() {
    let depth = 100_000;
    let mut call = Vec::with_capacity(depth * 2 + 8);
    for _ in 0..depth {
        call.extend_from_slice(&[12, 0]); // Sudo.sudo
    }
    call.extend_from_slice(
        &RuntimeCall::Bridge(bridge::Call::set_mint_capacity { capacity: 1 }).encode(),
    );
    let mut body = vec![0x04];
    body.extend_from_slice(&call);
    let bytes = tao_node::primitives::with_length_prefix(&body);
    let err = UncheckedExtrinsic::decode_opaque(&bytes).unwrap_err();
    assert!(err.to_string().contains("call"), "{err}");
    validate(&state(), &bytes);
}

/// Resident memory of this process, from `/proc/self/status`.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
