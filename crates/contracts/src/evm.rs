//! An in-memory EVM (revm over `CacheDB<EmptyDB>`) with the handful of operations contract tests
//! need: deploy, call, transact, read logs, move the block clock, edit accounts.
//!
//! It behaves like a dev chain with free gas: base fee and gas price are zero (no account needs
//! ether to send transactions), nonces are real (CREATE addresses are predictable, as the deploy
//! wiring needs), any address may send (contracts too: impersonation, as on anvil), and every
//! [`Evm::transact`] is its own block-less commit. Block number and
//! timestamp only move when a test says so ([`Evm::set_block`], [`Evm::advance`]), so governance
//! clocks are deterministic.

use alloy_primitives::{Address, B256, Bytes, Log, TxKind, U256};
use alloy_sol_types::{SolCall, SolEvent};
use revm::{
    Context, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext,
    bytecode::Bytecode,
    context::{
        ContextTr, TxEnv,
        result::{ExecutionResult, HaltReason},
    },
    database::{CacheDB, EmptyDB},
    database_interface::DatabaseRef,
    handler::{MainnetContext, MainnetEvm},
    primitives::hardfork::SpecId,
    state::AccountInfo,
};

use crate::{ContractsError, bindings::describe_revert};

/// anvil's chain id; what a fresh [`Evm`] uses.
pub const DEFAULT_CHAIN_ID: u64 = 31337;
/// Gas limit of every transaction by default: comfortably above a 100-mint batch, far below a
/// block. [`Evm::set_tx_gas_limit`] changes it (e.g. to [`EIP7825_TX_GAS_CAP`]).
pub const TX_GAS_LIMIT: u64 = 30_000_000;
/// EIP-7825 (Osaka): the most gas any one transaction may use, 2^24. A mint batch must fit in
/// it, so tao-node bounds the locks of one block (one batch) by it.
pub const EIP7825_TX_GAS_CAP: u64 = 1 << 24;
/// Timestamp of the first block (2025-01-01T00:00:00Z): realistic, so `uint32` time fields work.
pub const GENESIS_TIMESTAMP: u64 = 1_735_689_600;
/// The hard fork the EVM runs, matching `evm_version = "prague"` in `foundry.toml`.
pub const SPEC: SpecId = SpecId::PRAGUE;

type Inner = MainnetEvm<MainnetContext<CacheDB<EmptyDB>>>;

/// What a committed transaction did.
#[derive(Clone, Debug)]
pub struct Receipt {
    /// Whether it succeeded (a revert or halt is `false`, and its state changes were dropped).
    pub success: bool,
    /// Gas charged, as a receipt reports it: intrinsic 21 000 + calldata + execution − refund.
    pub gas_used: u64,
    /// Logs (empty unless `success`).
    pub logs: Vec<Log>,
    /// Return data, or revert data when `!success`.
    pub output: Bytes,
    /// The new contract of a deployment.
    pub created: Option<Address>,
    /// Why execution halted (out of gas, invalid opcode), if it did.
    pub halt: Option<HaltReason>,
    /// The callee (`None` for a deployment).
    pub to: Option<Address>,
}

impl Receipt {
    /// Every log of event `E` (matched on topic 0), decoded, with its emitter.
    ///
    /// # Errors
    /// [`ContractsError::Decode`] if a log with `E`'s topic does not decode as `E`.
    pub fn events<E: SolEvent>(&self) -> Result<Vec<(Address, E)>, ContractsError> {
        self.logs
            .iter()
            .filter(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
            .map(|log| Ok((log.address, E::decode_log(log)?.data)))
            .collect()
    }

    /// `Ok(self)` if it succeeded, else the revert or halt as an error.
    ///
    /// # Errors
    /// [`ContractsError::Reverted`] (with the revert decoded where possible) or
    /// [`ContractsError::Halted`].
    pub fn ensure_success(self) -> Result<Self, ContractsError> {
        if self.success {
            return Ok(self);
        }
        Err(match self.halt {
            Some(reason) => ContractsError::Halted { to: self.to, reason },
            None => ContractsError::Reverted {
                to: self.to,
                reason: describe_revert(&self.output),
                output: self.output,
            },
        })
    }
}

/// The in-memory EVM.
pub struct Evm {
    inner: Inner,
    tx_gas_limit: u64,
}

impl Default for Evm {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Evm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evm")
            .field("chain_id", &self.chain_id())
            .field("block_number", &self.block_number())
            .field("timestamp", &self.timestamp())
            .finish_non_exhaustive()
    }
}

