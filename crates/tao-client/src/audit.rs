//! Reads for auditing the bridge from outside (the end-to-end invariant checks): the custody
//! balance together with the block it was read at, and the Bridge events that move TAO in or out
//! of custody, block by block.
//!
//! ```text
//!  custody_reading()      custody's free balance + the finalized block it was read at
//!  finalized_number()     the finalized head's number (how far a scan may go)
//!  bridge_records(n)      block n's Locked / LockRefunded / LockRelocked / Released /
//!                         ReleaseConflict events as [`BridgeRecord`]s, in order
//! ```
//!
//! Events are decoded with the metadata the node serves, by name: `LockRefunded` and
//! `LockRelocked` (the recovery of a stuck batch) are read wherever the running node emits them,
//! whether or not the checked-in metadata of this client has them yet.

use crate::api;
use crate::error::{Result, TaoClientError};
use crate::{AccountId32, Address, Rao, TaoClient};

/// A Bridge event that moves TAO into or out of custody, or settles a lock or a burn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BridgeRecord {
    /// `Bridge.Locked`: an accepted lock, to be minted under `nonce` (or refunded).
    Locked {
        /// Lock nonce (the mint's nonce on Ethereum).
        nonce: u64,
        /// Who locked.
        from: AccountId32,
        /// wTAO recipient.
        eth_recipient: Address,
        /// Amount locked.
        amount: Rao,
    },
    /// `Bridge.LockRefunded`: a lock of a recovered batch was paid back; `nonce` never mints.
    LockRefunded {
        /// The lock's (voided) nonce.
        nonce: u64,
        /// Its sender, who got the TAO back.
        to: AccountId32,
        /// Amount paid back.
        amount: Rao,
    },
    /// `Bridge.LockRelocked`: a lock of a recovered batch was locked again as `new_nonce`.
    LockRelocked {
        /// The old (voided) nonce.
        old_nonce: u64,
        /// The new nonce (a `Locked` event with it comes in the same block).
        new_nonce: u64,
    },
    /// `Bridge.Released`: custody paid a burn's recipient.
    Released {
        /// EVM chain id of the burn.
        eth_chain_id: u64,
        /// Burn nonce.
        burn_nonce: u64,
        /// TAO recipient paid.
        recipient: AccountId32,
        /// Amount paid.
        amount: Rao,
    },
    /// `Bridge.ReleaseConflict`: relayers disagreed on a burn; it is blocked until root resolves.
    ReleaseConflict {
        /// EVM chain id of the burn.
        eth_chain_id: u64,
        /// Burn nonce.
        burn_nonce: u64,
    },
}

/// The custody account's free balance and the finalized block it was read at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CustodyReading {
    /// Free balance of `Bridge.CustodyAccount`.
    pub custody: Rao,
    /// The finalized block read.
    pub block: u64,
}

impl TaoClient {
    /// Custody's free balance, with the number of the (finalized) block both were read at, so
    /// that a comparison with another chain can name what it compared.
    pub async fn custody_reading(&self) -> Result<CustodyReading> {
        let at =
            self.subxt().at_current_block().await.map_err(TaoClientError::subxt("at block"))?;
        let custody = at
            .constants()
            .entry(api::constants().bridge().custody_account())
            .map_err(TaoClientError::subxt("reading Bridge.CustodyAccount"))?;
        let account = at
            .storage()
            .entry(api::storage().system().account())
            .map_err(TaoClientError::subxt("looking up System.Account"))?
            .fetch((custody,))
            .await
            .map_err(TaoClientError::subxt("reading System.Account"))?
            .decode()
            .map_err(TaoClientError::subxt("decoding System.Account"))?;
        Ok(CustodyReading { custody: Rao(account.data.free), block: at.block_number() })
    }

    /// Block `number`'s [`BridgeRecord`]s, in event order. The block's state must still be kept
    /// by the node (the last 256 blocks by default, `--state-pruning`).
    pub async fn bridge_records(&self, number: u64) -> Result<Vec<BridgeRecord>> {
        let at =
            self.subxt().at_block(number).await.map_err(TaoClientError::subxt("at a block"))?;
        let events = at
            .events()
            .fetch()
            .await
            .map_err(TaoClientError::subxt("fetching a block's events"))?;
        let decode = TaoClientError::subxt;
        let mut out = Vec::new();
        for ev in events.iter() {
            let ev = ev.map_err(decode("decoding an event"))?;
            if ev.pallet_name() != "Bridge" {
                continue;
            }
            let record = match ev.event_name() {
                "Locked" => {
                    let Some(e) = ev.decode_fields_as::<api::bridge::events::Locked>() else {
                        continue;
                    };
                    let e = e.map_err(decode("decoding Bridge.Locked"))?;
                    BridgeRecord::Locked {
                        nonce: e.nonce,
                        from: e.from,
                        eth_recipient: Address::from(e.eth_recipient.0),
                        amount: Rao(e.amount),
                    }
                }
                "Released" => {
                    let Some(e) = ev.decode_fields_as::<api::bridge::events::Released>() else {
                        continue;
                    };
                    let e = e.map_err(decode("decoding Bridge.Released"))?;
                    BridgeRecord::Released {
                        eth_chain_id: e.eth_chain_id,
                        burn_nonce: e.burn_nonce,
                        recipient: e.recipient,
                        amount: Rao(e.amount),
                    }
                }
                "ReleaseConflict" => {
                    let Some(e) = ev.decode_fields_as::<api::bridge::events::ReleaseConflict>()
                    else {
                        continue;
                    };
                    let e = e.map_err(decode("decoding Bridge.ReleaseConflict"))?;
                    BridgeRecord::ReleaseConflict {
                        eth_chain_id: e.eth_chain_id,
                        burn_nonce: e.burn_nonce,
                    }
                }
                // Fields by position, as the node declares them: `{ nonce, to, amount }`.
                "LockRefunded" => {
                    let (nonce, to, amount) = ev
                        .decode_fields_unchecked_as::<(u64, AccountId32, u64)>()
                        .map_err(decode("decoding Bridge.LockRefunded"))?;
                    BridgeRecord::LockRefunded { nonce, to, amount: Rao(amount) }
                }
                // `{ old_nonce, new_nonce }`.
                "LockRelocked" => {
                    let (old_nonce, new_nonce) = ev
                        .decode_fields_unchecked_as::<(u64, u64)>()
                        .map_err(decode("decoding Bridge.LockRelocked"))?;
                    BridgeRecord::LockRelocked { old_nonce, new_nonce }
                }
                _ => continue,
            };
            out.push(record);
        }
        Ok(out)
    }
}
