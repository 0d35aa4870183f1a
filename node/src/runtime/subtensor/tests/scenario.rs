//! A multi-epoch subnet — 3 validators, 10 miners, weights that change every epoch and a
//! deregistration — whose stored epoch outputs equal `yuma::epoch` run directly on inputs this
//! test keeps itself (weights as submitted, registration and update blocks, the previous
//! epoch's permits and bonds), and whose payouts equal the epoch's emissions.

use super::*;
use crate::runtime::subtensor::staking;

/// What the test knows about the subnet, independently of the chain's glue.
struct Model {
    n: u16,
    weights: Vec<Vec<(u16, u16)>>,
    bonds: Vec<Vec<(u16, u16)>>,
    last_update: Vec<u64>,
    registered: Vec<u64>,
    permits: Vec<bool>,
    last_epoch: u64,
}

impl Model {
    fn register(&mut self, uid: u16, block: u64) {
        let i = usize::from(uid);
        if uid < self.n {
            // Replaced: its rows go, weights on it are zeroed, its permit is dropped.
            self.weights[i].clear();
            self.bonds[i].clear();
            for row in &mut self.weights {
                for (j, w) in row.iter_mut() {
                    if *j == uid {
                        *w = 0;
                    }
                }
            }
            self.permits[i] = false;
            self.last_update[i] = block;
            self.registered[i] = block;
        } else {
            self.n += 1;
            self.weights.push(vec![]);
            self.bonds.push(vec![]);
            self.last_update.push(block);
            self.registered.push(block);
            self.permits.push(false);
        }
    }

    fn input(&self, block: u64, stake: Vec<u64>, rao: u64) -> yuma::EpochInput {
        yuma::EpochInput {
            n: self.n,
            current_block: block,
            last_mechanism_step_block: self.last_epoch,
            rao_emission: rao,
            stake,
            tao_stake: vec![],
            weights: self.weights.clone(),
            bonds: self.bonds.clone(),
            last_update: self.last_update.clone(),
            block_at_registration: self.registered.clone(),
            validator_permit: self.permits.clone(),
            commit_blocks: None,
            hyperparameters: yuma::Hyperparameters {
                tempo: TEMPO,
                activity_cutoff: yuma::activity_cutoff(13_889, TEMPO),
                max_allowed_validators: 64,
                owner_uid: Some(0),
                ..yuma::Hyperparameters::new_subnet()
            },
        }
    }
}

