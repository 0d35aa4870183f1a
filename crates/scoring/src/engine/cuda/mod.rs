//! The CUDA engine: the kernel in `kernel.cu`, compiled by NVRTC when the engine starts, run
//! through the driver API. Both libraries are loaded at run time (cudarc's `dynamic-loading`), so
//! the same binary runs on machines with and without a GPU.
//!
//! Start-up ([`CudaEngine::try_new`]) checks that `libcuda` and `libnvrtc` can be loaded, finds a
//! device, compiles the kernel for the highest architecture both NVRTC and the device support,
//! and loads it. Anything that fails — including a panic inside cudarc, which it uses for a
//! missing symbol — becomes [`EngineError::Unavailable`] with the reason, never a crash.
//!
//! Per epoch, B is packed on the device by `wtao_pack_b` and kept. Per call, the jobs (3 u64
//! each) go up, `wtao_tiles` runs one block per (column block, row block, job), and one u64 per
//! job comes back.

use std::{
    any::Any,
    ffi::c_int,
    panic::{self, AssertUnwindSafe},
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use cudarc::{
    driver::{
        CudaContext, CudaFunction, CudaSlice, CudaStream, DriverError, LaunchConfig, PushKernelArg,
    },
    nvrtc::{CompileOptions, Ptx},
};
use serde::Serialize;

use crate::{
    challenge::{ChallengeParams, TileJob},
    engine::{LOG_TARGET, TileEngine, check_params},
    error::EngineError,
};

/// The kernel source, compiled at start-up.
pub const KERNEL_SOURCE: &str = include_str!("kernel.cu");

const ENGINE: &str = "cuda";
/// Block shape of `wtao_tiles` (must match `BM`, `BN`, `BK`, `THREADS` in `kernel.cu`).
const BLOCK_ROWS: u32 = 128;
const BLOCK_COLS: u32 = 128;
const BLOCK_K: u32 = 32;
const THREADS: u32 = 256;
/// Grid z (jobs per launch) is limited to 65535 by the hardware.
const MAX_JOBS_PER_LAUNCH: usize = 65_535;
/// Architecture used when no device is there to ask (compile checks): Ampere, the oldest with
/// everything the kernel uses, and what every newer GPU runs through the driver's PTX JIT.
pub const DEFAULT_ARCH: u32 = 80;

/// What the engine found at start-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CudaInfo {
    /// Device 0's name, e.g. `NVIDIA H100 80GB HBM3`.
    pub device_name: String,
    /// Compute capability `(major, minor)`.
    pub compute_capability: (i32, i32),
    /// Driver API version as the driver reports it, e.g. `13000` for 13.0.
    pub driver_version: i32,
    /// NVRTC version `(major, minor)`.
    pub nvrtc_version: (i32, i32),
    /// The `compute_XY` the kernel was compiled for.
    pub arch: String,
    /// Time NVRTC took to compile the kernel, in milliseconds.
    pub nvrtc_compile_ms: f64,
}

/// A compiled kernel, for checking the source compiles without a GPU.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompileReport {
    /// NVRTC version `(major, minor)`.
    pub nvrtc_version: (i32, i32),
    /// The `compute_XY` compiled for.
    pub arch: String,
    /// Size of the PTX produced, in bytes.
    pub ptx_bytes: usize,
    /// The kernels (`.entry`) in the PTX.
    pub entry_points: Vec<String>,
    /// Whether the PTX uses `dp4a` (the kernel's int8 dot product).
    pub uses_dp4a: bool,
    /// Compile time in milliseconds.
    pub compile_ms: f64,
}

/// B packed on the device for one epoch.
struct DeviceB {
    k: u32,
    n: u32,
    b_seed: u64,
    padded_n: u32,
    padded_k: u32,
    data: CudaSlice<i32>,
}

/// The CUDA engine (device 0).
pub struct CudaEngine {
    stream: Arc<CudaStream>,
    pack_b: CudaFunction,
    tiles: CudaFunction,
    info: CudaInfo,
    b_cache: Mutex<Option<Arc<DeviceB>>>,
}

impl std::fmt::Debug for CudaEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CudaEngine").field("info", &self.info).finish_non_exhaustive()
    }
}

fn unavailable(reason: impl Into<String>) -> EngineError {
    EngineError::Unavailable { engine: ENGINE, reason: reason.into() }
}

fn driver(during: &'static str) -> impl FnOnce(DriverError) -> EngineError {
    move |source| EngineError::Driver { during, source }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Runs `f`, turning a panic into [`EngineError::Panicked`].
fn guarded<T>(
    during: &'static str,
    f: impl FnOnce() -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    panic::catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        Err(EngineError::Panicked { engine: ENGINE, during, message: panic_message(&*payload) })
    })
}

