//! `wtao gov status <id>`, and the proposal report every command that moves a proposal prints.

use alloy::primitives::U256;
use clap::Args;
use serde_json::{Value, json};

use super::{
    context::{Gov, GovEndpointArgs},
    proposal::{self, Live, Proposal, State, relative, utc},
    units_wtao,
};
use crate::output::Output;

/// Options of `wtao gov status`.
#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The proposal: its id (decimal or 0x-hex) or a unique prefix of at least 4 digits.
    #[arg(value_name = "ID")]
    pub(crate) id: String,

    #[command(flatten)]
    pub(crate) endpoints: GovEndpointArgs,
}

impl StatusArgs {
    pub(crate) async fn run(self, out: &Output) -> eyre::Result<()> {
        let gov = self.endpoints.connect()?;
        let p = proposal::find(&gov, &self.id).await?;
        let live = proposal::live(&gov, p.id).await?;
        let (data, human) = report(&gov, &p, &live, Value::Null);
        out.success(data, &human);
        Ok(())
    }
}

/// The id as commands take it: its first 10 digits (any unique prefix of 4+ digits works).
pub(crate) fn cli_id(id: U256) -> String {
    id.to_string().chars().take(10).collect()
}

/// What to do next with a proposal in this state.
pub(crate) fn next_step(gov: &Gov, p: &Proposal, live: &Live) -> String {
    let id = cli_id(p.id);
    let devnet = gov.devnet.is_some();
    let warp = |text: &str| if devnet { format!(" ({text})") } else { String::new() };
    match live.state {
        State::Pending => format!(
            "voting opens at {} ({}): then `wtao gov vote {id} for|against|abstain`{}",
            utc(live.opens_at()),
            relative(live.opens_at(), live.now),
            warp("on the devnet, `wtao gov vote … --warp` gets there now")
        ),
        State::Active => format!(
            "voting is open until {} ({}): `wtao gov vote {id} for|against|abstain`; once it \
             closes, `wtao gov queue {id}`{}",
            utc(live.closes_at()),
            relative(live.closes_at(), live.now),
            warp("on the devnet, the last voter's `--warp` closes it now")
        ),
        State::Succeeded => format!("it passed: `wtao gov queue {id}`"),
        State::Queued if live.now >= live.eta => {
            format!("the timelock delay is over: `wtao gov execute {id}`")
        }
        State::Queued => format!(
            "executable at {} ({}): `wtao gov execute {id}`{}",
            utc(live.eta),
            relative(live.eta, live.now),
            warp("`--warp` gets there now")
        ),
        State::Defeated if !live.quorum_reached() => format!(
            "defeated: for + abstain ({}) did not reach the quorum ({})",
            units_wtao(live.tally.for_votes.saturating_add(live.tally.abstain)),
            units_wtao(live.quorum)
        ),
        State::Defeated => "defeated: no more votes for than against".to_owned(),
        State::Executed => "executed: nothing more to do".to_owned(),
        State::Canceled | State::Expired | State::Unknown(_) => {
            format!(
                "{}: nothing more to do; propose it again if it is still wanted",
                live.state.name()
            )
        }
    }
}

/// A proposal's JSON (`extra` merged in) and its human text.
pub(crate) fn report(gov: &Gov, p: &Proposal, live: &Live, extra: Value) -> (Value, String) {
    let actions = proposal::describe(p, gov.bridge);
    let next = next_step(gov, p, live);
    let mut data = json!({
        "id": p.id.to_string(),
        "governor": gov.governor.to_string(),
        "state": live.state.name(),
        "proposer": p.proposer.to_string(),
        "description": p.description,
        "actions": p.targets.iter().zip(&p.values).zip(&p.calldatas).zip(&actions)
            .map(|(((t, v), c), s)| json!({"target": t.to_string(), "value_wei": v.to_string(), "calldata": c, "summary": s}))
            .collect::<Vec<_>>(),
        "votes": live.tally,
        "quorum_rao": live.quorum.to_string(),
        "quorum_final": live.quorum_final,
        "quorum_reached": live.quorum_reached(),
        "snapshot": live.snapshot,
        "deadline": live.deadline,
        "voting_opens_at": live.opens_at(),
        "voting_closes_at": live.closes_at(),
        "eta": (live.eta > 0).then_some(live.eta),
        "now": live.now,
        "created_block": p.block,
        "created_tx": p.tx,
        "next": next,
    });
    if let (Value::Object(map), Value::Object(more)) = (&mut data, extra) {
        map.extend(more);
    }
    let quorum = format!(
        "{}{}: {}",
        units_wtao(live.quorum),
        if live.quorum_final {
            " at the snapshot"
        } else {
            " (estimated from today's supply; fixed at the snapshot)"
        },
        if live.quorum_reached() { "reached" } else { "not reached" }
    );
    let mut human = format!("proposal {} is {}\n", proposal::short_id(p.id), live.state.name());
    let mut row = |k: &str, v: String| human.push_str(&format!("  {k:<12} {v}\n"));
    row("id", p.id.to_string());
    row("description", p.title().to_owned());
    for a in &actions {
        row("action", a.clone());
    }
    row("proposer", p.proposer.to_string());
    row(
        "votes",
        format!(
            "for {} · against {} · abstain {}",
            units_wtao(live.tally.for_votes),
            units_wtao(live.tally.against),
            units_wtao(live.tally.abstain)
        ),
    );
    row("quorum", quorum);
    row(
        "voting",
        format!(
            "opens {} ({}), closes {} ({})",
            utc(live.opens_at()),
            relative(live.opens_at(), live.now),
            utc(live.closes_at()),
            relative(live.closes_at(), live.now)
        ),
    );
    if live.eta > 0 {
        row("eta", format!("{} ({})", utc(live.eta), relative(live.eta, live.now)));
    }
    human.push_str(&format!("next: {next}"));
    (data, human)
}
