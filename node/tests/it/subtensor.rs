//! SubtensorModule against the real binary, driven by subxt's dynamic API with the dev keys:
//! register a validator and a miner on the `--dev` demo subnet (netuid 1, tempo 10), stake, set
//! weights, and see incentive and dividends arrive; then a crash in the middle of an epoch's
//! payout, and a restart with the state intact.

use std::time::{Duration, Instant};

use subxt::dynamic::{self, Value};
use subxt::utils::AccountId32;
use subxt::{OnlineClient, PolkadotConfig};
use subxt_signer::sr25519::{Keypair, dev};

use super::{DEADLINE, Node, TAO, within};

const NETUID: u16 = 1;

type Api = OnlineClient<PolkadotConfig>;

async fn submit<Call: subxt::tx::Payload>(api: &Api, call: &Call, signer: &Keypair) {
    let at = within(api.at_current_block()).await.unwrap();
    within(async {
        at.transactions()
            .sign_and_submit_then_watch_default(call, signer)
            .await?
            .wait_for_finalized_success()
            .await
            .map_err(subxt::Error::from)
    })
    .await
    .expect("extrinsic succeeded");
}

fn id(k: &Keypair) -> AccountId32 {
    AccountId32(k.public_key().0)
}

/// `Sudo.sudo(AdminUtils.sudo_set_weights_set_rate_limit(netuid, 0))`.
fn no_weights_rate_limit() -> subxt::tx::DynamicPayload<Vec<Value>> {
    let inner = Value::unnamed_variant(
        "AdminUtils",
        [Value::named_variant(
            "sudo_set_weights_set_rate_limit",
            [
                ("netuid", Value::u128(u128::from(NETUID))),
                ("weights_set_rate_limit", Value::u128(0)),
            ],
        )],
    );
    dynamic::transaction("Sudo", "sudo", vec![inner])
}

/// A SubtensorModule storage value (`None` when absent).
async fn fetch<Addr: subxt::storage::Address>(
    api: &Api,
    addr: Addr,
    key: Addr::KeyParts,
) -> Option<Addr::Value> {
    let at = within(api.at_current_block()).await.unwrap();
    within(at.storage().try_fetch(addr, key)).await.unwrap().map(|v| v.decode().unwrap())
}

async fn vector<T>(api: &Api, item: &str) -> Vec<T>
where
    T: subxt::ext::scale_decode::DecodeAsType,
{
    let addr = dynamic::storage::<(u16,), Vec<T>>("SubtensorModule", item);
    fetch(api, addr, (NETUID,)).await.unwrap_or_default()
}

async fn uid(api: &Api, hotkey: &Keypair) -> usize {
    let addr = dynamic::storage::<(u16, AccountId32), u16>("SubtensorModule", "Uids");
    usize::from(fetch(api, addr, (NETUID, id(hotkey))).await.expect("registered"))
}

async fn stake(api: &Api, hotkey: &Keypair) -> u64 {
    let addr = dynamic::storage::<(AccountId32, u16), u64>("SubtensorModule", "TotalHotkeyAlpha");
    fetch(api, addr, (id(hotkey), NETUID)).await.unwrap_or(0)
}

/// Wait (polling the chain, no fixed sleep) until `check` holds; panic with `what` at the
/// deadline.
async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Bob registers as a validator and stakes 1 000 TAO, Charlie registers as a miner; once Bob
/// holds a validator permit he weights Charlie. Returns (bob's uid, charlie's uid).
async fn validator_and_miner(api: &Api) -> (usize, usize) {
    let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());
    submit(api, &no_weights_rate_limit(), &alice).await;
    let register = |k: &Keypair| {
        dynamic::transaction(
            "SubtensorModule",
            "burned_register",
            vec![Value::u128(u128::from(NETUID)), Value::from_bytes(k.public_key().0)],
        )
    };
    submit(api, &register(&bob), &bob).await;
    submit(api, &register(&charlie), &charlie).await;
    let add_stake = dynamic::transaction(
        "SubtensorModule",
        "add_stake",
        vec![
            Value::from_bytes(bob.public_key().0),
            Value::u128(u128::from(NETUID)),
            Value::u128(u128::from(1_000 * TAO)),
        ],
    );
    submit(api, &add_stake, &bob).await;
    let (b, c) = (uid(api, &bob).await, uid(api, &charlie).await);
    until("Bob's validator permit", || async {
        vector::<bool>(api, "ValidatorPermit").await.get(b).copied().unwrap_or(false)
    })
    .await;
    let set_weights = dynamic::transaction(
        "SubtensorModule",
        "set_weights",
        vec![
            Value::u128(u128::from(NETUID)),
            Value::unnamed_composite([Value::u128(c as u128)]),
            Value::unnamed_composite([Value::u128(65_535)]),
            Value::u128(0),
        ],
    );
    submit(api, &set_weights, &bob).await;
    (b, c)
}

