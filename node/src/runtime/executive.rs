//! The executive: a block is [`Runtime::begin_block`] → [`Runtime::apply_extrinsic`] per
//! extrinsic → [`Runtime::finalize_block`], all writing into one [`Ext`]. `apply_extrinsic` runs
//! the transaction-extension checks ([`Runtime::validate`]: signature, era, nonce, fee) and then
//! the call inside a transactional layer: a failed call is rolled back, but its fee and nonce bump
//! stay, and it is reported as `System.ExtrinsicFailed`.

use crate::primitives::{AccountId32, Balance, BlockNumber, H256};

use super::extrinsic::{self, Era, Mode, UncheckedExtrinsic};
use super::{
    DispatchResult, Ext, InvalidTransaction, Origin, Phase, RuntimeCall, SPEC_VERSION, TX_VERSION,
    TxError, UnknownTransaction, balances, bridge, payment, subtensor, system, timestamp,
};

/// A transaction that passed the checks.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ValidTx {
    /// Signer.
    pub signer: AccountId32,
    /// Its nonce.
    pub nonce: u32,
    /// The signer's nonce in state: `nonce > account_nonce` means it must wait (future).
    pub account_nonce: u32,
    /// Fee that will be charged (incl. tip).
    pub fee: Balance,
    /// Blocks it stays valid for.
    pub longevity: u64,
    /// The decoded extrinsic.
    pub xt: UncheckedExtrinsic,
    /// Encoded length (incl. prefix).
    pub len: u32,
}

/// Facts about the block being built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BlockContext {
    /// Its number.
    pub number: BlockNumber,
    /// Its parent's hash.
    pub parent_hash: H256,
    /// Its timestamp (ms since the epoch).
    pub timestamp_ms: u64,
}

/// What applying one extrinsic did.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ApplyOutcome {
    /// The call's result (the fee was charged either way).
    pub result: DispatchResult,
    /// The signer.
    pub signer: AccountId32,
}

/// The runtime of one chain (identified by its genesis hash, which every signature commits to).
#[derive(Clone, Copy, Debug)]
pub struct Runtime {
    /// The chain's genesis hash.
    pub genesis_hash: H256,
}

impl Runtime {
    /// Start block `ctx.number`: reset events, record the parent hash, set the timestamp.
    pub fn initialize_block(&self, ext: &mut Ext<'_>, ctx: &BlockContext) {
        ext.begin_block(ctx.number);
        system::initialize(ext, ctx);
        timestamp::NOW.put(ext, &ctx.timestamp_ms);
    }

    /// FRAME's `initialize_block`: [`Self::initialize_block`], then every module's
    /// `on_initialize` (SubtensorModule's coinbase: emission, epochs, payouts). Block production
    /// uses this; transaction validation uses `initialize_block` alone, as FRAME's
    /// `validate_transaction` runs no hooks.
    pub fn begin_block(&self, ext: &mut Ext<'_>, ctx: &BlockContext) {
        self.initialize_block(ext, ctx);
        subtensor::on_initialize(ext);
    }

