//! The validator: after each epoch's sample block, read every neuron's commitment and axon,
//! fetch the sampled proofs, recompute all sampled tiles of all miners in one engine call,
//! and set the resulting weights.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use tao_client::{Keypair, RawCommitment, TaoClient};
use tokio::task::JoinSet;
use wtao_scoring::{
    BlockHash, Challenge, ChallengeParams, Commitment, Hotkey, MinerScore, MinerSubmission,
    TileEngine, score_epoch, weights_for,
};

use crate::{
    LOG_TARGET,
    error::AgentError,
    events::{Event, EventSink},
    proofs::fetch_proofs,
    reconnect::run_connected,
    schedule::Window,
};

/// What a validator needs to know besides its key and engine.
#[derive(Clone, Debug)]
pub struct ValidatorConfig {
    /// The subnet.
    pub netuid: u16,
    /// The challenge parameters (a profile's); miners must use the same.
    pub params: ChallengeParams,
    /// The profile's name, for reports.
    pub profile: String,
    /// How long one miner may take to answer a proof request.
    pub fetch_timeout: Duration,
    /// The version key to send; the subnet's `WeightsVersionKey` when `None`.
    pub version_key: Option<u64>,
    /// How often to look at the chain while waiting for a block.
    pub poll: Duration,
}

/// One neuron as a validator sees it for an epoch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Neuron {
    /// Its uid.
    pub uid: u16,
    /// Its hotkey.
    pub hotkey: Hotkey,
    /// Its commitment as read at the sample block.
    pub commitment: Option<RawCommitment>,
    /// Its axon.
    pub axon: Option<SocketAddr>,
}

/// The scores of one epoch and what producing them took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochScores {
    /// Every neuron's score, in the order given.
    pub scores: Vec<MinerScore>,
    /// Tiles sampled over all miners whose commitment counts.
    pub sampled: u64,
    /// Milliseconds of the proof checks and the one engine call.
    pub score_ms: u64,
}

/// The commitment that counts for `window`: one included in time that decodes. A late one,
/// or bytes that are not a [`Commitment`], count as none.
pub fn counted_commitment(window: &Window, raw: Option<&RawCommitment>) -> Option<Commitment> {
    let raw = raw?;
    if !window.in_time(raw.block) {
        tracing::debug!(target: LOG_TARGET, block = raw.block, deadline = window.deadline(), "late commitment");
        return None;
    }
    Commitment::from_bytes(&raw.bytes).ok()
}

/// Scores every neuron for `window`: fetches the sampled proofs from each miner's axon
/// concurrently (a miner that fails to answer within `timeout` has no proofs and scores 0),
/// then [`score_epoch`] — one engine call for all sampled tiles of all miners.
pub async fn score_window(
    engine: Arc<dyn TileEngine>,
    challenge: &Challenge,
    window: &Window,
    sample_hash: &BlockHash,
    neurons: &[Neuron],
    timeout: Duration,
) -> Result<EpochScores, AgentError> {
    let epoch = window.epoch();
    let mut fetches = JoinSet::new();
    let mut submissions = Vec::with_capacity(neurons.len());
    let mut sampled = 0u64;
    for (i, n) in neurons.iter().enumerate() {
        let commitment = counted_commitment(window, n.commitment.as_ref());
        if let (Some(c), Some(addr)) = (commitment, n.axon)
            && c.epoch == epoch
            && c.tile_count > 0
        {
            let tiles = challenge.sample_tiles(sample_hash, &n.hotkey, c.tile_count);
            sampled = sampled.saturating_add(tiles.len() as u64);
            let uid = n.uid;
            fetches.spawn(async move {
                let proofs = fetch_proofs(addr, epoch, &tiles, timeout).await.unwrap_or_else(|e| {
                    tracing::info!(target: LOG_TARGET, uid, error = %e, "no proofs: the miner scores 0");
                    Vec::new()
                });
                (i, proofs)
            });
        }
        submissions.push(MinerSubmission {
            uid: n.uid,
            hotkey: n.hotkey,
            commitment,
            proofs: Vec::new(),
        });
    }
    while let Some(done) = fetches.join_next().await {
        if let Ok((i, proofs)) = done
            && let Some(s) = submissions.get_mut(i)
        {
            s.proofs = proofs;
        }
    }
    let started = Instant::now();
    let challenge = challenge.clone();
    let sample_hash = *sample_hash;
    let scores = tokio::task::spawn_blocking(move || {
        score_epoch(&*engine, &challenge, epoch, &sample_hash, &submissions)
    })
    .await
    .map_err(|_| wtao_scoring::EngineError::Internal {
        engine: "validator",
        what: "the scoring task panicked",
    })??;
    let score_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(EpochScores { scores, sampled, score_ms })
}