/// Whether `libnvrtc` can be loaded here.
pub fn nvrtc_present() -> bool {
    // SAFETY: only tries to dlopen the library names cudarc knows; no symbol is called.
    unsafe { cudarc::nvrtc::sys::is_culib_present() }
}

/// Whether `libcuda` (the driver) can be loaded here.
pub fn driver_present() -> bool {
    // SAFETY: as above.
    unsafe { cudarc::driver::sys::is_culib_present() }
}

fn nvrtc_missing() -> EngineError {
    unavailable(
        "libnvrtc (NVRTC, the CUDA runtime compiler) was not found; install CUDA 13's NVRTC \
         (e.g. the nvidia-cuda-nvrtc wheel) and add the directory holding libnvrtc.so.13 to \
         LD_LIBRARY_PATH",
    )
}

/// NVRTC's version. Call only when [`nvrtc_present`].
fn nvrtc_version() -> Result<(i32, i32), EngineError> {
    let (mut major, mut minor): (c_int, c_int) = (0, 0);
    // SAFETY: two valid out-pointers; the library is present (checked by the caller).
    unsafe { cudarc::nvrtc::sys::nvrtcVersion(&mut major, &mut minor) }
        .result()
        .map_err(|e| unavailable(format!("NVRTC did not report its version: {e}")))?;
    Ok((major, minor))
}

/// The architectures NVRTC can compile for, as `XY` of `compute_XY`.
fn nvrtc_archs() -> Result<Vec<u32>, EngineError> {
    let mut count: c_int = 0;
    // SAFETY: valid out-pointer; the library is present.
    unsafe { cudarc::nvrtc::sys::nvrtcGetNumSupportedArchs(&mut count) }
        .result()
        .map_err(|e| unavailable(format!("NVRTC did not list its architectures: {e}")))?;
    let mut archs: Vec<c_int> = vec![0; usize::try_from(count).unwrap_or(0)];
    // SAFETY: the buffer holds `count` ints, as NVRTC asked.
    unsafe { cudarc::nvrtc::sys::nvrtcGetSupportedArchs(archs.as_mut_ptr()) }
        .result()
        .map_err(|e| unavailable(format!("NVRTC did not list its architectures: {e}")))?;
    Ok(archs.into_iter().filter_map(|a| u32::try_from(a).ok()).collect())
}

/// The highest NVRTC architecture not above `wanted` (the device's compute capability).
fn choose_arch(supported: &[u32], wanted: u32) -> Option<u32> {
    supported.iter().copied().filter(|&a| a <= wanted && a >= 61).max()
}

fn compile(arch: u32) -> Result<(Ptx, Duration), EngineError> {
    let started = Instant::now();
    let opts = CompileOptions {
        options: vec![format!("--gpu-architecture=compute_{arch}")],
        name: Some("wtao_gemm_v1.cu".to_owned()),
        ..CompileOptions::default()
    };
    let ptx = cudarc::nvrtc::compile_ptx_with_opts(KERNEL_SOURCE, opts).map_err(|e| {
        let detail = match &e {
            cudarc::nvrtc::CompileError::CompileError { log, .. } => {
                log.to_string_lossy().into_owned()
            }
            other => other.to_string(),
        };
        unavailable(format!("NVRTC could not compile the kernel for compute_{arch}: {detail}"))
    })?;
    Ok((ptx, started.elapsed()))
}

/// Compiles the kernel with NVRTC for `compute_{arch}` (no GPU needed): the check that the
/// kernel source is valid CUDA on a machine without a device.
pub fn compile_check(arch: u32) -> Result<CompileReport, EngineError> {
    if !nvrtc_present() {
        return Err(nvrtc_missing());
    }
    guarded("compiling the kernel", || {
        let nvrtc_version = nvrtc_version()?;
        let (ptx, took) = compile(arch)?;
        let text = ptx.to_src();
        let entry_points = text
            .lines()
            .filter_map(|l| l.split(".entry ").nth(1))
            .map(|rest| rest.trim_end_matches(['(', ' ']).to_owned())
            .collect();
        Ok(CompileReport {
            nvrtc_version,
            arch: format!("compute_{arch}"),
            ptx_bytes: text.len(),
            entry_points,
            uses_dp4a: text.contains("dp4a"),
            compile_ms: took.as_secs_f64() * 1e3,
        })
    })
}

impl CudaEngine {
    /// Starts the engine on device 0, or says why it cannot.
    pub fn try_new() -> Result<Self, EngineError> {
        if !driver_present() {
            return Err(unavailable(
                "libcuda.so.1 (the NVIDIA driver) was not found: no NVIDIA GPU driver on this \
                 machine, or its directory is not on LD_LIBRARY_PATH",
            ));
        }
        if !nvrtc_present() {
            return Err(nvrtc_missing());
        }
        let started = guarded("starting", Self::start);
        match started {
            Err(EngineError::Panicked { message, .. }) => {
                Err(unavailable(format!("cudarc panicked while starting: {message}")))
            }
            other => other,
        }
    }

