//! The golden vectors (`tests/vectors/golden.json`, written by the reference engine through
//! `examples/gen_vectors.rs`) pin the task: seeds, tiles, digests, Merkle roots and sampling.
//! A change to any of them fails here and means a new task version.

use serde_json::Value;
use wtao_scoring::{
    BlockHash, Challenge, ChallengeParams, CpuEngine, Hotkey, MerkleTree, RefEngine, TileEngine,
};

const GOLDEN: &str = include_str!("../vectors/golden.json");

fn hex32(v: &Value) -> [u8; 32] {
    let s = v.as_str().unwrap();
    let mut out = [0u8; 32];
    hex::decode_to_slice(s.trim_start_matches("0x"), &mut out).unwrap();
    out
}

fn hex64(v: &Value) -> u64 {
    u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

#[test]
fn golden_vectors_hold_for_every_engine() {
    let doc: Value = serde_json::from_str(GOLDEN).unwrap();
    assert_eq!(doc["task"], "wtao-gemm-v1");
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    let mut checked = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let params: ChallengeParams = serde_json::from_value(case["params"].clone()).unwrap();
        let netuid = u16::try_from(case["netuid"].as_u64().unwrap()).unwrap();
        let challenge =
            Challenge::new(params, netuid, BlockHash(hex32(&case["block_hash"]))).unwrap();
        assert_eq!(challenge.b_seed(), hex64(&case["b_seed"]), "{name}: b_seed");
        let sample_block = BlockHash(hex32(&case["sample_block_hash"]));
        for miner in case["miners"].as_array().unwrap() {
            let hotkey = Hotkey(hex32(&miner["hotkey"]));
            let seeds = challenge.miner(&hotkey);
            assert_eq!(seeds.a_seed, hex64(&miner["a_seed"]), "{name}: a_seed");
            assert_eq!(seeds.digest_key, hex64(&miner["digest_key"]), "{name}: digest_key");
            let (tiles, want): (Vec<u64>, Vec<u64>) = miner["tiles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (t[0].as_u64().unwrap(), hex64(&t[1])))
                .unzip();
            let jobs: Vec<_> = tiles.iter().map(|&t| seeds.job(t)).collect();
            let engines: [&dyn TileEngine; 3] =
                [&RefEngine, &CpuEngine::new(), &CpuEngine::baseline()];
            for engine in engines {
                let got = engine.digests(&params, challenge.b_seed(), &jobs).unwrap();
                assert_eq!(got, want, "{name}: digests from {}", engine.description());
                checked += got.len();
            }
            let count = miner["merkle_root_of_first_tiles"]["count"].as_u64().unwrap() as usize;
            let root = MerkleTree::new(&want[..count]).unwrap().root();
            assert_eq!(root, hex32(&miner["merkle_root_of_first_tiles"]["root"]), "{name}: root");
            let sampled: Vec<u64> =
                serde_json::from_value(miner["sampled_of_1000"].clone()).unwrap();
            assert_eq!(challenge.sample_tiles(&sample_block, &hotkey, 1_000), sampled, "{name}");
        }
    }
    assert_eq!(checked, 3 * 2 * 8 * 3);
}
