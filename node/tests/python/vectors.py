"""SCALE test vectors for the runtime-API result types and Commitments' Data, encoded by the
`bittensor` SDK's own codec (`bittensor-core`) from tao-node's V15 metadata.

Usage: python vectors.py crates/tao-client/metadata/tao-node.scale

Prints one `name hex` line per vector. The Rust tests
(node/src/runtime/subtensor/runtime_api/tests.rs, `python_codec_vectors`) hold these bytes and
check that tao-node encodes the same values to the same bytes and decodes them back: the
client's metadata-driven codec and the node's derived one agree on every field, Compact and
Option included. Regenerate after changing one of the types.
"""

import sys

from bittensor._transport.codec import RuntimeCodec

ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"

AXON = {
    "block": 7,
    "version": 3,
    "ip": 2130706433,
    "port": 8091,
    "ip_type": 4,
    "protocol": 4,
    "placeholder1": 0,
    "placeholder2": 0,
}
PROMETHEUS = {"block": 8, "version": 1, "ip": 2130706433, "port": 9100, "ip_type": 4}
IDENTITY = {
    "subnet_name": list(b"demo"),
    "github_repo": list(b"gh"),
    "subnet_contact": [],
    "subnet_url": [],
    "discord": [],
    "description": list(b"d"),
    "logo_url": [],
    "additional": [],
}

VECTORS = {
    "DynamicInfo": {
        "netuid": 1,
        "owner_hotkey": ALICE,
        "owner_coldkey": BOB,
        "subnet_name": list(b"demo"),
        "token_symbol": list("α".encode()),
        "tempo": 10,
        "last_step": 300,
        "blocks_since_last_step": 4,
        "emission": 0,
        "alpha_in": 5,
        "alpha_out": 70_000,
        "tao_in": 2**40,
        "alpha_out_emission": 1_000_000_000,
        "alpha_in_emission": 0,
        "tao_in_emission": 0,
        "pending_alpha_emission": 123_456_789,
        "pending_root_emission": 0,
        "subnet_volume": 2**70,
        "network_registered_at": 1,
        "subnet_identity": IDENTITY,
        "moving_price": {"bits": 2**32},
    },
    "NeuronInfo": {
        "hotkey": ALICE,
        "coldkey": BOB,
        "uid": 3,
        "netuid": 1,
        "active": True,
        "axon_info": AXON,
        "prometheus_info": PROMETHEUS,
        "stake": [(BOB, 64)],
        "rank": 0,
        "emission": 16_384,
        "incentive": 65_535,
        "consensus": 1,
        "trust": 0,
        "validator_trust": 300,
        "dividends": 2,
        "last_update": 99,
        "validator_permit": False,
        "weights": [(0, 65_535), (5, 7)],
        "bonds": [(1, 2)],
        "pruning_score": 65_535,
    },
    "StakeInfo": {
        "hotkey": ALICE,
        "coldkey": BOB,
        "netuid": 2,
        "stake": 2_000_000_000_000,
        "locked": 0,
        "emission": 63,
        "tao_emission": 0,
        "drain": 0,
        "is_registered": True,
    },
    "SubnetPrice": {"netuid": 300, "price": 1_000_000_000},
    "Registration": {
        "deposit": 0,
        "block": 42,
        "info": {
            "fields": [
                {"Raw5": "0x68656c6c6f"},
                {"Sha256": "0x" + "11" * 32},
                "ResetBondsFlag",
            ]
        },
    },
}


def main(path: str) -> None:
    data = open(path, "rb").read()
    codec = RuntimeCodec(data, spec_version=0, transaction_version=1)
    for name, value in VECTORS.items():
        type_id = codec.type_id_of(name)
        if type_id is None:
            sys.exit(f"{name} is not in the metadata's registry")
        print(name, codec.encode(f"scale_info::{type_id}", value).hex())


if __name__ == "__main__":
    main(sys.argv[1])
