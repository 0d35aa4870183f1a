//! The result types are subtensor's, field for field: the clients decode them by the names and
//! types the metadata declares, and their legacy decoders (and any other chain's client) by
//! position. Each list below is the field order of the struct in subtensor's `rpc_info`
//! (`opentensor/subtensor` @14bc6f9), with `c:` marking a `Compact` field.

use scale_info::{TypeDef, TypeInfo};

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

#[test]
fn method_names_are_unique_within_their_api() {
    for (api, _, methods) in APIS {
        let mut names: Vec<&str> = methods.iter().map(|m| m.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), methods.len(), "{api}");
    }
    let all: usize = APIS.iter().map(|(_, _, m)| m.len()).sum();
    assert_eq!(all, 14, "every Method is in exactly one API");
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