    fn start() -> Result<Self, EngineError> {
        let count = CudaContext::device_count()
            .map_err(|e| unavailable(format!("the CUDA driver could not count devices: {e}")))?;
        if count < 1 {
            return Err(unavailable("the CUDA driver reports no device"));
        }
        let ctx = CudaContext::new(0)
            .map_err(|e| unavailable(format!("could not open CUDA device 0: {e}")))?;
        let device_name = ctx.name().unwrap_or_else(|_| "unknown GPU".to_owned());
        let compute_capability = ctx
            .compute_capability()
            .map_err(|e| unavailable(format!("could not read the compute capability: {e}")))?;
        let mut driver_version: c_int = 0;
        // SAFETY: valid out-pointer; the driver library is loaded (device_count succeeded).
        unsafe { cudarc::driver::sys::cuDriverGetVersion(&mut driver_version) }
            .result()
            .map_err(|e| unavailable(format!("the driver did not report its version: {e}")))?;
        let nvrtc_version = nvrtc_version()?;
        let (major, minor) = compute_capability;
        let wanted = u32::try_from(major.saturating_mul(10).saturating_add(minor)).unwrap_or(0);
        let arch = choose_arch(&nvrtc_archs()?, wanted).ok_or_else(|| {
            unavailable(format!(
                "NVRTC {}.{} cannot compile for compute capability {major}.{minor} (the kernel \
                 needs 6.1 or newer, and this NVRTC's oldest target may be newer than the GPU)",
                nvrtc_version.0, nvrtc_version.1
            ))
        })?;
        let (ptx, took) = compile(arch)?;
        let module = ctx.load_module(ptx).map_err(|e| {
            unavailable(format!(
                "the driver (CUDA {}.{}) could not load PTX from NVRTC {}.{}: {e}; an NVRTC newer \
                 than the driver makes PTX it cannot load — use the NVRTC of the driver's CUDA \
                 version or older",
                driver_version / 1000,
                (driver_version % 1000) / 10,
                nvrtc_version.0,
                nvrtc_version.1
            ))
        })?;
        let load = |name: &str| {
            module
                .load_function(name)
                .map_err(|e| unavailable(format!("kernel `{name}` missing from the module: {e}")))
        };
        let pack_b = load("wtao_pack_b")?;
        let tiles = load("wtao_tiles")?;
        let info = CudaInfo {
            device_name,
            compute_capability,
            driver_version,
            nvrtc_version,
            arch: format!("compute_{arch}"),
            nvrtc_compile_ms: took.as_secs_f64() * 1e3,
        };
        tracing::debug!(target: LOG_TARGET, ?info, "CUDA engine started");
        Ok(Self { stream: ctx.default_stream(), pack_b, tiles, info, b_cache: Mutex::new(None) })
    }

    /// What the engine found at start-up.
    pub fn info(&self) -> &CudaInfo {
        &self.info
    }

    /// Packs B on the device for this epoch (the first `digests` call of an epoch does this
    /// itself; a benchmark calls it first to time the tiles alone).
    pub fn prepare(&self, params: &ChallengeParams, b_seed: u64) -> Result<(), EngineError> {
        check_params(params)?;
        guarded("packing B", || self.device_b(params, b_seed).map(drop))
    }

    fn device_b(&self, params: &ChallengeParams, b_seed: u64) -> Result<Arc<DeviceB>, EngineError> {
        let mut cache = self.b_cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(b) =
            cache.as_ref().filter(|b| b.k == params.k && b.n == params.n && b.b_seed == b_seed)
        {
            return Ok(Arc::clone(b));
        }
        // Drop the previous epoch's B before allocating the next.
        *cache = None;
        let padded_n = params.n.next_multiple_of(BLOCK_COLS);
        let padded_k = params.k.next_multiple_of(BLOCK_K);
        let k4_count = padded_k / 4;
        let total = u64::from(k4_count).saturating_mul(u64::from(padded_n));
        let len = usize::try_from(total).map_err(|_| EngineError::Internal {
            engine: ENGINE,
            what: "B size overflows usize",
        })?;
        let mut data = self.stream.alloc_zeros::<i32>(len).map_err(driver("allocating B"))?;
        let blocks = u32::try_from(total.div_ceil(u64::from(THREADS)))
            .map_err(|_| EngineError::Internal { engine: ENGINE, what: "B grid too large" })?;
        let cfg = LaunchConfig {
            grid_dim: (blocks, 1, 1),
            block_dim: (THREADS, 1, 1),
            shared_mem_bytes: 0,
        };
        let mut launch = self.stream.launch_builder(&self.pack_b);
        launch.arg(&b_seed).arg(&params.k).arg(&params.n).arg(&k4_count).arg(&padded_n);
        launch.arg(&mut data);
        // SAFETY: the argument list matches `wtao_pack_b`'s signature (u64, u32 ×4, int*), and
        // `data` holds k4_count·padded_n ints, the range the kernel writes.
        unsafe { launch.launch(cfg) }.map_err(driver("packing B"))?;
        let b = Arc::new(DeviceB { k: params.k, n: params.n, b_seed, padded_n, padded_k, data });
        *cache = Some(Arc::clone(&b));
        Ok(b)
    }

