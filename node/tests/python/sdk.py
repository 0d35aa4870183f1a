"""The `bittensor` SDK (11.x), unmodified, against a running tao-node.

Usage: python sdk.py ws://127.0.0.1:PORT

Runs every check below in order, each on its own, and prints one JSON object as the last line
of stdout: {"checks": {name: {"ok": bool, "error": str?}}, "values": {...}}. node/tests/it/
python.rs starts the node, runs this script, and asserts on both: a check only passes when the
SDK call returned without error *and* what it returned is what the chain holds (the dev genesis:
//Alice endowed, root netuid 0 and demo subnet netuid 1 owned by //Alice).

The SDK keeps caches under $HOME (metadata by genesis and spec version, token symbols); the
caller gives every run a fresh HOME so nothing stale is read.
"""

import asyncio
import json
import sys
import time
import traceback

import bittensor as bt
from bittensor_wallet import Keypair

ALICE = Keypair.create_from_uri("//Alice")
BOB = Keypair.create_from_uri("//Bob")
# A fresh hotkey (owned by //Bob once registered), so the neuron lists have a known member.
HOTKEY = Keypair.create_from_uri("//Bob//python-hotkey")
TRANSFER_RAO = 1_500_000_123
DEMO_NETUID = 1

checks: dict = {}
values: dict = {}


async def check(name, body):
    """Run one check; record its outcome (the traceback's last line on failure)."""
    started = time.monotonic()
    try:
        await body()
        checks[name] = {"ok": True}
    except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the run
        checks[name] = {
            "ok": False,
            "error": f"{type(e).__name__}: {e}",
            "trace": traceback.format_exc()[-2000:],
        }
    checks[name]["secs"] = round(time.monotonic() - started, 3)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


async def main(url: str) -> None:
    client = None

    async def connect():
        nonlocal client
        client = await bt.Subtensor(network=url)
        values["block"] = await client.block()
        values["spec_version"] = await client.spec_version()
        expect(values["block"] >= 0, "block number")

    await check("connect", connect)
    if client is None:
        return

    async def balance():
        alice = await client.balances.get(ALICE.ss58_address)
        values["alice_free_rao"] = alice.rao
        expect(alice.rao > 0, f"//Alice is endowed at genesis, read {alice}")
        ed = await client.balances.existential_deposit()
        values["existential_deposit_rao"] = ed.rao

    await check("balance", balance)

    async def transfer():
        before = await client.balances.get(BOB.ss58_address)
        result = await client.execute(
            bt.Transfer(dest_ss58=BOB.ss58_address, amount_tao=bt.rao(TRANSFER_RAO)), ALICE
        )
        values["transfer_message"] = result.message
        expect(result.success, f"transfer failed: {result.message} {result.error}")
        after = await client.balances.get(BOB.ss58_address)
        values["bob_delta_rao"] = after.rao - before.rao
        expect(after.rao - before.rao == TRANSFER_RAO, f"//Bob got {after.rao - before.rao} rao")
        values["transfer_fee_rao"] = result.fee.rao if result.fee is not None else None

    await check("transfer", transfer)

    async def register():
        # Raw call (the intent adds MEV shielding, which is not part of this chain).
        call = bt.calls.SubtensorModule.burned_register(
            netuid=DEMO_NETUID, hotkey=HOTKEY.ss58_address
        )
        result = await client.submit_call(call, BOB)
        expect(result.success, f"burned_register failed: {result.message} {result.error}")
        uid = await client.neurons.uid(HOTKEY.ss58_address, DEMO_NETUID)
        values["registered_uid"] = uid
        expect(uid is not None, "no UID for the registered hotkey")
        owner = await client.neurons.hotkey_owner(HOTKEY.ss58_address)
        expect(owner == BOB.ss58_address, f"hotkey owner {owner}")

    await check("register", register)

    async def subnets():
        infos = await client.subnets.subnets()
        values["subnets"] = [
            {"netuid": s.netuid, "tempo": s.tempo, "burn_rao": s.burn.rao, "n": s.neuron_count}
            for s in infos
        ]
        netuids = [s.netuid for s in infos]
        expect(0 in netuids and DEMO_NETUID in netuids, f"netuids {netuids}")
        demo = next(s for s in infos if s.netuid == DEMO_NETUID)
        expect(demo.tempo > 0, f"tempo {demo.tempo}")
        one = await client.subnets.subnet(DEMO_NETUID)
        expect(one.neuron_count == demo.neuron_count, "subnet() and subnets() disagree")
        symbols = await client.subnets.token_symbols()
        values["token_symbols"] = {str(k): v for k, v in symbols.items()}

    await check("subnets", subnets)

    async def metagraph():
        mg = await client.subnets.metagraph(DEMO_NETUID)
        expect(mg is not None, "no metagraph for the demo subnet")
        values["metagraph"] = {
            "netuid": mg.netuid,
            "name": mg.name,
            "symbol": mg.symbol,
            "block": mg.block,
            "tempo": mg.tempo,
            "owner_coldkey": mg.owner_coldkey,
            "owner_hotkey": mg.owner_hotkey,
            "num_uids": mg.num_uids,
            "max_uids": mg.max_uids,
            "hotkeys": [n.hotkey for n in mg.neurons],
            "coldkeys": [n.coldkey for n in mg.neurons],
            "total_stake_rao": [n.total_stake.rao for n in mg.neurons],
            "commitments": len(mg.commitments),
        }
        expect(mg.netuid == DEMO_NETUID, f"netuid {mg.netuid}")
        expect(mg.owner_coldkey == ALICE.ss58_address, f"owner {mg.owner_coldkey}")
        expect(mg.num_uids == len(mg.neurons), f"num_uids {mg.num_uids} vs {len(mg.neurons)}")
        expect(HOTKEY.ss58_address in [n.hotkey for n in mg.neurons], "registered hotkey missing")
        missing = await client.subnets.metagraph(4242)
        expect(missing is None, "metagraph of a subnet that does not exist")

    await check("metagraph", metagraph)

    async def neurons(lite: bool):
        ns = await client.neurons.neurons(DEMO_NETUID, lite=lite)
        values["neurons_lite" if lite else "neurons_full"] = [
            {"uid": n.uid, "hotkey": n.hotkey, "coldkey": n.coldkey, "stake_rao": n.total_stake.rao}
            for n in ns
        ]
        mine = [n for n in ns if n.hotkey == HOTKEY.ss58_address]
        expect(len(mine) == 1, f"registered hotkey among {len(ns)} neurons: {len(mine)}")
        expect(mine[0].coldkey == BOB.ss58_address, f"coldkey {mine[0].coldkey}")
        expect([n.uid for n in ns] == list(range(len(ns))), "uids are 0..n")
        if not lite:
            expect("weights" in mine[0].raw and "bonds" in mine[0].raw, "full neuron fields")

    await check("neurons_lite", lambda: neurons(True))
    await check("neurons_full", lambda: neurons(False))

    await client.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: sdk.py ws://HOST:PORT")
    try:
        asyncio.run(asyncio.wait_for(main(sys.argv[1]), timeout=float(180)))
    except Exception as e:  # noqa: BLE001
        checks["run"] = {"ok": False, "error": f"{type(e).__name__}: {e}"}
    print(json.dumps({"checks": checks, "values": values}, default=str))