impl Evm {
    /// An empty chain: id [`DEFAULT_CHAIN_ID`], block 1 at [`GENESIS_TIMESTAMP`], [`SPEC`].
    pub fn new() -> Self {
        let ctx = Context::mainnet()
            .with_db(CacheDB::<EmptyDB>::default())
            .modify_cfg_chained(|cfg| {
                cfg.set_spec_and_mainnet_gas_params(SPEC);
                cfg.chain_id = DEFAULT_CHAIN_ID;
                // Any address may send, contracts included (EIP-3607 off), like anvil's
                // impersonation: tests act as the timelock or the proxy directly.
                cfg.disable_eip3607 = true;
            })
            .modify_block_chained(|block| {
                block.number = U256::from(1u64);
                block.timestamp = U256::from(GENESIS_TIMESTAMP);
            });
        Self { inner: ctx.build_mainnet(), tx_gas_limit: TX_GAS_LIMIT }
    }

    /// Sets the gas limit of every later transaction (default [`TX_GAS_LIMIT`]); a transaction
    /// that needs more halts out of gas, as it would on a chain with that cap.
    pub fn set_tx_gas_limit(&mut self, gas: u64) {
        self.tx_gas_limit = gas;
    }

    // ------------------------------------------------------------------ chain and clock

    /// `block.chainid`.
    pub fn chain_id(&self) -> u64 {
        self.inner.ctx.cfg.chain_id
    }

    /// Sets `block.chainid` (EIP-712 domains depend on it).
    pub fn set_chain_id(&mut self, chain_id: u64) {
        self.inner.ctx.cfg.chain_id = chain_id;
    }

    /// `block.number`.
    pub fn block_number(&self) -> u64 {
        self.inner.ctx.block.number.saturating_to()
    }

    /// `block.timestamp`.
    pub fn timestamp(&self) -> u64 {
        self.inner.ctx.block.timestamp.saturating_to()
    }

    /// Sets block number and timestamp.
    pub fn set_block(&mut self, number: u64, timestamp: u64) {
        self.inner.ctx.block.number = U256::from(number);
        self.inner.ctx.block.timestamp = U256::from(timestamp);
    }

    /// Moves the clock forward by `blocks` blocks of `seconds_per_block` each (12 s on mainnet).
    pub fn advance(&mut self, blocks: u64, seconds_per_block: u64) {
        let number = self.block_number().saturating_add(blocks);
        let timestamp = self.timestamp().saturating_add(blocks.saturating_mul(seconds_per_block));
        self.set_block(number, timestamp);
    }

    // ------------------------------------------------------------------ accounts

    fn account(&self, address: Address) -> AccountInfo {
        // CacheDB over EmptyDB cannot fail: unknown accounts are empty.
        self.inner.ctx.db_ref().basic_ref(address).ok().flatten().unwrap_or_default()
    }

    /// The account's nonce.
    pub fn nonce(&self, address: Address) -> u64 {
        self.account(address).nonce
    }

    /// The account's balance in wei.
    pub fn balance(&self, address: Address) -> U256 {
        self.account(address).balance
    }

    /// Sets the account's balance (gas is free; this is for value transfers).
    pub fn fund(&mut self, address: Address, balance: U256) {
        let info = AccountInfo { balance, ..self.account(address) };
        self.inner.ctx.db_mut().insert_account_info(address, info);
    }

    /// The account's runtime code.
    pub fn code(&self, address: Address) -> Bytes {
        let info = self.account(address);
        match info.code {
            Some(code) => code.original_bytes(),
            None => self
                .inner
                .ctx
                .db_ref()
                .code_by_hash_ref(info.code_hash)
                .map(|c| c.original_bytes())
                .unwrap_or_default(),
        }
    }