    fn run(
        &self,
        params: &ChallengeParams,
        b_seed: u64,
        jobs: &[TileJob],
    ) -> Result<Vec<u64>, EngineError> {
        let b = self.device_b(params, b_seed)?;
        let mut digests = Vec::with_capacity(jobs.len());
        for chunk in jobs.chunks(MAX_JOBS_PER_LAUNCH) {
            let host: Vec<u64> =
                chunk.iter().flat_map(|j| [j.a_seed, j.digest_key, j.tile]).collect();
            let jobs_dev = self.stream.clone_htod(&host).map_err(driver("uploading jobs"))?;
            let mut out = self
                .stream
                .alloc_zeros::<u64>(chunk.len())
                .map_err(driver("allocating digests"))?;
            let grid_z = u32::try_from(chunk.len()).map_err(|_| EngineError::Internal {
                engine: ENGINE,
                what: "too many jobs per launch",
            })?;
            let cfg = LaunchConfig {
                grid_dim: (
                    b.padded_n / BLOCK_COLS,
                    params.rows_per_tile.div_ceil(BLOCK_ROWS),
                    grid_z,
                ),
                block_dim: (THREADS, 1, 1),
                shared_mem_bytes: 0,
            };
            let mut launch = self.stream.launch_builder(&self.tiles);
            launch.arg(&jobs_dev).arg(&mut out).arg(&b.data);
            launch
                .arg(&params.k)
                .arg(&params.n)
                .arg(&params.rows_per_tile)
                .arg(&b.padded_n)
                .arg(&b.padded_k);
            // SAFETY: the arguments match `wtao_tiles`'s signature (u64*, u64*, int*, u32 ×5);
            // `jobs_dev` holds 3 u64 per job of grid z, `out` one u64 per job, and B was packed
            // with exactly this padded_n × padded_k/4 layout, which bounds every read.
            unsafe { launch.launch(cfg) }.map_err(driver("running the tile kernel"))?;
            digests.extend(self.stream.clone_dtoh(&out).map_err(driver("downloading digests"))?);
        }
        Ok(digests)
    }
}

impl TileEngine for CudaEngine {
    fn name(&self) -> &'static str {
        ENGINE
    }

    fn description(&self) -> String {
        let CudaInfo {
            device_name,
            compute_capability: (major, minor),
            driver_version,
            nvrtc_version,
            arch,
            ..
        } = &self.info;
        format!(
            "cuda ({device_name}, compute capability {major}.{minor}, driver CUDA {}.{}, NVRTC {}.{}, {arch})",
            driver_version / 1000,
            (driver_version % 1000) / 10,
            nvrtc_version.0,
            nvrtc_version.1
        )
    }

    fn digests(
        &self,
        params: &ChallengeParams,
        b_seed: u64,
        jobs: &[TileJob],
    ) -> Result<Vec<u64>, EngineError> {
        check_params(params)?;
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        guarded("computing tiles", || self.run(params, b_seed, jobs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arch_is_the_highest_supported_not_above_the_device() {
        let nvrtc = [75, 80, 86, 87, 89, 90, 100, 120];
        assert_eq!(choose_arch(&nvrtc, 90), Some(90));
        assert_eq!(choose_arch(&nvrtc, 91), Some(90));
        assert_eq!(choose_arch(&nvrtc, 70), None);
        assert_eq!(choose_arch(&[], 90), None);
    }

    #[test]
    fn block_shape_matches_the_kernel_source() {
        for (name, value) in
            [("BM", BLOCK_ROWS), ("BN", BLOCK_COLS), ("BK", BLOCK_K), ("THREADS", THREADS)]
        {
            let line = format!("#define {name} {value}");
            assert!(KERNEL_SOURCE.contains(&line), "kernel.cu lacks `{line}`");
        }
    }

    #[test]
    fn without_a_driver_try_new_says_why_instead_of_panicking() {
        if driver_present() {
            println!("skipped: a CUDA driver is present, so this machine cannot show the refusal");
            return;
        }
        let err = CudaEngine::try_new().unwrap_err();
        assert!(matches!(err, EngineError::Unavailable { engine: "cuda", .. }), "{err:?}");
        assert!(err.to_string().contains("libcuda.so.1"), "{err}");
    }
}
