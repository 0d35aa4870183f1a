//! The result types are subtensor's, field for field: the clients decode them by the names and
//! types the metadata declares, and their legacy decoders (and any other chain's client) by
//! position. Each list below is the field order of the struct in subtensor's `rpc_info`
//! (`opentensor/subtensor` @14bc6f9), with `c:` marking a `Compact` field.

use scale_info::{TypeDef, TypeInfo};

use parity_scale_codec::Encode;

use super::*;

/// `name` or `c:name` for each field of `T`, in order.
fn fields<T: TypeInfo>() -> Vec<String> {
    let TypeDef::Composite(c) = T::type_info().type_def else { panic!("not a struct") };
    c.fields
        .iter()
        .map(|f| {
            let compact = f.ty.type_info().type_def;
            let prefix = if matches!(compact, TypeDef::Compact(_)) { "c:" } else { "" };
            format!("{prefix}{}", f.name.unwrap())
        })
        .collect()
}

fn split(spec: &str) -> Vec<String> {
    spec.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn dynamic_info_is_subtensors() {
    assert_eq!(
        fields::<DynamicInfo>(),
        split(
            "c:netuid owner_hotkey owner_coldkey subnet_name token_symbol c:tempo c:last_step \
             c:blocks_since_last_step c:emission c:alpha_in c:alpha_out c:tao_in \
             c:alpha_out_emission c:alpha_in_emission c:tao_in_emission \
             c:pending_alpha_emission c:pending_root_emission c:subnet_volume \
             c:network_registered_at subnet_identity moving_price"
        )
    );
}

#[test]
fn neuron_info_is_subtensors() {
    let lite = "hotkey coldkey c:uid c:netuid active axon_info prometheus_info stake c:rank \
                c:emission c:incentive c:consensus c:trust c:validator_trust c:dividends \
                c:last_update validator_permit";
    assert_eq!(fields::<NeuronInfoLite>(), split(&format!("{lite} c:pruning_score")));
    assert_eq!(fields::<NeuronInfo>(), split(&format!("{lite} weights bonds c:pruning_score")));
}

#[test]
fn stake_info_is_subtensors() {
    assert_eq!(
        fields::<StakeInfo>(),
        split(
            "hotkey coldkey c:netuid c:stake c:locked c:emission c:tao_emission c:drain \
             is_registered"
        )
    );
    assert_eq!(fields::<SubnetPrice>(), split("netuid price"));
}

#[test]
fn metagraph_is_subtensors() {
    assert_eq!(
        fields::<Metagraph>(),
        split(
            "c:netuid name symbol identity c:network_registered_at owner_hotkey owner_coldkey \
             c:block c:tempo c:last_step c:blocks_since_last_step c:subnet_emission c:alpha_in \
             c:alpha_out c:tao_in c:alpha_out_emission c:alpha_in_emission c:tao_in_emission \
             c:pending_alpha_emission c:pending_root_emission c:subnet_volume moving_price \
             c:rho c:kappa c:min_allowed_weights c:max_weights_limit c:weights_version \
             c:weights_rate_limit c:activity_cutoff c:max_validators c:num_uids c:max_uids \
             c:burn c:difficulty registration_allowed pow_registration_allowed \
             c:immunity_period c:min_difficulty c:max_difficulty c:min_burn c:max_burn \
             c:adjustment_alpha c:adjustment_interval c:target_regs_per_interval \
             c:max_regs_per_block c:serving_rate_limit commit_reveal_weights_enabled \
             c:commit_reveal_period liquid_alpha_enabled c:alpha_high c:alpha_low \
             c:bonds_moving_avg hotkeys coldkeys identities axons active validator_permit \
             pruning_score last_update emission dividends incentives consensus trust rank \
             block_at_registration alpha_stake tao_stake total_stake tao_dividends_per_hotkey \
             alpha_dividends_per_hotkey"
        )
    );
    assert_eq!(
        fields::<ChainIdentityV2>(),
        split("name url github_repo image discord description additional")
    );
}

#[test]
fn moving_price_is_substrate_fixed() {
    // Clients read `moving_price.bits` (an I96F32 as `substrate_fixed::FixedI128 { bits }`).
    let ty = substrate_fixed::types::I96F32::type_info();
    assert_eq!(ty.path.segments, ["substrate_fixed", "FixedI128"]);
    let TypeDef::Composite(c) = ty.type_def else { panic!("composite") };
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].name, Some("bits"));
}

