//! Compiling `contracts/` with foundry-compilers, through the npm solc-js shim (DESIGN §3).
//!
//! Caching: foundry-compilers keeps a cache file of content hashes, solc settings and imports. A
//! run with unchanged sources (and imports, and settings) starts no compiler and reads the
//! artifacts from disk; a changed file recompiles that file and its dependants. Our cache and
//! artifacts live in `contracts/cache/wtao-contracts/` (git-ignored), apart from forge's
//! `cache/solidity-files-cache.json` and `out/`, so that `forge build` and `cargo test` never
//! invalidate each other.
//!
//! Concurrency: test threads of one process share a single compile ([`artifacts`]); separate
//! processes (two test binaries, a test and a CLI) take an exclusive lock on
//! `contracts/cache/wtao-contracts/.lock` while they compile, so they never write the cache at the
//! same time.

use std::{
    collections::BTreeMap,
    fs::File,
    path::{Path, PathBuf},
    sync::{Mutex, OnceLock, PoisonError},
    time::Instant,
};

use alloy::json_abi::JsonAbi;
use alloy_primitives::Bytes;
use alloy_sol_types::SolConstructor;
use foundry_compilers::{
    Artifact, ConfigurableArtifacts, ProjectBuilder, ProjectPathsConfig,
    artifacts::{
        BytecodeHash, EvmVersion, Optimizer, Settings, SettingsMetadata, remappings::Remapping,
    },
    solc::{Solc, SolcCompiler, SolcSettings},
    utils::sol_source_files,
};

use crate::ContractsError;

/// The solc settings of `contracts/foundry.toml` that change bytecode (and so gas); a test checks
/// that the two agree.
pub const OPTIMIZER_RUNS: usize = 10_000;
/// EVM version the contracts are compiled for; the harness runs the same hard fork.
pub const EVM_VERSION: EvmVersion = EvmVersion::Prague;
/// Remappings of `contracts/foundry.toml`, relative to `contracts/`.
pub const REMAPPINGS: [&str; 2] = [
    "@openzeppelin/contracts/=node_modules/@openzeppelin/contracts/",
    "@openzeppelin/contracts-upgradeable/=node_modules/@openzeppelin/contracts-upgradeable/",
];
/// Directories compiled besides `src/`: the test mocks the harness deploys (upgrade targets).
/// The forge tests themselves are left to forge.
pub const EXTRA_SOURCE_DIR: &str = "test/mocks";
/// OpenZeppelin contracts the deployment uses directly (`contracts/script/Deploy.s.sol` imports
/// them), relative to `node_modules/@openzeppelin/contracts/`.
pub const OPENZEPPELIN_DEPLOYED: [&str; 2] =
    ["proxy/ERC1967/ERC1967Proxy.sol", "governance/TimelockController.sol"];
/// Where our cache and artifacts go, relative to `contracts/`.
pub const CACHE_DIR: &str = "cache/wtao-contracts";

/// `contracts/` in this repository, as seen from this crate's sources.
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..").join("contracts")
}

/// One compiled contract.
#[derive(Clone, Debug)]
pub struct ContractArtifact {
    /// Contract name.
    pub name: String,
    /// Source file, relative to `contracts/` where possible.
    pub source: PathBuf,
    /// ABI.
    pub abi: JsonAbi,
    /// Creation code (constructor arguments are appended to it); empty for interfaces and
    /// abstract contracts.
    pub bytecode: Bytes,
    /// Runtime code.
    pub deployed_bytecode: Bytes,
}

/// Every contract of one compile, by name.
#[derive(Clone, Debug, Default)]
pub struct Artifacts {
    by_name: BTreeMap<String, Vec<ContractArtifact>>,
    /// Whether this run compiled anything (false: everything came from the cache).
    pub recompiled: bool,
}

impl Artifacts {
    /// The contract called `name`.
    ///
    /// # Errors
    /// [`ContractsError::MissingArtifact`] if there is none, [`ContractsError::AmbiguousArtifact`]
    /// if two sources define that name.
    pub fn get(&self, name: &str) -> Result<&ContractArtifact, ContractsError> {
        match self.by_name.get(name).map(Vec::as_slice) {
            None | Some([]) => Err(ContractsError::MissingArtifact { name: name.to_owned() }),
            Some([one]) => Ok(one),
            Some(many) => Err(ContractsError::AmbiguousArtifact {
                name: name.to_owned(),
                sources: many.iter().map(|a| a.source.clone()).collect(),
            }),
        }
    }

