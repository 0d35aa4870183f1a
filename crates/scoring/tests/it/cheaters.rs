//! The validator side against honest and cheating miners, at the library level: only honest
//! work scores, every check is made in one batched engine call, and weights follow.

use std::sync::atomic::{AtomicUsize, Ordering};

use wtao_scoring::{
    BlockHash, Challenge, ChallengeParams, Commitment, CpuEngine, EngineError, Hotkey, MerkleTree,
    MinerSubmission, MinerWork, Profile, SealedWork, TileEngine, TileJob, TileProof, Verdict,
    score_epoch, weights_for,
};

use crate::support::{digest_of, tile_c};

const EPOCH: u64 = 100;
const NETUID: u16 = 3;

fn h(label: &str) -> [u8; 32] {
    *blake3::hash(label.as_bytes()).as_bytes()
}

fn hotkey(name: &str) -> Hotkey {
    Hotkey(h(name))
}

fn challenge() -> Challenge {
    Challenge::new(ChallengeParams::profile(Profile::Ci), NETUID, BlockHash(h("epoch 100")))
        .unwrap()
}

fn sample_block() -> BlockHash {
    BlockHash(h("sample block of epoch 100"))
}

/// A CPU engine that counts its calls and jobs (the validator must batch).
#[derive(Default)]
struct Counting {
    inner: CpuEngine,
    calls: AtomicUsize,
    jobs: AtomicUsize,
}

impl TileEngine for Counting {
    fn name(&self) -> &'static str {
        "counting-cpu"
    }
    fn digests(
        &self,
        p: &ChallengeParams,
        b: u64,
        jobs: &[TileJob],
    ) -> Result<Vec<u64>, EngineError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.jobs.fetch_add(jobs.len(), Ordering::SeqCst);
        self.inner.digests(p, b, jobs)
    }
}

/// A miner whose arithmetic is wrong: one element of C flipped in every tile (or one tile).
struct Flipping {
    only_tile: Option<u64>,
}

impl TileEngine for Flipping {
    fn name(&self) -> &'static str {
        "flipping"
    }
    fn digests(
        &self,
        p: &ChallengeParams,
        b: u64,
        jobs: &[TileJob],
    ) -> Result<Vec<u64>, EngineError> {
        Ok(jobs
            .iter()
            .map(|job| {
                let mut c = tile_c(p, b, job);
                if self.only_tile.is_none_or(|t| t == job.tile) {
                    c[5] ^= 1;
                }
                digest_of(job.digest_key, &c)
            })
            .collect())
    }
}

fn honest_work(challenge: &Challenge, who: &Hotkey, tiles: u64, epoch: u64) -> SealedWork {
    let mut work = MinerWork::new(challenge, who);
    assert_eq!(work.compute(&CpuEngine::new(), tiles).unwrap(), tiles);
    work.seal(epoch).unwrap()
}

/// What a miner serves: proofs for the tiles the validator samples for `who`.
fn served(challenge: &Challenge, who: &Hotkey, work: &SealedWork) -> Vec<TileProof> {
    let tiles = challenge.sample_tiles(&sample_block(), who, work.commitment().tile_count);
    work.proofs(&tiles).unwrap()
}

fn submission(
    uid: u16,
    who: Hotkey,
    commitment: Option<Commitment>,
    proofs: Vec<TileProof>,
) -> MinerSubmission {
    MinerSubmission { uid, hotkey: who, commitment, proofs }
}

/// A commitment over arbitrary digests (for miners that lie about what they computed).
fn forged(digests: &[u64], epoch: u64) -> (Commitment, MerkleTree) {
    let tree = MerkleTree::new(digests).unwrap();
    (Commitment { epoch, merkle_root: tree.root(), tile_count: digests.len() as u64 }, tree)
}

fn forged_proofs(tree: &MerkleTree, digests: &[u64], tiles: &[u64]) -> Vec<TileProof> {
    tiles
        .iter()
        .map(|&t| TileProof { tile: t, digest: digests[t as usize], proof: tree.proof(t).unwrap() })
        .collect()
}