/// The SubtensorModule methods of the runtime's API table, per API.
fn subtensor_apis() -> Vec<(&'static str, Vec<Method>)> {
    crate::runtime::api::APIS
        .iter()
        .filter_map(|a| {
            let ms: Vec<Method> = a
                .methods
                .iter()
                .filter_map(|m| match m {
                    crate::runtime::api::Method::Subtensor(m) => Some(*m),
                    _ => None,
                })
                .collect();
            (!ms.is_empty()).then_some((a.name, ms))
        })
        .collect()
}

#[test]
fn every_method_is_in_exactly_one_api() {
    let apis = subtensor_apis();
    let names: Vec<&str> = apis.iter().map(|(a, _)| *a).collect();
    assert_eq!(
        names,
        [
            "NeuronInfoRuntimeApi",
            "SubnetInfoRuntimeApi",
            "StakeInfoRuntimeApi",
            "SubnetRegistrationRuntimeApi",
            "SwapRuntimeApi"
        ]
    );
    let mut all: Vec<Method> = apis.into_iter().flat_map(|(_, ms)| ms).collect();
    let n = all.len();
    all.sort_unstable_by_key(|m| m.name());
    all.dedup();
    assert_eq!((n, all.len()), (14, 14), "every Method is in exactly one API");
}

#[test]
fn inputs_must_be_exact() {
    let state = std::collections::BTreeMap::new();
    let mut ext = Ext::new(&state);
    assert!(Method::GetNeuron.call(&mut ext, 0, &[1, 0]).is_err(), "uid missing");
    assert!(Method::GetNeurons.call(&mut ext, 0, &[1, 0, 0]).is_err(), "trailing byte");
    assert!(Method::GetAllDynamicInfo.call(&mut ext, 0, &[0]).is_err(), "no input expected");
    // An unknown subnet: empty answers, not errors.
    assert_eq!(Method::GetNeurons.call(&mut ext, 0, &[9, 0]).unwrap(), [0]);
    assert_eq!(Method::GetMetagraph.call(&mut ext, 0, &[9, 0]).unwrap(), [0]);
    assert_eq!(Method::GetStakeInfoForColdkeys.call(&mut ext, 0, &[0]).unwrap(), [0]);
    // One entry per coldkey asked, even without stake.
    let two = vec![AccountId32([1; 32]), AccountId32([2; 32])].encode();
    let out = Method::GetStakeInfoForColdkeys.call(&mut ext, 0, &two).unwrap();
    let decoded = Vec::<(AccountId32, Vec<StakeInfo>)>::decode(&mut &out[..]).unwrap();
    assert_eq!(decoded, [(AccountId32([1; 32]), vec![]), (AccountId32([2; 32]), vec![])]);
}

/// The `--dev` genesis (root, demo subnet 1 owned by //Alice) plus a synthetic full subnet 2
/// (12 uids, 3 staked validators weighting the rest, one epoch run), committed to a state.
fn dev_state_with_full_subnet() -> std::collections::BTreeMap<Vec<u8>, Vec<u8>> {
    use super::super::fixtures::{FullSubnet, full_subnet};
    let mut state = crate::runtime::genesis::ChainSpec::dev().build_state().unwrap();
    let mut ext = Ext::new(&state);
    let spec = FullSubnet { netuid: NetUid(2), n: 12, validators: 3, tempo: 10 };
    full_subnet(&mut ext, spec, 5);
    s::TOTAL_NETWORKS.put(&mut ext, &3);
    s::NETWORKS_ADDED.insert(&mut ext, &NetUid(2), &true);
    assert!(ext.overlay.fatal().is_none());
    for (k, v) in ext.overlay.into_changes() {
        match v {
            Some(v) => state.insert(k, v),
            None => state.remove(&k),
        };
    }
    state
}

fn call<T: Decode>(ext: &mut Ext<'_>, m: Method, input: impl Encode) -> T {
    let out = m.call(ext, 7, &input.encode()).unwrap();
    let mut bytes = &out[..];
    let v = T::decode(&mut bytes).unwrap();
    assert!(bytes.is_empty(), "{m:?} left bytes");
    v
}