    /// Replaces the account's runtime code (forge's `vm.etch`).
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let mut info = self.account(address);
        // A contract account starts at nonce 1 (EIP-161), so its own CREATEs land where they would.
        info.nonce = info.nonce.max(1);
        let info = info.with_code(Bytecode::new_raw(code));
        self.inner.ctx.db_mut().insert_account_info(address, info);
    }

    /// A storage slot of `address`.
    pub fn storage(&self, address: Address, slot: B256) -> B256 {
        let value = self.inner.ctx.db_ref().storage_ref(address, slot.into()).unwrap_or_default();
        B256::from(value)
    }

    /// Writes a storage slot (forge's `vm.store`).
    pub fn set_storage(&mut self, address: Address, slot: B256, value: B256) {
        // Infallible: the account is loaded from EmptyDB if it is not cached yet.
        let _ = self.inner.ctx.db_mut().insert_account_storage(address, slot.into(), value.into());
    }

    // ------------------------------------------------------------------ transactions

    fn tx(&self, from: Address, kind: TxKind, data: Bytes, value: U256) -> TxEnv {
        TxEnv {
            caller: from,
            kind,
            data,
            value,
            nonce: self.nonce(from),
            gas_limit: self.tx_gas_limit,
            gas_price: 0,
            chain_id: Some(self.chain_id()),
            ..TxEnv::default()
        }
    }

    fn receipt(result: ExecutionResult, to: Option<Address>) -> Receipt {
        let gas_used = result.gas().tx_gas_used();
        let created = result.created_address();
        match result {
            ExecutionResult::Success { logs, output, .. } => Receipt {
                success: true,
                gas_used,
                logs,
                output: output.into_data(),
                created,
                halt: None,
                to,
            },
            ExecutionResult::Revert { output, .. } => Receipt {
                success: false,
                gas_used,
                logs: Vec::new(),
                output,
                created: None,
                halt: None,
                to,
            },
            ExecutionResult::Halt { reason, .. } => Receipt {
                success: false,
                gas_used,
                logs: Vec::new(),
                output: Bytes::new(),
                created: None,
                halt: Some(reason),
                to,
            },
        }
    }

    /// Sends a transaction from `from` to `to` and commits it (a revert commits only the nonce
    /// bump, as on a chain). The receipt says whether it succeeded.
    ///
    /// # Errors
    /// [`ContractsError::Transaction`] only if revm refuses the transaction itself.
    pub fn transact(
        &mut self,
        from: Address,
        to: Address,
        data: Bytes,
        value: U256,
    ) -> Result<Receipt, ContractsError> {
        let tx = self.tx(from, TxKind::Call(to), data, value);
        let result = self.inner.transact_commit(tx)?;
        Ok(Self::receipt(result, Some(to)))
    }

    /// [`Evm::transact`] with a typed call, no value.
    ///
    /// # Errors
    /// As [`Evm::transact`].
    pub fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<Receipt, ContractsError> {
        self.transact(from, to, call.abi_encode().into(), U256::ZERO)
    }

    /// Deploys `init_code` (creation code followed by ABI-encoded constructor arguments) from
    /// `from`, at the CREATE address of `from`'s current nonce.
    ///
    /// # Errors
    /// [`ContractsError::Reverted`]/[`ContractsError::Halted`] if the constructor fails.
    pub fn deploy(
        &mut self,
        from: Address,
        init_code: Bytes,
    ) -> Result<(Address, Receipt), ContractsError> {
        let tx = self.tx(from, TxKind::Create, init_code, U256::ZERO);
        let result = self.inner.transact_commit(tx)?;
        let receipt = Self::receipt(result, None).ensure_success()?;
        let address = receipt.created.ok_or_else(|| ContractsError::Reverted {
            to: None,
            reason: "deployment returned no address".to_owned(),
            output: Bytes::new(),
        })?;
        Ok((address, receipt))
    }

    /// Runs a call from `from` without committing anything (an `eth_call`) and returns its output.
    ///
    /// # Errors
    /// [`ContractsError::Reverted`]/[`ContractsError::Halted`] if the call fails.
    pub fn call_raw(
        &mut self,
        from: Address,
        to: Address,
        data: Bytes,
    ) -> Result<Bytes, ContractsError> {
        let tx = self.tx(from, TxKind::Call(to), data, U256::ZERO);
        let result = self.inner.transact(tx)?.result;
        Ok(Self::receipt(result, Some(to)).ensure_success()?.output)
    }

    /// A typed [`Evm::call_raw`] from the zero address.
    ///
    /// # Errors
    /// As [`Evm::call_raw`], plus [`ContractsError::Decode`] if the output does not decode.
    pub fn call<C: SolCall>(&mut self, to: Address, call: &C) -> Result<C::Return, ContractsError> {
        let output = self.call_raw(Address::ZERO, to, call.abi_encode().into())?;
        Ok(C::abi_decode_returns(&output)?)
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{bytes, hex};

    use super::*;

    /// Runtime code that returns the word 42.
    const RETURN_42: Bytes = bytes!("602a60005260206000f3");

    #[test]
    fn deploy_uses_create_addresses_and_call_returns_output() {
        let mut evm = Evm::new();
        let from = Address::repeat_byte(1);
        // PUSH10 <RETURN_42> PUSH1 0 MSTORE PUSH1 10 PUSH1 22 RETURN
        let init = bytes!("69602a60005260206000f3600052600a6016f3");
        let (address, receipt) = evm.deploy(from, init).unwrap();
        assert_eq!(address, from.create(0));
        assert_eq!(evm.nonce(from), 1);
        assert!(receipt.gas_used > 21_000);
        assert_eq!(evm.code(address), RETURN_42);
        let out = evm.call_raw(from, address, Bytes::new()).unwrap();
        assert_eq!(U256::from_be_slice(&out), U256::from(42));
        // A call commits nothing: the nonce stays.
        assert_eq!(evm.nonce(from), 1);
    }

    #[test]
    fn reverts_are_receipts_for_transact_and_errors_for_call() {
        let mut evm = Evm::new();
        let target = Address::repeat_byte(2);
        // PUSH4 0xdeadbeef PUSH1 0 MSTORE PUSH1 4 PUSH1 28 REVERT
        evm.set_code(target, bytes!("63deadbeef6000526004601cfd"));
        let from = Address::repeat_byte(3);
        let receipt = evm.transact(from, target, Bytes::new(), U256::ZERO).unwrap();
        assert!(!receipt.success);
        assert_eq!(receipt.output.as_ref(), hex!("deadbeef"));
        assert_eq!(evm.nonce(from), 1, "a reverted transaction still uses its nonce");
        let err = evm.call_raw(from, target, Bytes::new()).unwrap_err();
        assert!(
            matches!(&err, ContractsError::Reverted { output, .. } if output.as_ref() == hex!("deadbeef")),
            "{err}"
        );
    }

    #[test]
    fn accounts_storage_and_clock_are_editable() {
        let mut evm = Evm::new();
        let a = Address::repeat_byte(4);
        evm.fund(a, U256::from(5));
        assert_eq!(evm.balance(a), U256::from(5));
        let slot = B256::repeat_byte(9);
        evm.set_storage(a, slot, B256::repeat_byte(7));
        assert_eq!(evm.storage(a, slot), B256::repeat_byte(7));
        assert_eq!(evm.balance(a), U256::from(5), "writing storage keeps the balance");

        assert_eq!((evm.block_number(), evm.timestamp()), (1, GENESIS_TIMESTAMP));
        evm.advance(10, 12);
        assert_eq!((evm.block_number(), evm.timestamp()), (11, GENESIS_TIMESTAMP + 120));
        evm.set_chain_id(1);
        assert_eq!(evm.chain_id(), 1);
        // Transactions still validate against the new chain id.
        evm.transact(a, Address::repeat_byte(5), Bytes::new(), U256::from(1)).unwrap();
        assert_eq!(evm.balance(Address::repeat_byte(5)), U256::from(1));
    }
}