#[test]
fn only_the_honest_miner_scores_and_everything_is_checked_in_one_batch() {
    let c = challenge();
    let mut miners = Vec::new();

    // uid 0: honest, 40 tiles.
    let honest_key = hotkey("honest");
    let honest = honest_work(&c, &honest_key, 40, EPOCH);
    miners.push(submission(
        0,
        honest_key,
        Some(honest.commitment()),
        served(&c, &honest_key, &honest),
    ));

    // uid 1: lazy, committed nothing.
    miners.push(submission(1, hotkey("lazy"), None, vec![]));

    // uid 2: wrong arithmetic: one flipped element of C in every tile.
    let flipper = hotkey("flipper");
    let mut work = MinerWork::new(&c, &flipper);
    work.compute(&Flipping { only_tile: None }, 40).unwrap();
    let flipped = work.seal(EPOCH).unwrap();
    miners.push(submission(2, flipper, Some(flipped.commitment()), served(&c, &flipper, &flipped)));

    // uid 3: over-claims: 10 tiles computed, 1000 claimed (the rest zeros).
    let claimer = hotkey("over-claimer");
    let mut work = MinerWork::new(&c, &claimer);
    work.compute(&CpuEngine::new(), 10).unwrap();
    let mut digests = work.digests().to_vec();
    digests.resize(1_000, 0);
    let (commitment, tree) = forged(&digests, EPOCH);
    let tiles = c.sample_tiles(&sample_block(), &claimer, 1_000);
    miners.push(submission(3, claimer, Some(commitment), forged_proofs(&tree, &digests, &tiles)));

    // uid 4: copies the honest miner's commitment and serves the honest miner's proofs.
    let copier = hotkey("copier");
    let tiles = c.sample_tiles(&sample_block(), &copier, honest.commitment().tile_count);
    miners.push(submission(4, copier, Some(honest.commitment()), honest.proofs(&tiles).unwrap()));

    // uid 5: late: honest work, but its commitment is for the previous epoch.
    let late = hotkey("late");
    let work = honest_work(&c, &late, 40, EPOCH - 1);
    miners.push(submission(5, late, Some(work.commitment()), served(&c, &late, &work)));

    // uid 6: replays last epoch's work (another block hash) under this epoch's number.
    let replayer = hotkey("replayer");
    let last_epoch = Challenge::new(*c.params(), NETUID, BlockHash(h("epoch 99"))).unwrap();
    let work = honest_work(&last_epoch, &replayer, 40, EPOCH);
    miners.push(submission(6, replayer, Some(work.commitment()), served(&c, &replayer, &work)));

    // uid 7: honest work, serves no proofs.
    let silent = hotkey("silent");
    let work = honest_work(&c, &silent, 40, EPOCH);
    miners.push(submission(7, silent, Some(work.commitment()), vec![]));

    // uid 8: honest work, a tampered proof.
    let tamperer = hotkey("tamperer");
    let work = honest_work(&c, &tamperer, 40, EPOCH);
    let mut proofs = served(&c, &tamperer, &work);
    proofs[0].proof.siblings[0][0] ^= 1;
    miners.push(submission(8, tamperer, Some(work.commitment()), proofs));

    // uid 9: commits to zero tiles.
    miners.push(submission(
        9,
        hotkey("empty"),
        Some(Commitment { epoch: EPOCH, merkle_root: [0; 32], tile_count: 0 }),
        vec![],
    ));

    let engine = Counting::default();
    let scores = score_epoch(&engine, &c, EPOCH, &sample_block(), &miners).unwrap();
    let verdicts: Vec<_> = scores.iter().map(|s| (s.uid, s.score, s.verdict)).collect();
    println!("{verdicts:?}");

    assert_eq!(scores[0].verdict, Verdict::Valid);
    assert_eq!(scores[0].score, 40);
    assert_eq!(scores[1].verdict, Verdict::NoCommitment);
    assert!(matches!(scores[2].verdict, Verdict::WrongDigest { .. }), "{:?}", scores[2]);
    assert!(
        matches!(scores[3].verdict, Verdict::WrongDigest { tile } if tile >= 10),
        "{:?}",
        scores[3]
    );
    assert!(matches!(scores[4].verdict, Verdict::WrongDigest { .. }), "{:?}", scores[4]);
    assert_eq!(scores[5].verdict, Verdict::WrongEpoch { committed: EPOCH - 1 });
    assert!(matches!(scores[6].verdict, Verdict::WrongDigest { .. }), "{:?}", scores[6]);
    assert!(matches!(scores[7].verdict, Verdict::MissingProof { .. }), "{:?}", scores[7]);
    assert!(matches!(scores[8].verdict, Verdict::BadProof { .. }), "{:?}", scores[8]);
    assert_eq!(scores[9].verdict, Verdict::NoTiles);
    for s in &scores[1..] {
        assert_eq!(s.score, 0, "uid {} ({:?}) must earn nothing", s.uid, s.verdict);
    }

    // One engine call for everything that passed the commitment and proof checks: the honest,
    // flipping, over-claiming, copying and replaying miners, 4 samples each.
    assert_eq!(engine.calls.load(Ordering::SeqCst), 1);
    assert_eq!(engine.jobs.load(Ordering::SeqCst), 5 * 4);

    assert_eq!(weights_for(&scores).unwrap(), vec![(0, 65_535)]);
}

