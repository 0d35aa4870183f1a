//! Writes the golden vectors (`tests/vectors/golden.json`) from the reference engine.
//!
//! ```sh
//! cargo run -p wtao-scoring --example gen_vectors > crates/scoring/tests/vectors/golden.json
//! ```
//! The vectors pin the whole task — seed derivation, PRNG, tile digests, Merkle roots, sampling —
//! so any change to it shows up as a failing test (and needs a new task tag).

use serde_json::{Value, json};
use wtao_scoring::{
    BlockHash, Challenge, ChallengeParams, Hotkey, MerkleTree, Profile, RefEngine, TileEngine,
};

fn hash(label: &str) -> [u8; 32] {
    *blake3::hash(label.as_bytes()).as_bytes()
}

fn hex32(b: &[u8; 32]) -> String {
    format!("0x{}", hex::encode(b))
}

fn hex64(v: u64) -> String {
    format!("{v:#018x}")
}

fn case(name: &str, params: ChallengeParams, netuid: u16) -> Value {
    let block = BlockHash(hash(&format!("{name}: epoch block")));
    let sample_block = BlockHash(hash(&format!("{name}: sample block")));
    let challenge = Challenge::new(params, netuid, block).expect("valid parameters");
    let consecutive = 6u64;
    let far = [1_000u64, u64::MAX];
    let miners: Vec<Value> = ["alice", "bob"]
        .iter()
        .map(|who| {
            let hotkey = Hotkey(hash(&format!("{name}: hotkey {who}")));
            let seeds = challenge.miner(&hotkey);
            let tiles: Vec<u64> = (0..consecutive).chain(far).collect();
            let jobs: Vec<_> = tiles.iter().map(|&t| seeds.job(t)).collect();
            let digests =
                RefEngine.digests(&params, challenge.b_seed(), &jobs).expect("reference engine");
            let first = digests.get(..consecutive as usize).expect("six consecutive tiles");
            let root = MerkleTree::new(first).expect("non-empty").root();
            json!({
                "hotkey": hex32(&hotkey.0),
                "a_seed": hex64(seeds.a_seed),
                "digest_key": hex64(seeds.digest_key),
                "tiles": tiles.iter().zip(&digests).map(|(t, d)| json!([t, hex64(*d)])).collect::<Vec<_>>(),
                "merkle_root_of_first_tiles": { "count": consecutive, "root": hex32(&root) },
                "sampled_of_1000": challenge.sample_tiles(&sample_block, &hotkey, 1_000),
            })
        })
        .collect();
    json!({
        "name": name,
        "params": params,
        "netuid": netuid,
        "block_hash": hex32(&block.0),
        "b_seed": hex64(challenge.b_seed()),
        "sample_block_hash": hex32(&sample_block.0),
        "miners": miners,
    })
}

fn main() {
    let cases = vec![
        case("ci profile", ChallengeParams::profile(Profile::Ci), 1),
        case(
            "odd shape",
            ChallengeParams { k: 13, n: 7, rows_per_tile: 3, samples: 2, max_tiles: 100 },
            u16::MAX,
        ),
        case(
            "wide k",
            ChallengeParams { k: 100, n: 50, rows_per_tile: 5, samples: 8, max_tiles: 1 << 20 },
            0,
        ),
    ];
    let doc = json!({
        "task": "wtao-gemm-v1",
        "generated_by": "cargo run -p wtao-scoring --example gen_vectors (RefEngine)",
        "cases": cases,
    });
    println!("{}", serde_json::to_string_pretty(&doc).expect("JSON"));
}
