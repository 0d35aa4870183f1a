//! `wtao gov list`: the governor's proposals, newest first, from their ProposalCreated logs.

use clap::Args;
use serde_json::json;

use super::{
    context::GovEndpointArgs,
    proposal::{self, short_id},
    status::next_step,
    units_wtao,
};
use crate::output::Output;

/// Options of `wtao gov list`.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// At most this many, newest first.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub(crate) limit: usize,

    #[command(flatten)]
    pub(crate) endpoints: GovEndpointArgs,
}

impl ListArgs {
    pub(crate) async fn run(self, out: &Output) -> eyre::Result<()> {
        let gov = self.endpoints.connect()?;
        let mut all = proposal::all(&gov).await?;
        let total = all.len();
        all.reverse();
        all.truncate(self.limit);
        let mut rows = Vec::new();
        let mut data = Vec::new();
        for p in &all {
            let live = proposal::live(&gov, p.id).await?;
            rows.push([
                short_id(p.id),
                live.state.name().to_owned(),
                units_wtao(live.tally.for_votes),
                units_wtao(live.tally.against),
                units_wtao(live.tally.abstain),
                p.title().to_owned(),
            ]);
            data.push(json!({
                "id": p.id.to_string(),
                "state": live.state.name(),
                "proposer": p.proposer.to_string(),
                "title": p.title(),
                "votes": live.tally,
                "snapshot": live.snapshot,
                "deadline": live.deadline,
                "eta": (live.eta > 0).then_some(live.eta),
                "created_block": p.block,
                "next": next_step(&gov, p, &live),
            }));
        }
        let human = if rows.is_empty() {
            format!(
                "no proposals on governor {} yet: `wtao gov propose --help` shows the kinds",
                gov.governor
            )
        } else {
            table(&["ID", "STATE", "FOR", "AGAINST", "ABSTAIN", "TITLE"], &rows, total)
        };
        out.success(
            json!({"governor": gov.governor.to_string(), "total": total, "proposals": data}),
            &human,
        );
        Ok(())
    }
}

fn table(head: &[&str; 6], rows: &[[String; 6]], total: usize) -> String {
    let mut widths = head.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            // Amounts right-aligned, text left-aligned; the last column unpadded.
            if (2..5).contains(&i) {
                s.push_str(&" ".repeat(pad));
                s.push_str(cell);
            } else {
                s.push_str(cell);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(pad));
                }
            }
            if i + 1 < cells.len() {
                s.push_str("  ");
            }
        }
        s
    };
    let mut out = vec![line(head.to_vec())];
    for row in rows {
        out.push(line(row.iter().map(String::as_str).collect()));
    }
    if total > rows.len() {
        out.push(format!("({} older not shown: --limit)", total - rows.len()));
    }
    out.join("\n")
}
