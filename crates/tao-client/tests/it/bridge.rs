//! Bridge calls through the typed client: lock, attest (real EIP-712 signatures), approve_release.

use futures::StreamExt;
use tao_client::api::bridge::Event as BridgeEvent;
use tao_client::{Address, BridgeError, Rao, RelayerInfo, ReleaseOutcome, dev};
use wtao_bridge_types::{
    B256, BridgeDomain, Mint, SigningKey, mint_batch_digest, sign_digest, signer_address,
};

use super::{TAO, devnet, id, within};

fn key(byte: u8) -> SigningKey {
    SigningKey::from_slice(&[byte; 32]).unwrap()
}

#[tokio::test]
async fn lock_emits_locked_with_nonce_and_fills_custody() {
    let net = devnet().await;
    let c = &net.client;
    let alice = dev::alice();
    let recipient = Address::repeat_byte(0x11);
    let custody0 = within(c.bridge_custody_balance()).await.unwrap();
    let mut blocks = within(c.finalized_blocks()).await.unwrap();

    let first = within(c.lock(&alice, Rao(2 * TAO), recipient)).await.unwrap();
    assert_eq!((first.nonce, first.from, first.amount), (0, id(&alice), Rao(2 * TAO)));
    assert_eq!(first.eth_recipient, recipient);
    let second = within(c.lock(&alice, Rao(3), recipient)).await.unwrap();
    assert_eq!(second.nonce, 1);
    assert_eq!(within(c.bridge_custody_balance()).await.unwrap(), Rao(custody0.0 + 2 * TAO + 3));
    // The batch of the first lock's block, as relayers will sign it.
    let block = u32::try_from(first.tx.block_number).unwrap();
    let batch = within(c.locks_in_block(block)).await.unwrap();
    assert_eq!(batch, vec![Mint::new(0, B256::from(id(&alice).0), recipient, Rao(2 * TAO))]);

    // The finalized stream shows both locks, each in its block, in order, every block once.
    let mut seen = Vec::new();
    let mut numbers = Vec::new();
    while seen.len() < 2 {
        let b = within(blocks.next()).await.expect("stream open").unwrap();
        numbers.push(b.number);
        for e in b.events {
            if let BridgeEvent::Locked { nonce, amount, .. } = e {
                seen.push((b.number, nonce, amount));
            }
        }
    }
    assert_eq!(seen, vec![(first.tx.block_number, 0, 2 * TAO), (second.tx.block_number, 1, 3)]);
    assert_eq!(numbers, vec![0, 1, 2]);
    // Resuming from a given block replays it.
    let mut again = within(c.finalized_blocks_from(first.tx.block_number)).await.unwrap();
    let b = within(again.next()).await.expect("stream open").unwrap();
    assert_eq!(b.number, first.tx.block_number);
    assert!(matches!(b.events[..], [BridgeEvent::Locked { nonce: 0, .. }]), "{:?}", b.events);

    // Zero is refused by the pallet.
    let err = within(c.lock(&alice, Rao(0), recipient)).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Bridge", "ZeroAmount")), "{err}");
}