#[test]
fn dynamic_info_lists_every_subnet_with_root_first() {
    let state = dev_state_with_full_subnet();
    let mut ext = Ext::new(&state);
    let all: Vec<Option<DynamicInfo>> = call(&mut ext, Method::GetAllDynamicInfo, ());
    let netuids: Vec<u16> = all.iter().map(|d| d.as_ref().unwrap().netuid.0).collect();
    assert_eq!(netuids, [0, 1, 2]);
    let root = all[0].as_ref().unwrap();
    let name: Vec<u8> = root.subnet_name.iter().map(|c| c.0).collect();
    assert_eq!(name, b"root");
    let demo = all[1].as_ref().unwrap();
    let alice = crate::runtime::genesis::ChainSpec::dev().genesis.sudo.unwrap();
    assert_eq!(format!("0x{}", hex::encode(demo.owner_coldkey.0)), alice);
    assert_eq!(demo.tempo.0, s::TEMPO.get(&mut ext, &NetUid(1)));
    let one: Option<DynamicInfo> = call(&mut ext, Method::GetDynamicInfo, NetUid(1));
    assert_eq!(one.as_ref(), Some(demo));
    let none: Option<DynamicInfo> = call(&mut ext, Method::GetDynamicInfo, NetUid(9));
    assert!(none.is_none());
}

#[test]
fn metagraph_and_neurons_agree_with_storage() {
    let state = dev_state_with_full_subnet();
    let mut ext = Ext::new(&state);
    let net = NetUid(2);
    let mg: Option<Metagraph> = call(&mut ext, Method::GetMetagraph, net);
    let mg = mg.unwrap();
    assert_eq!(mg.num_uids.0, 12);
    assert_eq!(mg.hotkeys.len(), 12);
    assert_eq!(mg.block.0, 7);
    assert_eq!(mg.blocks_since_last_step.0, 2, "last step at block 5");
    for uid in 0..12u16 {
        let hotkey = s::KEYS.get(&mut ext, &net, &uid);
        assert_eq!(mg.hotkeys[usize::from(uid)], hotkey);
        assert_eq!(mg.coldkeys[usize::from(uid)], s::OWNER.get(&mut ext, &hotkey));
        let stake = s::TOTAL_HOTKEY_ALPHA.get(&mut ext, &hotkey, &net);
        assert_eq!(mg.alpha_stake[usize::from(uid)].0, stake);
        assert_eq!(mg.total_stake[usize::from(uid)].0, stake);
    }
    assert!(mg.alpha_stake[3].0 > 0 && mg.alpha_stake[5].0 == 0, "validators 1..=3 staked");
    assert_eq!(mg.validator_permit, s::VALIDATOR_PERMIT.get(&mut ext, &net));
    let incentive: Vec<u16> = mg.incentives.iter().map(|c| c.0).collect();
    assert_eq!(incentive, s::INCENTIVE.get(&mut ext, &net));
    assert!(incentive.iter().any(|i| *i > 0), "the epoch paid incentive");

    let full: Vec<NeuronInfo> = call(&mut ext, Method::GetNeurons, net);
    let lite: Vec<NeuronInfoLite> = call(&mut ext, Method::GetNeuronsLite, net);
    assert_eq!(full.len(), 12);
    assert_eq!(lite.len(), 12);
    for (uid, (f, l)) in full.iter().zip(&lite).enumerate() {
        assert_eq!(f.uid.0 as usize, uid);
        assert_eq!((f.hotkey, l.hotkey), (mg.hotkeys[uid], mg.hotkeys[uid]));
        assert_eq!(f.stake, [(mg.coldkeys[uid], mg.alpha_stake[uid])]);
        assert_eq!(l.incentive.0, incentive[uid]);
        assert_eq!(f.pruning_score.0, u16::MAX);
    }
    // Validator 1's weights, without zeros, as stored.
    let row: Vec<(u16, u16)> = s::WEIGHTS.get(&mut ext, &net, &1);
    let want: Vec<(u16, u16)> = row.into_iter().filter(|(_, w)| *w > 0).collect();
    let got: Vec<(u16, u16)> = full[1].weights.iter().map(|(i, w)| (i.0, w.0)).collect();
    assert_eq!(got, want);
    assert!(!got.is_empty());
    let one: Option<NeuronInfo> = call(&mut ext, Method::GetNeuron, (net, 1u16));
    assert_eq!(one.as_ref(), Some(&full[1]));
    let past_end: Option<NeuronInfoLite> = call(&mut ext, Method::GetNeuronLite, (net, 12u16));
    assert!(past_end.is_none());
}

