//! The miner: announce the proof server with `serve_axon`, then every epoch compute tiles until
//! just before the commit deadline, commit `(epoch, root, tiles)`, and serve the proofs.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use tao_client::{Keypair, TaoClient};
use wtao_scoring::{BlockHash, Challenge, ChallengeParams, Hotkey, MinerWork, TileEngine};

use crate::{
    error::AgentError,
    events::{Event, EventSink},
    proofs::ProofStore,
    reconnect::run_connected,
    schedule::Window,
    work::{Mode, ServedWork},
};

/// Blocks before the deadline at which computing stops and the commitment is sent.
pub const COMMIT_MARGIN_BLOCKS: u64 = 2;

/// `serve_axon`'s protocol byte for the proof server (plain HTTP over TCP).
pub const AXON_PROTOCOL_HTTP: u8 = 4;

/// What a miner needs to know besides its key, engine and proof store.
#[derive(Clone, Debug)]
pub struct MinerConfig {
    /// The subnet.
    pub netuid: u16,
    /// The challenge parameters (a profile's); validators must use the same.
    pub params: ChallengeParams,
    /// The profile's name, for reports.
    pub profile: String,
    /// The address announced with `serve_axon` (where the proof server is reachable).
    pub announce: SocketAddr,
    /// Honest, or one of the test's cheaters.
    pub mode: Mode,
    /// How long one engine call may run before the chain is looked at again.
    pub slice: Duration,
    /// How often to look at the chain while waiting for a block.
    pub poll: Duration,
}

/// Checks that validators can reach `addr` (the chain refuses 127.0.0.1 and `0.0.0.0` means
/// nothing to them).
pub fn check_announce(addr: SocketAddr) -> Result<(), AgentError> {
    let ip = addr.ip();
    if ip.is_unspecified() || ip == std::net::IpAddr::from([127, 0, 0, 1]) || addr.port() == 0 {
        return Err(AgentError::BadAnnounce { addr });
    }
    Ok(())
}

/// Tiles per engine call: about 10^8 multiply-adds (tens of milliseconds on a CPU), at least 1.
pub fn batch_for(params: &ChallengeParams) -> u64 {
    100_000_000u64.checked_div(params.macs_per_tile()).unwrap_or(1).clamp(1, 4_096)
}

/// Runs a miner until a non-recoverable error; reconnects through node restarts. `store` is
/// what its proof server answers from.
pub async fn run_miner(
    url: &str,
    signer: Keypair,
    engine: Arc<dyn TileEngine>,
    config: MinerConfig,
    store: ProofStore,
    serving: SocketAddr,
    events: EventSink,
) -> AgentError {
    if let Err(e) = check_announce(config.announce) {
        return e;
    }
    let last = Arc::new(AtomicU64::new(u64::MAX));
    let started = Arc::new(AtomicBool::new(false));
    let sink = events.clone();
    run_connected(url, &sink, |client| {
        let (signer, engine, config, events, store) =
            (signer.clone(), engine.clone(), config.clone(), events.clone(), store.clone());
        let (last, started) = (last.clone(), started.clone());
        async move {
            let ctx =
                Ctx { client: &client, signer: &signer, engine, config: &config, events: &events };
            ctx.session(&store, serving, &last, &started).await
        }
    })
    .await
}

struct Ctx<'a> {
    client: &'a TaoClient,
    signer: &'a Keypair,
    engine: Arc<dyn TileEngine>,
    config: &'a MinerConfig,
    events: &'a EventSink,
}