#[test]
fn a_single_wrong_tile_is_caught_when_sampled() {
    let c = challenge();
    let who = hotkey("one bad tile");
    let tiles = c.sample_tiles(&sample_block(), &who, 40);
    let mut work = MinerWork::new(&c, &who);
    work.compute(&Flipping { only_tile: Some(tiles[2]) }, 40).unwrap();
    let work = work.seal(EPOCH).unwrap();
    let miners = [submission(1, who, Some(work.commitment()), served(&c, &who, &work))];
    let scores = score_epoch(&CpuEngine::new(), &c, EPOCH, &sample_block(), &miners).unwrap();
    assert_eq!(scores[0].verdict, Verdict::WrongDigest { tile: tiles[2] });
    assert_eq!(scores[0].score, 0);
}

#[test]
fn over_claiming_never_pays_on_average() {
    // h honest tiles claimed as c: expected score c·P(all s samples < h) ≤ h.
    let c = challenge();
    let who = hotkey("gambler");
    let mut work = MinerWork::new(&c, &who);
    work.compute(&CpuEngine::new(), 10).unwrap();
    let honest: Vec<u64> = work.digests().to_vec();
    let engine = CpuEngine::new();
    for claimed in [11u64, 14, 20] {
        let mut digests = honest.clone();
        digests.resize(claimed as usize, 0);
        let (commitment, tree) = forged(&digests, EPOCH);
        let mut total = 0u64;
        let rounds = 300u64;
        for round in 0..rounds {
            let block = BlockHash(h(&format!("sample {round}")));
            let tiles = c.sample_tiles(&block, &who, claimed);
            let miners =
                [submission(1, who, Some(commitment), forged_proofs(&tree, &digests, &tiles))];
            total += score_epoch(&engine, &c, EPOCH, &block, &miners).unwrap()[0].score;
        }
        let mean = total as f64 / rounds as f64;
        assert!(mean < 10.0, "claiming {claimed} for 10 computed averaged {mean}");
    }
}

#[test]
fn scores_are_capped_at_max_tiles() {
    let params = ChallengeParams { max_tiles: 8, ..ChallengeParams::profile(Profile::Ci) };
    let c = Challenge::new(params, NETUID, BlockHash(h("capped"))).unwrap();
    let who = hotkey("prolific");
    // A miner stops counting at max_tiles…
    let mut work = MinerWork::new(&c, &who);
    assert_eq!(work.compute(&CpuEngine::new(), 50).unwrap(), 8);
    assert_eq!(work.remaining(), 0);
    // …and a valid commitment to more still scores max_tiles.
    let seeds = c.miner(&who);
    let jobs: Vec<_> = (0..12).map(|t| seeds.job(t)).collect();
    let digests = CpuEngine::new().digests(&params, c.b_seed(), &jobs).unwrap();
    let (commitment, tree) = forged(&digests, EPOCH);
    let tiles = c.sample_tiles(&sample_block(), &who, 12);
    let miners = [submission(1, who, Some(commitment), forged_proofs(&tree, &digests, &tiles))];
    let scores = score_epoch(&CpuEngine::new(), &c, EPOCH, &sample_block(), &miners).unwrap();
    assert_eq!(
        (scores[0].verdict, scores[0].tiles_claimed, scores[0].score),
        (Verdict::Valid, 12, 8)
    );
}

#[test]
fn weights_rank_honest_miners_by_work() {
    let c = challenge();
    let (a, b) = (hotkey("small"), hotkey("big"));
    let (wa, wb) = (honest_work(&c, &a, 10, EPOCH), honest_work(&c, &b, 40, EPOCH));
    let miners = [
        submission(7, b, Some(wb.commitment()), served(&c, &b, &wb)),
        submission(2, a, Some(wa.commitment()), served(&c, &a, &wa)),
    ];
    let scores = score_epoch(&CpuEngine::new(), &c, EPOCH, &sample_block(), &miners).unwrap();
    assert_eq!(weights_for(&scores).unwrap(), vec![(2, 16_384), (7, 65_535)]);
}

#[test]
fn proofs_and_commitments_survive_the_wire() {
    let c = challenge();
    let who = hotkey("wire");
    let work = honest_work(&c, &who, 9, EPOCH);
    let bytes = work.commitment().to_bytes();
    let commitment = Commitment::from_bytes(&bytes).unwrap();
    let json = serde_json::to_string(&served(&c, &who, &work)).unwrap();
    let proofs: Vec<TileProof> = serde_json::from_str(&json).unwrap();
    let miners = [submission(1, who, Some(commitment), proofs)];
    let scores = score_epoch(&CpuEngine::new(), &c, EPOCH, &sample_block(), &miners).unwrap();
    assert_eq!((scores[0].verdict, scores[0].score), (Verdict::Valid, 9));
}