    /// Creation code of `name`.
    ///
    /// # Errors
    /// As [`Artifacts::get`], plus [`ContractsError::NoBytecode`] for interfaces and abstract
    /// contracts.
    pub fn bytecode(&self, name: &str) -> Result<&Bytes, ContractsError> {
        let artifact = self.get(name)?;
        if artifact.bytecode.is_empty() {
            return Err(ContractsError::NoBytecode { name: name.to_owned() });
        }
        Ok(&artifact.bytecode)
    }

    /// Creation code of `name` followed by its ABI-encoded constructor arguments: what a
    /// deployment transaction carries.
    ///
    /// # Errors
    /// As [`Artifacts::bytecode`].
    pub fn init_code<C: SolConstructor>(
        &self,
        name: &str,
        args: &C,
    ) -> Result<Bytes, ContractsError> {
        let mut code = self.bytecode(name)?.to_vec();
        code.extend_from_slice(&args.abi_encode());
        Ok(code.into())
    }

    /// All contract names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

/// Checks that `npm ci` has run: the solc shim needs `node_modules/solc`, the sources need
/// OpenZeppelin.
fn check_toolchain(root: &Path) -> Result<PathBuf, ContractsError> {
    let solc = root.join("tools").join("solc");
    let node_modules = root.join("..").join("node_modules");
    for needed in [
        solc.clone(),
        node_modules.join("solc").join("package.json"),
        node_modules.join("@openzeppelin").join("contracts").join("package.json"),
        node_modules.join("@openzeppelin").join("contracts-upgradeable").join("package.json"),
    ] {
        if !needed.exists() {
            return Err(ContractsError::Toolchain { missing: needed });
        }
    }
    Ok(solc)
}

/// [`REMAPPINGS`] with absolute targets: foundry-compilers resolves imports with them to build its
/// dependency graph (which drives the cache) and hands them to solc.
fn remappings(root: &Path) -> Result<Vec<Remapping>, ContractsError> {
    REMAPPINGS
        .iter()
        .map(|text| {
            let mut remapping: Remapping = text.parse().map_err(|e| ContractsError::Remapping {
                remapping: (*text).to_owned(),
                reason: format!("{e}"),
            })?;
            let target = root.join(&remapping.path);
            let target = target
                .canonicalize()
                .map_err(|source| ContractsError::Io { path: target.clone(), source })?;
            remapping.path = format!("{}/", target.display());
            Ok(remapping)
        })
        .collect()
}

/// The version of the npm `solc` package, which the shim runs.
fn solc_js_version(node_modules: &Path) -> Result<String, ContractsError> {
    let path = node_modules.join("solc").join("package.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|source| ContractsError::Io { path: path.clone(), source })?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ContractsError::SolcVersion {
            version: String::new(),
            reason: format!("{}: {e}", path.display()),
        })?;
    match json.get("version").and_then(serde_json::Value::as_str) {
        Some(version) => Ok(version.to_owned()),
        None => Err(ContractsError::SolcVersion {
            version: String::new(),
            reason: format!("{} has no \"version\"", path.display()),
        }),
    }
}

/// The bytecode-relevant settings of `foundry.toml`.
fn settings() -> SolcSettings {
    let settings = Settings {
        optimizer: Optimizer { enabled: Some(true), runs: Some(OPTIMIZER_RUNS), details: None },
        metadata: Some(SettingsMetadata::from(BytecodeHash::None)),
        evm_version: Some(EVM_VERSION),
        ..Settings::default()
    };
    SolcSettings { settings, ..SolcSettings::default() }
}