#[tokio::test]
async fn attest_accepts_a_relayer_signature_and_rejects_a_forged_one() {
    let net = devnet().await;
    let c = &net.client;
    let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());
    let keys = [key(1), key(2), key(3)];
    let relayers: Vec<RelayerInfo> = [&alice, &bob, &charlie]
        .iter()
        .zip(&keys)
        .map(|(k, sk)| RelayerInfo { account: id(k), eth_address: signer_address(sk) })
        .collect();
    within(c.sudo_set_relayers(&alice, &relayers, 2)).await.unwrap();
    let bridge = Address::repeat_byte(0xb7);
    within(c.sudo_set_domain(&alice, 31_337, bridge)).await.unwrap();
    // Only root may do that.
    let err = within(c.sudo_set_relayers(&bob, &relayers, 1)).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Sudo", "RequireSudo")), "{err}");

    let lock =
        within(c.lock(&dev::dave(), Rao(5 * TAO), Address::repeat_byte(0x22))).await.unwrap();
    let block = u32::try_from(lock.tx.block_number).unwrap();
    let mints = [Mint::new(lock.nonce, B256::from(lock.from.0), lock.eth_recipient, lock.amount)];
    let digest = mint_batch_digest(&BridgeDomain::new(31_337, bridge), &mints);

    // A relayer's signature, submitted by anyone: accepted, signer recovered.
    let sig = sign_digest(&keys[1], digest).unwrap();
    let signer = within(c.attest(&dev::eve(), block, &sig)).await.unwrap();
    assert_eq!(signer, relayers[1].eth_address);

    // Forged: a key outside the relayer set, and a signature over another domain.
    let forged = sign_digest(&key(9), digest).unwrap();
    let err = within(c.attest(&dev::eve(), block, &forged)).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Bridge", "UnknownSigner")), "{err}");
    assert_eq!(err.bridge_error(), Some(&BridgeError::UnknownSigner), "{err}");
    let other_domain = mint_batch_digest(&BridgeDomain::new(1, bridge), &mints);
    let wrong = sign_digest(&keys[0], other_domain).unwrap();
    let err = within(c.attest(&dev::eve(), block, &wrong)).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Bridge", "UnknownSigner")), "{err}");
    let mut garbage = sig;
    garbage[64] = 0;
    let err = within(c.attest(&dev::eve(), block, &garbage)).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Bridge", "BadSignature")), "{err}");
    // The same relayer twice.
    let err = within(c.attest(&dev::eve(), block, &sig)).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Bridge", "AlreadyAttested")), "{err}");
    assert_eq!(err.bridge_error(), Some(&BridgeError::AlreadyAttested), "{err}");
}

#[tokio::test]
async fn approve_release_pays_once_at_two_of_three_and_flags_conflicts() {
    let net = devnet().await;
    let c = &net.client;
    let (alice, bob, charlie) = (dev::alice(), dev::bob(), dev::charlie());
    let relayers: Vec<RelayerInfo> = [&alice, &bob, &charlie]
        .iter()
        .zip(1u8..)
        .map(|(k, b)| RelayerInfo { account: id(k), eth_address: signer_address(&key(b)) })
        .collect();
    within(c.sudo_set_relayers(&alice, &relayers, 2)).await.unwrap();
    within(c.lock(&dev::dave(), Rao(10 * TAO), Address::repeat_byte(0x33))).await.unwrap();
    let custody0 = within(c.bridge_custody_balance()).await.unwrap();

    // Burn nonce 7: two matching approvals release, once.
    let ferdie = id(&dev::ferdie());
    let f0 = within(c.free_balance(&ferdie)).await.unwrap();
    let amount = Rao(3 * TAO + 7);
    let approve = |who| c.approve_release(who, 31_337, 7, ferdie, amount);
    assert_eq!(within(approve(&alice)).await.unwrap(), ReleaseOutcome::Approved { approvals: 1 });
    assert_eq!(
        within(approve(&bob)).await.unwrap(),
        ReleaseOutcome::Released { recipient: ferdie, amount }
    );
    let err = within(approve(&charlie)).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Bridge", "AlreadyReleased")), "{err}");
    assert_eq!(within(c.free_balance(&ferdie)).await.unwrap(), Rao(f0.0 + amount.0));
    assert_eq!(within(c.bridge_custody_balance()).await.unwrap(), Rao(custody0.0 - amount.0));

    // Burn nonce 8: a disagreeing approval is recorded as a conflict and blocks the nonce.
    let eve = id(&dev::eve());
    let e0 = within(c.free_balance(&eve)).await.unwrap();
    assert_eq!(
        within(c.approve_release(&alice, 31_337, 8, eve, Rao(TAO))).await.unwrap(),
        ReleaseOutcome::Approved { approvals: 1 }
    );
    assert_eq!(
        within(c.approve_release(&bob, 31_337, 8, eve, Rao(2 * TAO))).await.unwrap(),
        ReleaseOutcome::Conflict { recipient: eve, amount: Rao(2 * TAO) }
    );
    let err = within(c.approve_release(&charlie, 31_337, 8, eve, Rao(TAO))).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Bridge", "ReleaseInConflict")), "{err}");
    assert_eq!(err.bridge_error(), Some(&BridgeError::ReleaseInConflict), "{err}");
    assert_eq!(within(c.free_balance(&eve)).await.unwrap(), e0);

    // Not a relayer.
    let err = within(c.approve_release(&dev::dave(), 31_337, 9, eve, Rao(TAO))).await.unwrap_err();
    assert_eq!(err.module_error(), Some(("Bridge", "NotRelayer")), "{err}");
    assert_eq!(err.bridge_error(), Some(&BridgeError::NotRelayer), "{err}");
}
