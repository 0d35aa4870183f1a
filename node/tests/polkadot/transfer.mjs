// polkadot.js compatibility check for tao-node: connect with an unmodified @polkadot/api, check the
// chain properties, read System.Account, send Balances.transfer_keep_alive //Alice -> //Bob with
// signAndSend, wait for finalization and check the events and Bob's balance.
//
//   node node/tests/polkadot/transfer.mjs ws://127.0.0.1:9944      (or TAO_NODE_WS=ws://...)
//
// Prints one JSON line `{"ok":true,...}` on stdout and exits 0; on any failure prints
// `transfer.mjs: error: <why>` on stderr (and `{"ok":false,...}` on stdout) and exits 1. A hard
// timeout (TAO_POLKADOT_TIMEOUT_MS, default 60 s) exits 2. Run by node/tests/it/polkadot.rs;
// needs `npm ci` at the repository root.

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';

const url = process.argv[2] ?? process.env.TAO_NODE_WS;
const timeoutMs = Number(process.env.TAO_POLKADOT_TIMEOUT_MS ?? 60_000);
// 1.5 TAO in rao: not a round number, so an off-by-fee or a rescaling would show.
const AMOUNT = 1_500_000_123n;

// Errors from the provider are often not Error objects (a WebSocket error event, a JSON-RPC
// error object): render whatever is there.
function describe(e) {
  if (e instanceof Error) return e.stack ?? e.message;
  if (e && typeof e === 'object') {
    if (e.message) return String(e.message);
    if (e.type === 'error') return `cannot connect to ${url} (WebSocket error)`;
    try {
      return JSON.stringify(e);
    } catch {
      return String(e);
    }
  }
  return String(e);
}

function fail(code, e) {
  const why = describe(e);
  console.error(`transfer.mjs: error: ${why}`);
  console.log(JSON.stringify({ ok: false, error: String(why) }));
  process.exit(code);
}

function check(cond, why) {
  if (!cond) throw new Error(why);
}

if (!url) fail(1, 'usage: node transfer.mjs <ws-url> (or set TAO_NODE_WS)');
const timer = setTimeout(() => fail(2, `timed out after ${timeoutMs} ms`), timeoutMs);

async function main() {
  // No automatic reconnection: a node that is not there is an error, not a retry loop.
  const provider = new WsProvider(url, false);
  await provider.connect();
  const api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });

  const [chain, props, version] = await Promise.all([
    api.rpc.system.chain(),
    api.rpc.system.properties(),
    api.rpc.state.getRuntimeVersion(),
  ]);
  check(api.registry.chainSS58 === 42, `chainSS58 is ${api.registry.chainSS58}, want 42`);
  const symbol = props.tokenSymbol.unwrap().toArray().map(String);
  const decimals = props.tokenDecimals.unwrap().toArray().map((d) => d.toNumber());
  check(symbol[0] === 'TAO', `tokenSymbol is ${symbol}, want TAO`);
  check(decimals[0] === 9, `tokenDecimals is ${decimals}, want 9`);
  check(
    api.registry.chainTokens[0] === 'TAO' && api.registry.chainDecimals[0] === 9,
    'registry did not pick up the chain properties',
  );

  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  check(
    alice.address === '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
    `//Alice is ${alice.address}`,
  );

  const aliceBefore = await api.query.system.account(alice.address);
  const bobBefore = await api.query.system.account(bob.address);
  check(aliceBefore.data.free.toBigInt() > AMOUNT, 'Alice is not endowed');

  const tx = api.tx.balances.transferKeepAlive(bob.address, AMOUNT);
  // TransactionPaymentApi through state_call (api.call.*, decorated from the V15 runtime APIs).
  const estimate = (await tx.paymentInfo(alice)).partialFee.toBigInt();
  check(estimate > 0n, 'TransactionPaymentApi_query_info estimated no fee');

  const outcome = await new Promise((resolve, reject) => {
    let unsub = () => {};
    // nonce -1: ask the node (AccountNonceApi via state_call) instead of reading System.Account.
    tx.signAndSend(alice, { nonce: -1 }, (result) => {
      const { status, events, dispatchError } = result;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsub();
        reject(new Error(`transaction ${status.type}`));
      } else if (status.isFinalized) {
        unsub();
        resolve({ blockHash: status.asFinalized.toHex(), events, dispatchError });
      }
    }).then((u) => {
      unsub = u;
    }, reject);
  });

  const names = outcome.events.map(({ event }) => `${event.section}.${event.method}`);
  if (outcome.dispatchError) {
    let why = outcome.dispatchError.toString();
    if (outcome.dispatchError.isModule) {
      const m = api.registry.findMetaError(outcome.dispatchError.asModule);
      why = `${m.section}.${m.name}`;
    }
    throw new Error(`transfer failed: ${why} (events ${names})`);
  }
  check(
    outcome.events.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)),
    `no System.ExtrinsicSuccess among ${names}`,
  );
  const transfer = outcome.events.find(({ event }) => api.events.balances.Transfer.is(event));
  check(transfer, `no Balances.Transfer among ${names}`);
  check(transfer.event.data.amount.toBigInt() === AMOUNT, 'Transfer event amount differs');
  const feePaid = outcome.events.find(({ event }) =>
    api.events.transactionPayment.TransactionFeePaid.is(event),
  );
  const fee = feePaid ? feePaid.event.data.actualFee.toBigInt() : null;

  const at = await api.at(outcome.blockHash);
  const header = await api.rpc.chain.getHeader(outcome.blockHash);
  const bobAfter = await at.query.system.account(bob.address);
  const aliceAfter = await at.query.system.account(alice.address);
  const bobDelta = bobAfter.data.free.toBigInt() - bobBefore.data.free.toBigInt();
  const aliceDelta = aliceBefore.data.free.toBigInt() - aliceAfter.data.free.toBigInt();
  check(bobDelta === AMOUNT, `Bob's balance rose by ${bobDelta}, want ${AMOUNT}`);
  check(fee !== null, `no TransactionPayment.TransactionFeePaid among ${names}`);
  check(fee === estimate, `fee paid ${fee} differs from the estimate ${estimate}`);
  check(aliceDelta === AMOUNT + fee, `Alice paid ${aliceDelta}, want ${AMOUNT} + fee ${fee}`);
  check(
    aliceAfter.nonce.toNumber() === aliceBefore.nonce.toNumber() + 1,
    "Alice's nonce did not advance by one",
  );

  await api.disconnect();
  return {
    ok: true,
    chain: chain.toString(),
    specName: version.specName.toString(),
    specVersion: version.specVersion.toNumber(),
    ss58: api.registry.chainSS58,
    tokenSymbol: symbol[0],
    tokenDecimals: decimals[0],
    alice: alice.address,
    bob: bob.address,
    amount: AMOUNT.toString(),
    fee: fee.toString(),
    bobBefore: bobBefore.data.free.toString(),
    bobAfter: bobAfter.data.free.toString(),
    aliceNonceAfter: aliceAfter.nonce.toNumber(),
    blockHash: outcome.blockHash,
    blockNumber: header.number.toNumber(),
    events: names,
  };
}

main().then(
  (result) => {
    clearTimeout(timer);
    console.log(JSON.stringify(result));
    process.exit(0);
  },
  (e) => fail(1, e),
);