/// Runs a validator until a non-recoverable error: scores every epoch after its sample block
/// and sets weights; reconnects through node restarts.
pub async fn run_validator(
    url: &str,
    signer: Keypair,
    engine: Arc<dyn TileEngine>,
    config: ValidatorConfig,
    events: EventSink,
) -> AgentError {
    let last_scored = Arc::new(AtomicU64::new(u64::MAX));
    let started = Arc::new(AtomicBool::new(false));
    let sink = events.clone();
    run_connected(url, &sink, |client| {
        let (signer, engine, config, events) =
            (signer.clone(), engine.clone(), config.clone(), events.clone());
        let (last_scored, started) = (last_scored.clone(), started.clone());
        async move {
            session(&client, &signer, engine, &config, &events, &last_scored, &started).await
        }
    })
    .await
}

async fn session(
    client: &TaoClient,
    signer: &Keypair,
    engine: Arc<dyn TileEngine>,
    config: &ValidatorConfig,
    events: &EventSink,
    last_scored: &AtomicU64,
    started: &AtomicBool,
) -> Result<(), AgentError> {
    let netuid = config.netuid;
    let hotkey = signer.public_key().to_account_id();
    if !client.netuids().await?.contains(&netuid) {
        return Err(AgentError::NoSubnet { netuid });
    }
    let uid = client
        .uid(netuid, &hotkey)
        .await?
        .ok_or_else(|| AgentError::NotRegistered { netuid, hotkey: hotkey.to_string() })?;
    if !started.swap(true, Ordering::SeqCst) {
        events(&Event::Started {
            role: "validator",
            netuid,
            uid,
            hotkey: hotkey.to_string(),
            engine: engine.description(),
            profile: config.profile.clone(),
            serving: None,
        });
    }
    loop {
        let info = client.epoch_info(netuid).await?;
        let window = Window::current(netuid, &info)?;
        if last_scored.load(Ordering::SeqCst) == window.start || info.block < window.sample_block()
        {
            tokio::time::sleep(config.poll).await;
            continue;
        }
        last_scored.store(window.start, Ordering::SeqCst);
        let (Some(challenge_hash), Some(sample_hash)) = (
            client.block_hash(window.start).await?,
            client.block_hash(window.sample_block()).await?,
        ) else {
            continue;
        };
        let challenge = Challenge::new(config.params, netuid, BlockHash(challenge_hash.0))?;
        let sample_hash = BlockHash(sample_hash.0);
        let metagraph = client.metagraph(netuid).await?;
        let mut neurons = Vec::new();
        for (n, hk) in metagraph.hotkeys.iter().enumerate() {
            let Ok(n) = u16::try_from(n) else { break };
            if n == uid {
                continue;
            }
            let commitment = client.commitment(netuid, hk, Some(window.sample_block())).await?;
            let axon = client.axon(netuid, hk).await?.map(|a| SocketAddr::new(a.ip, a.port));
            neurons.push(Neuron { uid: n, hotkey: Hotkey(hk.0), commitment, axon });
        }
        let result = score_window(
            engine.clone(),
            &challenge,
            &window,
            &sample_hash,
            &neurons,
            config.fetch_timeout,
        )
        .await?;
        events(&Event::Scored {
            epoch: window.epoch(),
            sampled: result.sampled,
            score_ms: result.score_ms,
            miners: result.scores.clone(),
        });
        let weights = weights_for(&result.scores)?;
        if weights.is_empty() {
            events(&Event::Skipped {
                epoch: window.epoch(),
                reason: "no miner earned weight: nothing to set".into(),
            });
            continue;
        }
        let version_key = match config.version_key {
            Some(v) => v,
            None => client.subnet_info(netuid).await?.weights_version_key,
        };
        match client.set_weights(signer, netuid, &weights, version_key).await {
            Ok(receipt) => events(&Event::WeightsSet {
                epoch: window.epoch(),
                block: receipt.block_number,
                weights,
            }),
            Err(e) if e.module_error().is_some() => events(&Event::Skipped {
                epoch: window.epoch(),
                reason: format!("the chain refused the weights: {e}"),
            }),
            Err(e) => return Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use wtao_scoring::{CpuEngine, Profile, Verdict};

    use super::*;
    use crate::{
        proofs::{ProofServer, ProofStore},
        work::{Mode, ServedWork},
    };

    const NETUID: u16 = 1;

    /// A miner of `mode` that computed `tiles` honestly for `window`, committed at `block` and
    /// serves its proofs on a real server.
    async fn miner(
        challenge: &Challenge,
        window: &Window,
        uid: u16,
        mode: Mode,
        tiles: u64,
        block: u64,
    ) -> (Neuron, ProofServer) {
        let hotkey = Hotkey([uid as u8; 32]);
        let mut work = wtao_scoring::MinerWork::new(challenge, &hotkey);
        work.compute(&CpuEngine::new(), tiles).unwrap();
        let served = ServedWork::new(window.epoch(), mode.digests(work.digests())).unwrap();
        let raw = RawCommitment { block, bytes: served.commitment().to_bytes().to_vec() };
        let store = ProofStore::new();
        store.insert(served);
        let server = ProofServer::bind("127.0.0.1:0".parse().unwrap(), store).await.unwrap();
        let neuron = Neuron { uid, hotkey, commitment: Some(raw), axon: Some(server.local_addr()) };
        (neuron, server)
    }

    #[tokio::test]
    async fn only_honest_in_time_miners_that_answer_earn_weight() {
        let params = ChallengeParams::profile(Profile::Ci);
        let window = Window::new(NETUID, 200, 10).unwrap();
        let challenge = Challenge::new(params, NETUID, BlockHash([5; 32])).unwrap();
        let sample = BlockHash([6; 32]);
        let (honest, _s1) = miner(&challenge, &window, 1, Mode::Honest, 40, 202).await;
        let (small, _s2) = miner(&challenge, &window, 2, Mode::Honest, 10, 205).await;
        let (lazy, _s3) = miner(&challenge, &window, 3, Mode::Lazy, 40, 202).await;
        let (lying, _s4) = miner(&challenge, &window, 4, Mode::Lying, 40, 202).await;
        let (late, _s5) = miner(&challenge, &window, 5, Mode::Honest, 40, 206).await;
        let (mut gone, server) = miner(&challenge, &window, 6, Mode::Honest, 40, 202).await;
        drop(server);
        let validator = Neuron { uid: 7, hotkey: Hotkey([7; 32]), commitment: None, axon: None };
        // A commitment copied from miner 1 by miner 8: its tree is for another hotkey.
        let copier = Neuron { uid: 8, hotkey: Hotkey([8; 32]), ..honest.clone() };
        gone.commitment.as_mut().unwrap().block = 203;
        let neurons = [honest, small, lazy, lying, late, gone, validator, copier];

        let engine: Arc<dyn TileEngine> = Arc::new(CpuEngine::new());
        let t = Duration::from_secs(5);
        let result =
            score_window(engine.clone(), &challenge, &window, &sample, &neurons, t).await.unwrap();
        let by_uid = |uid: u16| result.scores.iter().find(|s| s.uid == uid).unwrap().clone();
        assert_eq!((by_uid(1).score, by_uid(1).verdict), (40, Verdict::Valid));
        assert_eq!((by_uid(2).score, by_uid(2).verdict), (10, Verdict::Valid));
        assert_eq!(by_uid(3).tiles_claimed, 400);
        assert!(matches!(by_uid(3).verdict, Verdict::WrongDigest { .. }), "{:?}", by_uid(3));
        assert!(matches!(by_uid(4).verdict, Verdict::WrongDigest { .. }), "{:?}", by_uid(4));
        assert_eq!(by_uid(5).verdict, Verdict::NoCommitment, "late");
        assert!(matches!(by_uid(6).verdict, Verdict::MissingProof { .. }), "{:?}", by_uid(6));
        assert_eq!(by_uid(7).verdict, Verdict::NoCommitment);
        assert!(matches!(by_uid(8).verdict, Verdict::WrongDigest { .. }), "{:?}", by_uid(8));
        assert_eq!(result.sampled, 4 * 6, "s = 4 tiles of each miner whose commitment counts");
        // u16 weights as the SDK makes them: 40 → 65535, 10 → 16384; nobody else.
        assert_eq!(weights_for(&result.scores).unwrap(), [(1, 65_535), (2, 16_384)]);

        // Every validator computes the same scores (the weights Yuma compares).
        let again = score_window(engine, &challenge, &window, &sample, &neurons, t).await.unwrap();
        assert_eq!(again.scores, result.scores);
    }

    #[test]
    fn a_commitment_counts_when_in_time_and_readable() {
        let window = Window::new(NETUID, 100, 10).unwrap();
        let c = Commitment { epoch: 100, merkle_root: [1; 32], tile_count: 3 };
        let raw = |block, bytes: Vec<u8>| RawCommitment { block, bytes };
        let good = raw(105, c.to_bytes().to_vec());
        assert_eq!(counted_commitment(&window, Some(&good)), Some(c));
        assert_eq!(counted_commitment(&window, Some(&raw(106, c.to_bytes().to_vec()))), None);
        assert_eq!(counted_commitment(&window, Some(&raw(104, b"hello".to_vec()))), None);
        assert_eq!(counted_commitment(&window, None), None);
    }
}