/// Compiles `root` (a Foundry project laid out like `contracts/`): `src/` and `test/mocks/`, with
/// the settings of `foundry.toml`, through `root/tools/solc`. Recompiles only what changed since
/// the last run (see the module docs).
///
/// # Errors
/// [`ContractsError::Toolchain`] when `npm ci` has not run, [`ContractsError::Compile`] with
/// solc's messages when a source does not compile, I/O errors for the cache.
pub fn compile(root: &Path) -> Result<Artifacts, ContractsError> {
    let solc_path = check_toolchain(root)?;
    let root = root
        .canonicalize()
        .map_err(|source| ContractsError::Io { path: root.to_owned(), source })?;
    // One spelling per file: `contracts/../node_modules/x` and `node_modules/x` would be two
    // sources to foundry-compilers, with the same contract names.
    let node_modules = root.join("..").join("node_modules");
    let node_modules = node_modules
        .canonicalize()
        .map_err(|source| ContractsError::Io { path: node_modules.clone(), source })?;
    let cache = root.join(CACHE_DIR);
    std::fs::create_dir_all(&cache)
        .map_err(|source| ContractsError::Io { path: cache.clone(), source })?;
    let lock_path = cache.join(".lock");
    let lock = File::create(&lock_path)
        .map_err(|source| ContractsError::Io { path: lock_path.clone(), source })?;
    lock.lock().map_err(|source| ContractsError::Io { path: lock_path.clone(), source })?;

    let started = Instant::now();
    let paths = ProjectPathsConfig::builder()
        .root(&root)
        .sources(root.join("src"))
        .tests(root.join(EXTRA_SOURCE_DIR))
        .scripts(root.join(EXTRA_SOURCE_DIR))
        .libs([node_modules.clone()])
        .remappings(remappings(&root)?)
        .artifacts(cache.join("out"))
        .cache(cache.join("solidity-files-cache.json"))
        .build_with_root(&root);
    // The version comes from solc-js's package.json rather than `solc --version`: starting node
    // and loading the wasm compiler costs about a second, and a cache hit needs no compiler.
    // (Debug builds of foundry-compilers still run `--version` once, as a debug assertion.)
    let version = solc_js_version(&node_modules)?;
    let solc = match version.parse() {
        Ok(parsed) => Solc::new_with_version(&solc_path, parsed),
        Err(e) => return Err(ContractsError::SolcVersion { version, reason: e.to_string() }),
    };
    let project = ProjectBuilder::<SolcCompiler>::new(ConfigurableArtifacts::default())
        .paths(paths)
        .settings(settings())
        .offline()
        .build(SolcCompiler::Specific(solc))
        .map_err(|source| ContractsError::Solc {
            path: solc_path.clone(),
            source: Box::new(source),
        })?;
    let oz = node_modules.join("@openzeppelin").join("contracts");
    let files = sol_source_files(&root.join("src"))
        .into_iter()
        .chain(sol_source_files(&root.join(EXTRA_SOURCE_DIR)))
        .chain(OPENZEPPELIN_DEPLOYED.iter().map(|f| oz.join(f)));
    let output = project.compile_files(files).map_err(|source| ContractsError::Solc {
        path: solc_path.clone(),
        source: Box::new(source),
    })?;
    if output.has_compiler_errors() {
        return Err(ContractsError::Compile {
            errors: output
                .output()
                .errors
                .iter()
                .filter(|e| e.is_error())
                // solc's own rendering: no terminal colours, file and line included.
                .map(|e| e.formatted_message.clone().unwrap_or_else(|| e.message.clone()))
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }
    let recompiled = !output.is_unchanged();
    tracing::debug!(target: "contracts", ?root, recompiled, elapsed = ?started.elapsed(), "compiled");

    let mut artifacts = Artifacts { recompiled, ..Artifacts::default() };
    for (id, artifact) in output.into_artifacts() {
        let abi = artifact.get_abi().map(|a| a.into_owned()).unwrap_or_default();
        let bytecode = artifact.get_bytecode_bytes().map(|b| b.into_owned()).unwrap_or_default();
        let deployed_bytecode =
            artifact.get_deployed_bytecode_bytes().map(|b| b.into_owned()).unwrap_or_default();
        let source = id.source.strip_prefix(&root).map(Path::to_path_buf).unwrap_or(id.source);
        artifacts.by_name.entry(id.name.clone()).or_default().push(ContractArtifact {
            name: id.name,
            source,
            abi,
            bytecode,
            deployed_bytecode,
        });
    }
    drop(lock);
    Ok(artifacts)
}

/// The artifacts of [`default_root`], compiled once per process (see the module docs).
///
/// # Errors
/// As [`compile`]; a failed compile is retried by the next caller.
pub fn artifacts() -> Result<&'static Artifacts, ContractsError> {
    static COMPILED: OnceLock<Artifacts> = OnceLock::new();
    static COMPILING: Mutex<()> = Mutex::new(());
    if let Some(done) = COMPILED.get() {
        return Ok(done);
    }
    let _only_one = COMPILING.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(done) = COMPILED.get() {
        return Ok(done);
    }
    let compiled = compile(&default_root())?;
    Ok(COMPILED.get_or_init(|| compiled))
}
