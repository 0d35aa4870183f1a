"""Writes weights.json: tile-count scores and the u16 weights the bittensor SDK makes of them.

Run with the bittensor clients' Python (scripts/python-env.sh installs them into .venv/bittensor):

    .venv/bittensor/bin/python crates/scoring/tests/vectors/gen_weights.py \
        > crates/scoring/tests/vectors/weights.json

`bittensor.intents.weights.normalize` is the SDK's max-upscale + u16 quantisation (the successor of
`bittensor.utils.weight_utils.convert_weights_and_uids_for_emit`, same arithmetic): w / max * 65535
in doubles, Python's round (half to even), zeros dropped.
"""

import json
import random

import bittensor
from bittensor.intents.weights import normalize


def case(scores):
    scores = sorted(scores)  # by uid, as the validator produces them
    uids = [u for u, _ in scores]
    # The SDK takes floats; tile counts are integers well below 2^53, so float(s) is exact.
    out_uids, out_vals = normalize(uids, [float(s) for _, s in scores])
    return {"scores": scores, "weights": [[u, w] for u, w in zip(out_uids, out_vals)]}


def main():
    rng = random.Random(20261206)
    cases = [
        case([]),
        case([[0, 0], [1, 0]]),
        case([[3, 7]]),
        case([[0, 1], [1, 2]]),  # 32767.5 rounds to even: 32768
        case([[0, 1], [1, 6]]),  # (1/6)*65535 is 10922.5 in doubles: 10922, not 10923
        case([[0, 1], [1, 1 << 20]]),  # rounds to zero and is dropped
        case([[5, 10], [2, 0], [1, 20], [9, 5]]),
    ]
    # Ties of the form (2j+1)/2 after scaling are where round-half-even and half-up differ.
    for top in (2, 6, 10, 14, 18, 30, 65_534, 131_070):
        values = list(range(0, min(top, 1_000) + 1)) + [top]
        cases.append(case([[u, s] for u, s in enumerate(values)]))
    for _ in range(40):
        n = rng.randint(1, 64)
        top = rng.choice([4, 16, 100, 4_096, 65_536, 1 << 20])
        cases.append(case([[u, rng.randint(0, top)] for u in range(n)]))
    doc = {
        "generated_by": "crates/scoring/tests/vectors/gen_weights.py with bittensor "
        + getattr(bittensor, "__version__", "?"),
        "cases": cases,
    }
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