#[tokio::test]
async fn register_stake_and_weights_then_incentive_and_dividends_arrive() {
    let dir = tempfile::tempdir().unwrap();
    let node = Node::start(dir.path(), &["--dev", "--block-time", "100ms"]);
    let api = node.client().await;
    let (bob, charlie) = (dev::bob(), dev::charlie());
    let (b, c) = validator_and_miner(&api).await;
    // Epochs before any weights already paid Bob by stake (no incentive: validators take all).
    let staked = stake(&api, &bob).await;
    assert!(staked >= 1_000 * TAO);
    until("incentive and dividends", || async {
        let incentive = vector::<u16>(&api, "Incentive").await;
        let dividends = vector::<u16>(&api, "Dividends").await;
        incentive.get(c).copied().unwrap_or(0) > 0 && dividends.get(b).copied().unwrap_or(0) > 0
    })
    .await;
    until("the payouts in stake", || async {
        stake(&api, &charlie).await > 0 && stake(&api, &bob).await > staked
    })
    .await;
    let consensus = vector::<u16>(&api, "Consensus").await;
    assert!(consensus[c] > 0, "{consensus:?}");
}

/// The ledger identity of the module docs, every term read at one block.
async fn ledgers_add_up(api: &Api) {
    let at = within(api.at_current_block()).await.unwrap();
    let read = |pallet: &'static str, item: &'static str, netuid: Option<u16>| {
        let at = at.clone();
        async move {
            let value = match netuid {
                None => {
                    let addr = dynamic::storage::<(), u64>(pallet, item);
                    within(at.storage().try_fetch(addr, ())).await.unwrap()
                }
                Some(n) => {
                    let addr = dynamic::storage::<(u16,), u64>(pallet, item);
                    within(at.storage().try_fetch(addr, (n,))).await.unwrap()
                }
            };
            value.map_or(0, |v| v.decode().unwrap())
        }
    };
    let issuance = read("SubtensorModule", "TotalIssuance", None).await;
    let balances = read("Balances", "TotalIssuance", None).await;
    let staked = read("SubtensorModule", "TotalStake", None).await;
    let mut rest = 0u64;
    for netuid in [0u16, NETUID] {
        for item in [
            "SubnetLocked",
            "PendingServerEmission",
            "PendingValidatorEmission",
            "PendingOwnerCut",
            "PendingRootAlphaDivs",
        ] {
            rest += read("SubtensorModule", item, Some(netuid)).await;
        }
    }
    assert_eq!(issuance, balances + staked + rest, "TotalIssuance = Σ ledgers at one block");
}

#[tokio::test]
async fn crash_in_the_middle_of_an_epoch_payout_then_restart() {
    let dir = tempfile::tempdir().unwrap();
    let node =
        Node::start(dir.path(), &["--dev", "--block-time", "100ms", "--crash-at", "epoch_payout"]);
    let api = node.client().await;
    let (bob, charlie) = (dev::bob(), dev::charlie());
    // The crash point waits for an epoch that pays both incentive and dividends: the first one
    // after Bob's weights aborts the process inside its payout.
    let (b, c) = validator_and_miner(&api).await;
    let head = within(api.at_current_block()).await.unwrap().block_number();
    let bob_before = stake(&api, &bob).await;
    drop(api);
    let status = node.0.wait_exit(DEADLINE).expect("the node aborted at the crash point");
    assert!(!status.success(), "{status:?}");

    let node = Node::start(dir.path(), &["--dev", "--block-time", "100ms"]);
    let api = node.client().await;
    let at = within(api.at_current_block()).await.unwrap();
    assert!(at.block_number() >= head, "restarted at {} < {head}", at.block_number());
    // Everything before the crashed block is there; nothing of it is.
    assert_eq!(uid(&api, &bob).await, b);
    assert_eq!(uid(&api, &charlie).await, c);
    assert_eq!(stake(&api, &bob).await, bob_before, "nothing of the crashed block");
    // An earlier epoch may already have paid Charlie incentive (the first epoch after Bob's
    // weights can have no dividends yet, so it does not stop at the crash point); what counts is
    // that the crashed epoch's payout is not half there and is paid once it runs again.
    let charlie_before = stake(&api, &charlie).await;
    ledgers_add_up(&api).await;
    // The epoch runs again in the re-produced block and pays out.
    until("dividends after the restart", || async { stake(&api, &bob).await > bob_before }).await;
    assert!(stake(&api, &charlie).await > charlie_before, "incentive after the restart");
    ledgers_add_up(&api).await;
}