impl Ctx<'_> {
    async fn session(
        &self,
        store: &ProofStore,
        serving: SocketAddr,
        last: &AtomicU64,
        started: &AtomicBool,
    ) -> Result<(), AgentError> {
        let (client, netuid) = (self.client, self.config.netuid);
        let hotkey = self.signer.public_key().to_account_id();
        if !client.netuids().await?.contains(&netuid) {
            return Err(AgentError::NoSubnet { netuid });
        }
        let uid = client
            .uid(netuid, &hotkey)
            .await?
            .ok_or_else(|| AgentError::NotRegistered { netuid, hotkey: hotkey.to_string() })?;
        if !started.swap(true, Ordering::SeqCst) {
            (self.events)(&Event::Started {
                role: "miner",
                netuid,
                uid,
                hotkey: hotkey.to_string(),
                engine: self.engine.description(),
                profile: self.config.profile.clone(),
                serving: Some(serving.to_string()),
            });
        }
        let mut announced = self.announce(&hotkey).await?;
        loop {
            let info = client.epoch_info(netuid).await?;
            let window = Window::current(netuid, &info)?;
            if last.load(Ordering::SeqCst) == window.start {
                tokio::time::sleep(self.config.poll).await;
                continue;
            }
            last.store(window.start, Ordering::SeqCst);
            if !announced {
                announced = self.announce(&hotkey).await?;
            }
            // A commitment sent now lands in the next block at the earliest.
            if info.block.saturating_add(1) > window.deadline() {
                (self.events)(&Event::Skipped {
                    epoch: window.epoch(),
                    reason: format!(
                        "at block {} it is too late to commit by block {}",
                        info.block,
                        window.deadline()
                    ),
                });
                continue;
            }
            let Some(hash) = client.block_hash(window.start).await? else { continue };
            self.epoch(&window, BlockHash(hash.0), Hotkey(hotkey.0), store).await?;
        }
    }

    /// `serve_axon` unless the chain already has this address. Returns whether the chain has
    /// it now: a refusal (e.g. `ServingRateLimitExceeded` after a quick restart) is reported and
    /// retried at the next epoch, it does not stop the miner.
    async fn announce(&self, hotkey: &tao_client::AccountId32) -> Result<bool, AgentError> {
        let (netuid, addr) = (self.config.netuid, self.config.announce);
        let current = self.client.axon(netuid, hotkey).await?;
        let block = if current.is_some_and(|a| a.ip == addr.ip() && a.port == addr.port()) {
            None
        } else {
            match self
                .client
                .serve_axon(self.signer, netuid, addr.ip(), addr.port(), AXON_PROTOCOL_HTTP)
                .await
            {
                Ok(r) => Some(r.block_number),
                Err(e) if e.module_error().is_some() => {
                    let error = e.to_string();
                    (self.events)(&Event::AnnounceFailed { axon: addr.to_string(), error });
                    return Ok(false);
                }
                Err(e) => return Err(e.into()),
            }
        };
        (self.events)(&Event::Announced { axon: addr.to_string(), block });
        Ok(true)
    }

    /// One epoch: compute until [`COMMIT_MARGIN_BLOCKS`] before the deadline, commit, serve.
    async fn epoch(
        &self,
        window: &Window,
        hash: BlockHash,
        hotkey: Hotkey,
        store: &ProofStore,
    ) -> Result<(), AgentError> {
        let params = self.config.params;
        let challenge = Challenge::new(params, self.config.netuid, hash)?;
        let mut work = MinerWork::new(&challenge, &hotkey);
        let batch = batch_for(&params);
        let started = Instant::now();
        loop {
            let engine = self.engine.clone();
            let slice = self.config.slice;
            work = tokio::task::spawn_blocking(move || {
                let until = Instant::now().checked_add(slice).unwrap_or_else(Instant::now);
                work.compute_until(&*engine, until, batch).map(|_| work)
            })
            .await
            .map_err(|_| wtao_scoring::EngineError::Internal {
                engine: "miner",
                what: "the compute task panicked",
            })??;
            // Stop with a spare block: the commitment normally lands in the next block, and one
            // more still makes the deadline.
            if work.remaining() == 0
                || self.client.finalized_number().await?.saturating_add(COMMIT_MARGIN_BLOCKS)
                    >= window.deadline()
            {
                break;
            }
        }
        let compute_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let computed = work.tile_count();
        let served = ServedWork::new(window.epoch(), self.config.mode.digests(work.digests()))?;
        let commitment = served.commitment();
        store.insert(served);
        match self.client.commit_raw(self.signer, self.config.netuid, &commitment.to_bytes()).await
        {
            Ok(receipt) => (self.events)(&Event::Committed {
                epoch: window.epoch(),
                computed,
                claimed: commitment.tile_count,
                compute_ms,
                block: receipt.block_number,
                in_time: window.in_time(receipt.block_number),
            }),
            Err(e) if e.module_error().is_some() => (self.events)(&Event::Skipped {
                epoch: window.epoch(),
                reason: format!("the chain refused the commitment: {e}"),
            }),
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use wtao_scoring::Profile;

    use super::*;

    #[test]
    fn announce_addresses_validators_can_reach() {
        assert!(check_announce("127.0.0.2:7000".parse().unwrap()).is_ok());
        assert!(check_announce("10.0.0.5:7000".parse().unwrap()).is_ok());
        for bad in ["127.0.0.1:7000", "0.0.0.0:7000", "10.0.0.5:0", "[::]:7000"] {
            let err = check_announce(bad.parse().unwrap()).unwrap_err();
            assert!(err.to_string().contains("--announce"), "{bad}: {err}");
        }
    }

    #[test]
    fn batches_take_tens_of_milliseconds() {
        assert_eq!(batch_for(&ChallengeParams::profile(Profile::Ci)), 4_096);
        assert_eq!(batch_for(&ChallengeParams::profile(Profile::Dev)), 1);
        assert_eq!(batch_for(&ChallengeParams::profile(Profile::Gpu)), 1);
    }
}
