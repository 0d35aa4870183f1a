//! `serve_axon` and `serve_prometheus` (subtensor's `subnets/serving.rs`): a registered hotkey
//! publishes where it listens, at most once per `ServingRateLimit` blocks.

use crate::primitives::AccountId32;
use crate::runtime::{DispatchResult, Ext, Origin};

use super::Error;
use super::events::Event;
use super::now;
use super::storage as s;
use super::types::{AxonInfo, NetUid, PrometheusInfo};

/// IP type 4 or 6.
pub fn is_valid_ip_type(ip_type: u8) -> bool {
    matches!(ip_type, 4 | 6)
}

/// subtensor's address check (zero is allowed, for testing): IPv4 must fit in 32 bits and not
/// be 127.0.0.1; IPv6 must not be all ones or `::1`.
pub fn is_valid_ip_address(ip_type: u8, ip: u128) -> bool {
    match ip_type {
        4 => ip < u128::from(u32::MAX) && ip != 0x7f00_0001,
        6 => ip != u128::MAX && ip != 1,
        _ => true,
    }
}

fn check_endpoint(
    ext: &mut Ext<'_>,
    netuid: NetUid,
    hotkey: &AccountId32,
    ip_type: u8,
    ip: u128,
    last_block: u64,
) -> DispatchResult {
    if s::UIDS.try_get(ext, &netuid, hotkey).is_none() {
        return Err(Error::HotKeyNotRegisteredInNetwork.into());
    }
    if !is_valid_ip_type(ip_type) {
        return Err(Error::InvalidIpType.into());
    }
    if !is_valid_ip_address(ip_type, ip) {
        return Err(Error::InvalidIpAddress.into());
    }
    let limit = s::SERVING_RATE_LIMIT.get(ext, &netuid);
    if !(limit == 0 || last_block == 0 || now(ext).saturating_sub(last_block) >= limit) {
        return Err(Error::ServingRateLimitExceeded.into());
    }
    Ok(())
}

/// `serve_axon` (the signer is the hotkey).
pub fn do_serve_axon(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    axon: AxonInfo,
) -> DispatchResult {
    let hotkey = origin.signed()?;
    let previous = s::AXONS.try_get(ext, &netuid, &hotkey).unwrap_or_default();
    check_endpoint(ext, netuid, &hotkey, axon.ip_type, axon.ip, previous.block)?;
    if axon.port == 0 {
        return Err(Error::InvalidPort.into());
    }
    s::AXONS.insert(ext, &netuid, &hotkey, &AxonInfo { block: now(ext), ..axon });
    ext.deposit_event(Event::AxonServed(netuid, hotkey));
    Ok(())
}

/// `serve_prometheus` (the signer is the hotkey).
pub fn do_serve_prometheus(
    ext: &mut Ext<'_>,
    origin: Origin,
    netuid: NetUid,
    info: PrometheusInfo,
) -> DispatchResult {
    let hotkey = origin.signed()?;
    let previous = s::PROMETHEUS.try_get(ext, &netuid, &hotkey).unwrap_or_default();
    check_endpoint(ext, netuid, &hotkey, info.ip_type, info.ip, previous.block)?;
    if info.port == 0 {
        return Err(Error::InvalidPort.into());
    }
    s::PROMETHEUS.insert(ext, &netuid, &hotkey, &PrometheusInfo { block: now(ext), ..info });
    ext.deposit_event(Event::PrometheusServed(netuid, hotkey));
    Ok(())
}