#[test]
fn stake_info_and_prices() {
    use super::super::fixtures::account;
    let state = dev_state_with_full_subnet();
    let mut ext = Ext::new(&state);
    let net = NetUid(2);
    let (cold, hot) = (account(net, 2, 1), account(net, 2, 2));
    let nobody = AccountId32([9; 32]);
    let infos: Vec<(AccountId32, Vec<StakeInfo>)> =
        call(&mut ext, Method::GetStakeInfoForColdkeys, vec![cold, nobody]);
    assert_eq!(infos.len(), 2);
    assert_eq!(infos[1], (nobody, vec![]));
    let (who, positions) = &infos[0];
    assert_eq!(*who, cold);
    assert_eq!(positions.len(), 1);
    let p = &positions[0];
    assert_eq!((p.hotkey, p.coldkey, p.netuid.0), (hot, cold, 2));
    assert_eq!(p.stake.0, 2_000_000_000_000);
    assert!(p.is_registered);
    let single: Vec<StakeInfo> = call(&mut ext, Method::GetStakeInfoForColdkey, cold);
    assert_eq!(&single, positions);
    let one: Option<StakeInfo> =
        call(&mut ext, Method::GetStakeInfoForHotkeyColdkeyNetuid, (hot, cold, net));
    assert_eq!(one.as_ref(), Some(p));

    let prices: Vec<SubnetPrice> = call(&mut ext, Method::CurrentAlphaPriceAll, ());
    let want: Vec<SubnetPrice> =
        [0, 1, 2].map(|netuid| SubnetPrice { netuid, price: 1_000_000_000 }).to_vec();
    assert_eq!(prices, want);
    let price: u64 = call(&mut ext, Method::CurrentAlphaPrice, net);
    assert_eq!(price, 1_000_000_000);
    let cost: u64 = call(&mut ext, Method::GetNetworkRegistrationCost, ());
    assert_eq!(cost, subnets::network_lock_cost(&mut ext));
}

#[test]
fn outer_enums_are_published_with_two_segments() {
    use crate::runtime::metadata::build_v15;
    use frame_metadata::RuntimeMetadata;
    let RuntimeMetadata::V15(md) = build_v15().1 else { panic!("v15") };
    let path = |id: u32| md.types.resolve(id).unwrap().path.segments.join("::");
    assert_eq!(path(md.outer_enums.event_enum_ty.id), "node_subtensor_runtime::RuntimeEvent");
    assert_eq!(path(md.outer_enums.call_enum_ty.id), "node_subtensor_runtime::RuntimeCall");
    // Pallet enums keep three or more segments (cyscale's `*::Event` would catch two).
    for p in &md.pallets {
        for ty in [p.event.as_ref().map(|e| e.ty.id), p.calls.as_ref().map(|c| c.ty.id)] {
            let Some(id) = ty else { continue };
            assert!(md.types.resolve(id).unwrap().path.segments.len() >= 3, "{}", path(id));
        }
    }
    // Every SubtensorModule API is declared with its methods.
    for (api, methods) in subtensor_apis() {
        let declared = md.apis.iter().find(|a| a.name == api).unwrap();
        let names: Vec<&str> = declared.methods.iter().map(|m| m.name.as_str()).collect();
        let want: Vec<&str> = methods.iter().map(|m| m.name()).collect();
        assert_eq!(names, want, "{api}");
    }
}