#[test]
fn stored_outputs_equal_yuma_on_the_same_inputs() {
    let (mut net, keys) = net(30);
    net.no_weights_rate_limit(NET);
    // No epochs while the subnet fills up; they start with the tempo set below.
    net.sudo(admin_utils::Call::sudo_set_tempo { netuid: NET, tempo: 0 }).unwrap();
    let mut model = Model {
        n: 1,
        weights: vec![vec![]],
        bonds: vec![vec![]],
        last_update: vec![0],
        registered: vec![0],
        permits: vec![false],
        last_epoch: 0,
    };
    // Validators: coldkeys 2..=4 with hotkeys 5..=7; miners: keys 8..=17 (own coldkeys).
    let validators: Vec<(&Key, &Key)> = (1..=3).map(|i| (&keys[i], &keys[i + 3])).collect();
    let miners: Vec<&Key> = keys[7..17].iter().collect();
    for (c, h) in &validators {
        let uid = net.register(c, h, NET);
        model.register(uid, u64::from(net.number));
    }
    for m in &miners {
        let uid = net.register(m, m, NET);
        model.register(uid, u64::from(net.number));
    }
    for (i, (c, h)) in validators.iter().enumerate() {
        net.stake(c, h, NET, tao(100 * (i as u64 + 1)));
    }
    assert_eq!(model.n, 14);
    // Room for exactly these 14, short immunity: a registration now replaces someone.
    net.write(|ext| {
        s::MAX_ALLOWED_UIDS.insert(ext, &NET, &14);
        s::IMMUNITY_PERIOD.insert(ext, &NET, &3);
    });
    net.sudo(admin_utils::Call::sudo_set_tempo { netuid: NET, tempo: TEMPO }).unwrap();
    let start = u64::from(net.number);

    let per_block_server_validator = 410_002_288 + 410_002_290;
    let mut checked = 0;
    for epoch in 0..6u64 {
        // Validators weight the miners, differently each epoch; the third validator ignores
        // miner 0 from epoch 2 on (so it is the one pruned in epoch 4).
        let next_epoch_block = start + u64::from(TEMPO) * (epoch + 1);
        if epoch >= 1 {
            for (v, (_, h)) in validators.iter().enumerate() {
                let v_uid = 1 + v as u16;
                let mut dests = vec![];
                let mut values = vec![];
                for (m, _) in miners.iter().enumerate() {
                    let m_uid = 4 + m as u16;
                    let w = ((m as u64 * 7 + v as u64 * 3 + epoch * 5) % 11) as u16 * 100;
                    let w = if m == 0 && epoch >= 2 { 0 } else { w + 1 };
                    dests.push(m_uid);
                    values.push(w);
                }
                let call = Call::set_weights {
                    netuid: NET,
                    dests: dests.clone(),
                    weights: values.clone(),
                    version_key: 0,
                };
                net.call(h, call).unwrap();
                let row: Vec<(u16, u16)> = dests
                    .into_iter()
                    .zip(yuma::math::vector::vec_u16_max_upscale_to_u16(&values))
                    .collect();
                model.weights[usize::from(v_uid)] = row;
                model.last_update[usize::from(v_uid)] = u64::from(net.number);
            }
        }
        if epoch == 4 {
            // Deregistration: miner 0 earned nothing last epoch and is past its immunity.
            let newcomer = &keys[20];
            let uid = net.register(newcomer, newcomer, NET);
            assert_eq!(uid, 4, "the miner without emission is replaced");
            model.register(uid, u64::from(net.number));
        }
        net.run_to(next_epoch_block as u32 - 1);
        // The inputs right before the epoch block.
        let stake: Vec<u64> = net.read(|ext| {
            (0..model.n)
                .map(|uid| {
                    let hk = s::KEYS.get(ext, &NET, &uid);
                    staking::hotkey_stake(ext, &hk, NET)
                })
                .collect()
        });
        let pending = net.read(|ext| {
            s::PENDING_SERVER_EMISSION.get(ext, &NET) + s::PENDING_VALIDATOR_EMISSION.get(ext, &NET)
        });
        let rao = pending + per_block_server_validator;
        let input = model.input(next_epoch_block, stake.clone(), rao);
        let want = yuma::epoch(&input);
        net.block(&[]);

        net.read(|ext| {
            assert_eq!(s::CONSENSUS.get(ext, &NET), want.consensus, "consensus, epoch {epoch}");
            assert_eq!(s::INCENTIVE.get(ext, &NET), want.incentive, "incentive, epoch {epoch}");
            assert_eq!(s::DIVIDENDS.get(ext, &NET), want.dividends, "dividends, epoch {epoch}");
            assert_eq!(s::VALIDATOR_TRUST.get(ext, &NET), want.validator_trust);
            assert_eq!(s::VALIDATOR_PERMIT.get(ext, &NET), want.new_validator_permit);
            assert_eq!(s::ACTIVE.get(ext, &NET), want.active);
            assert_eq!(s::STAKE_WEIGHT.get(ext, &NET), want.stake_weight);
            assert_eq!(s::EMISSION.get(ext, &NET), want.combined_emission);
            for uid in 0..model.n {
                assert_eq!(
                    s::BONDS.get(ext, &NET, &uid),
                    want.bonds[usize::from(uid)],
                    "bonds row {uid}"
                );
            }
            // Payouts: every non-owner miner's stake grew by exactly its server emission.
            for uid in 4..model.n {
                let hk = s::KEYS.get(ext, &NET, &uid);
                let gained = staking::hotkey_stake(ext, &hk, NET) - stake[usize::from(uid)];
                assert_eq!(gained, want.server_emission[usize::from(uid)], "miner {uid}");
            }
        });
        super::accounting::check_ledgers(&net);
        if want.incentive.iter().any(|&i| i > 0) {
            checked += 1;
        }
        model.bonds = want.bonds.clone();
        model.permits = want.new_validator_permit.clone();
        model.last_epoch = next_epoch_block;
    }
    assert!(checked >= 4, "epochs with incentive: {checked}");
}