    /// Run the extension checks on an opaque extrinsic against the current overlay (which must be
    /// initialized for the block it would go into). `allow_future` admits nonces above the
    /// account's (the pool queues them).
    pub fn validate(
        &self,
        ext: &mut Ext<'_>,
        bytes: &[u8],
        allow_future: bool,
    ) -> Result<ValidTx, TxError> {
        let xt = UncheckedExtrinsic::decode_opaque(bytes)?;
        let len = u32::try_from(bytes.len()).map_err(|_| InvalidTransaction::ExhaustsResources)?;
        let Some(signed) = &xt.signed else {
            return Err(UnknownTransaction::NoUnsignedValidator.into());
        };
        let signer = signed.address.account().ok_or(UnknownTransaction::CannotLookup)?;
        if signer == AccountId32::default() {
            return Err(InvalidTransaction::BadSigner.into());
        }
        let current = u64::from(ext.block_number());
        let birth = signed.extra.era.birth(current);
        let birth_hash = if birth > current {
            return Err(InvalidTransaction::AncientBirthBlock.into());
        } else {
            let n =
                BlockNumber::try_from(birth).map_err(|_| InvalidTransaction::AncientBirthBlock)?;
            system::BLOCK_HASH.try_get(ext, &n).ok_or(InvalidTransaction::AncientBirthBlock)?
        };
        if signed.extra.mode == Mode::Enabled {
            // No metadata hash is known to this runtime, so an "enabled" payload cannot match.
            return Err(InvalidTransaction::BadProof.into());
        }
        let implicit = extrinsic::implicit(SPEC_VERSION, TX_VERSION, self.genesis_hash, birth_hash);
        let payload = extrinsic::signing_payload(&xt.call_bytes, &signed.extra_bytes, &implicit);
        if !signed.signature.verify(&payload, &signer) {
            return Err(InvalidTransaction::BadProof.into());
        }
        let account = system::ACCOUNT.get(ext, &signer);
        let nonce = signed.extra.nonce;
        if nonce < account.nonce {
            return Err(InvalidTransaction::Stale.into());
        }
        if nonce > account.nonce && !allow_future {
            return Err(InvalidTransaction::Future.into());
        }
        let fee = payment::compute_fee(len, &xt.call.info(), signed.extra.tip)
            .ok_or(InvalidTransaction::Payment)?;
        if !balances::can_withdraw_fee(&account.data, fee) {
            return Err(InvalidTransaction::Payment.into());
        }
        let longevity = match signed.extra.era {
            Era::Immortal => u64::MAX,
            Era::Mortal { period, .. } => birth.saturating_add(period).saturating_sub(current),
        };
        Ok(ValidTx {
            signer,
            nonce,
            account_nonce: account.nonce,
            fee,
            longevity,
            xt: xt.clone(),
            len,
        })
    }

    /// Apply one extrinsic as number `index` of the block: check it, charge the fee, bump the
    /// nonce, dispatch transactionally, and record `ExtrinsicSuccess`/`ExtrinsicFailed`.
    pub fn apply_extrinsic(
        &self,
        ext: &mut Ext<'_>,
        bytes: &[u8],
        index: u32,
    ) -> Result<ApplyOutcome, TxError> {
        ext.set_phase(Phase::ApplyExtrinsic(index));
        let valid = self.validate(ext, bytes, false)?;
        if matches!(valid.xt.call, RuntimeCall::Bridge(bridge::Call::lock { .. }))
            && bridge::locks_full(ext)
        {
            // Block full of locks (one mint batch): the transaction waits for the next block.
            return Err(InvalidTransaction::ExhaustsResources.into());
        }
        let info = valid.xt.call.info();
        let tip = valid.xt.signed.as_ref().map_or(0, |s| s.extra.tip);
        payment::charge(ext, &valid.signer, valid.fee, tip)
            .map_err(|_| InvalidTransaction::Payment)?;
        system::inc_nonce(ext, &valid.signer);
        let result = ext
            .transactional(|ext| valid.xt.call.clone().dispatch(ext, Origin::Signed(valid.signer)));
        match result {
            Ok(()) => ext.deposit_event(system::Event::ExtrinsicSuccess { dispatch_info: info }),
            Err(e) => ext.deposit_event(system::Event::ExtrinsicFailed {
                dispatch_error: e,
                dispatch_info: info,
            }),
        }
        system::note_applied(ext);
        Ok(ApplyOutcome { result, signer: valid.signer })
    }

    /// Finish the block: module `on_finalize` hooks, then write its events to `System.Events`.
    pub fn finalize_block(&self, ext: &mut Ext<'_>) {
        ext.set_phase(Phase::Finalization);
        subtensor::on_finalize(ext);
        let events = ext.take_events();
        system::store_events(ext, &events);
        ext.restore_events(events);
    }
}