/// Bytes the `bittensor` SDK's own codec (`bittensor-core`) produces for these values from
/// tao-node's V15 metadata: `node/tests/python/vectors.py` (see there to regenerate). tao-node
/// must encode the same values to the same bytes, and decode them back.
#[test]
fn python_codec_vectors() {
    use crate::runtime::commitments::{BoundedVec, CommitmentInfo, Data, Registration};
    use parity_scale_codec::Compact as C;
    use substrate_fixed::types::I96F32;

    use super::super::types::{AxonInfo, PrometheusInfo, SubnetIdentityV3};

    fn check<T: Encode + Decode + PartialEq + std::fmt::Debug>(name: &str, value: T, hex: &str) {
        assert_eq!(hex::encode(value.encode()), hex, "{name}: tao-node encodes differently");
        let decoded = T::decode(&mut &hex::decode(hex).unwrap()[..]).unwrap();
        assert_eq!(decoded, value, "{name}: tao-node decodes differently");
    }
    let alice = AccountId32(hex_literal(
        "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d",
    ));
    let bob = AccountId32(hex_literal(
        "8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48",
    ));
    let axon = AxonInfo {
        block: 7,
        version: 3,
        ip: 2130706433,
        port: 8091,
        ip_type: 4,
        protocol: 4,
        placeholder1: 0,
        placeholder2: 0,
    };
    let prometheus =
        PrometheusInfo { block: 8, version: 1, ip: 2130706433, port: 9100, ip_type: 4 };
    let identity = SubnetIdentityV3 {
        subnet_name: b"demo".to_vec(),
        github_repo: b"gh".to_vec(),
        description: b"d".to_vec(),
        ..Default::default()
    };
    let bytes = |b: &[u8]| b.iter().copied().map(C).collect::<Vec<_>>();
    check(
        "DynamicInfo",
        DynamicInfo {
            netuid: C(1),
            owner_hotkey: alice,
            owner_coldkey: bob,
            subnet_name: bytes(b"demo"),
            token_symbol: bytes("α".as_bytes()),
            tempo: C(10),
            last_step: C(300),
            blocks_since_last_step: C(4),
            emission: C(0),
            alpha_in: C(5),
            alpha_out: C(70_000),
            tao_in: C(1 << 40),
            alpha_out_emission: C(1_000_000_000),
            alpha_in_emission: C(0),
            tao_in_emission: C(0),
            pending_alpha_emission: C(123_456_789),
            pending_root_emission: C(0),
            subnet_volume: C(1 << 70),
            network_registered_at: C(1),
            subnet_identity: Some(identity),
            moving_price: I96F32::from_bits(1 << 32),
        },
        DYNAMIC_INFO,
    );
    check(
        "NeuronInfo",
        NeuronInfo {
            hotkey: alice,
            coldkey: bob,
            uid: C(3),
            netuid: C(1),
            active: true,
            axon_info: axon,
            prometheus_info: prometheus,
            stake: vec![(bob, C(64))],
            rank: C(0),
            emission: C(16_384),
            incentive: C(65_535),
            consensus: C(1),
            trust: C(0),
            validator_trust: C(300),
            dividends: C(2),
            last_update: C(99),
            validator_permit: false,
            weights: vec![(C(0), C(65_535)), (C(5), C(7))],
            bonds: vec![(C(1), C(2))],
            pruning_score: C(65_535),
        },
        NEURON_INFO,
    );
    check(
        "StakeInfo",
        StakeInfo {
            hotkey: alice,
            coldkey: bob,
            netuid: C(2),
            stake: C(2_000_000_000_000),
            locked: C(0),
            emission: C(63),
            tao_emission: C(0),
            drain: C(0),
            is_registered: true,
        },
        STAKE_INFO,
    );
    check("SubnetPrice", SubnetPrice { netuid: 300, price: 1_000_000_000 }, SUBNET_PRICE);
    let fields = vec![Data::Raw(b"hello".to_vec()), Data::Sha256([0x11; 32]), Data::ResetBondsFlag];
    check(
        "Registration",
        Registration {
            deposit: 0,
            block: 42,
            info: CommitmentInfo { fields: BoundedVec::new(fields).unwrap() },
        },
        REGISTRATION,
    );
}

fn hex_literal(h: &str) -> [u8; 32] {
    hex::decode(h).unwrap().try_into().unwrap()
}

const DYNAMIC_INFO: &str = concat!(
    "04d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d8eaf04151687736326c9fe",
    "a17e25fc5287613693c912909cb226aa4794f26a481091019501b501bd01083903c50228b104100014c24504",
    "000b00000000000102286bee000056346f1d001700000000000000004004011064656d6f0867680000000464",
    "000000000000010000000000000000000000",
);
const NEURON_INFO: &str = concat!(
    "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d8eaf04151687736326c9fea1",
    "7e25fc5287613693c912909cb226aa4794f26a480c04010700000000000000030000000100007f0000000000",
    "000000000000009b1f040400000800000000000000010000000100007f0000000000000000000000008c2304",
    "048eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a4801010002000100feff0300",
    "0400b104088d01000800feff0300141c040408feff0300",
);
const STAKE_INFO: &str = concat!(
    "d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d8eaf04151687736326c9fea1",
    "7e25fc5287613693c912909cb226aa4794f26a48080b00204aa9d10100fc000001",
);
const SUBNET_PRICE: &str = "2c0100ca9a3b00000000";
const REGISTRATION: &str = concat!(
    "00000000000000002a0000000c0668656c6c6f83111111111111111111111111111111111111111111111111",
    "111111111111111187",
);
