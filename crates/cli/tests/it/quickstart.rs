//! The README's quick start, exactly as written: every `$ wtao …` line of its parts 1 (a bridge
//! round trip) and 2 (a vote), in order, against a fresh devnet. The commands are read from
//! README.md, so editing the quick start without keeping it true fails here.

use super::{Down, ok, repo_root, text, up_detached, wtao};

/// The quick start: from its heading to the next top-level section.
fn quick_start(readme: &str) -> &str {
    let start = readme.find("## Quick start").expect("README has a quick start");
    let rest = &readme[start..];
    let end = rest[2..].find("\n## ").map_or(rest.len(), |i| i + 2);
    &rest[..end]
}

/// The `$ wtao …` lines of the parts whose headings start with one of `parts` (`### 1.`).
fn commands(quick_start: &str, parts: &[&str]) -> Vec<String> {
    let mut take = false;
    let mut out = Vec::new();
    for line in quick_start.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            take = parts.iter().any(|p| heading.starts_with(p));
        } else if take && let Some(cmd) = line.strip_prefix("$ wtao ") {
            out.push(cmd.trim().to_owned());
        }
    }
    out
}

/// Splits a command line as a POSIX shell would for the quoting the README uses: words
/// separated by spaces, `"…"` and `'…'` keep spaces.
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut in_word) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, ' ') => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    assert!(quote.is_none(), "unclosed quote in `{line}`");
    if in_word {
        out.push(word);
    }
    out
}

#[test]
fn words_split_like_a_shell() {
    assert_eq!(
        words(r#"gov vote 22 for --reason "halve the mint bucket" --warp"#),
        ["gov", "vote", "22", "for", "--reason", "halve the mint bucket", "--warp"]
    );
    assert_eq!(words("balance  alice eve"), ["balance", "alice", "eve"]);
}

#[test]
fn the_quick_start_commands_are_found() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let cmds = commands(quick_start(&readme), &["1.", "2."]);
    assert!(cmds.iter().any(|c| c.starts_with("bridge to-eth")), "{cmds:?}");
    assert!(cmds.iter().any(|c| c.starts_with("bridge to-tao")), "{cmds:?}");
    assert!(cmds.iter().any(|c| c.starts_with("gov execute")), "{cmds:?}");
}

#[test]
fn the_readme_quick_start_runs_as_written() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let cmds = commands(quick_start(&readme), &["1.", "2."]);
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("devnet");
    let d = data_dir.to_str().unwrap();
    let _down = Down(data_dir.clone());
    ok(up_detached(d, &[]));
    for cmd in &cmds {
        let mut args = words(cmd);
        // The README's commands use the default data dir; the test's devnet lives in a temp one.
        args.extend(["--data-dir".to_owned(), d.to_owned()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let started = std::time::Instant::now();
        let out = wtao(&args);
        assert!(
            out.status.success(),
            "`wtao {cmd}` failed ({:?}):\nstdout:\n{}\nstderr:\n{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
        eprintln!("quick start: `wtao {cmd}` ok in {:.1} s", started.elapsed().as_secs_f64());
    }
    ok(wtao(&["devnet", "down", "--json", "--data-dir", d]));
}
