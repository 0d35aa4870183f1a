//! `serve_axon` / `serve_prometheus`.

use super::*;
use crate::runtime::subtensor::{AxonInfo, Error, Event};

fn axon(netuid: NetUid, ip: u128, port: u16, ip_type: u8) -> Call {
    Call::serve_axon {
        netuid,
        version: 7,
        ip,
        port,
        ip_type,
        protocol: 4,
        placeholder1: 0,
        placeholder2: 0,
    }
}

const IP: u128 = 0x0a00_0001; // 10.0.0.1

#[test]
fn serves_and_rate_limits() {
    let (mut net, keys) = net(3);
    let hot = &keys[2];
    net.register(&keys[1], hot, NET);
    net.call(hot, axon(NET, IP, 8091, 4)).unwrap();
    assert!(net.subtensor_events().contains(&Event::AxonServed(NET, hot.id())));
    let block = u64::from(net.number);
    let stored = net.read(|ext| s::AXONS.try_get(ext, &NET, &hot.id())).unwrap();
    assert_eq!(
        stored,
        AxonInfo {
            block,
            version: 7,
            ip: IP,
            port: 8091,
            ip_type: 4,
            protocol: 4,
            placeholder1: 0,
            placeholder2: 0
        }
    );
    assert_eq!(net.call(hot, axon(NET, IP, 8092, 4)), err(Error::ServingRateLimitExceeded));
    net.run_to(net.number + 50);
    net.call(hot, axon(NET, IP, 8092, 4)).unwrap();

    let prom = Call::serve_prometheus { netuid: NET, version: 1, ip: IP, port: 9100, ip_type: 4 };
    net.call(hot, prom).unwrap();
    assert!(net.subtensor_events().contains(&Event::PrometheusServed(NET, hot.id())));
}

#[test]
fn errors() {
    let (mut net, keys) = net(3);
    let hot = &keys[2];
    assert_eq!(net.call(hot, axon(NET, IP, 1, 4)), err(Error::HotKeyNotRegisteredInNetwork));
    net.register(&keys[1], hot, NET);
    assert_eq!(net.call(hot, axon(NET, IP, 1, 5)), err(Error::InvalidIpType));
    assert_eq!(net.call(hot, axon(NET, 0x7f00_0001, 1, 4)), err(Error::InvalidIpAddress));
    assert_eq!(net.call(hot, axon(NET, 1 << 40, 1, 4)), err(Error::InvalidIpAddress));
    assert_eq!(net.call(hot, axon(NET, 1, 1, 6)), err(Error::InvalidIpAddress));
    assert_eq!(net.call(hot, axon(NET, IP, 0, 4)), err(Error::InvalidPort));
    // Zero addresses are allowed (for testing), as subtensor.
    net.call(hot, axon(NET, 0, 1, 4)).unwrap();
}
