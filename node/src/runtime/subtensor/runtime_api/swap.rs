//! `SwapRuntimeApi` (`current_alpha_price`, `current_alpha_price_all`): alpha prices in rao per
//! alpha, as subtensor's `pallets/swap/runtime-api`. Without an AMM every subnet's price is one
//! TAO (`1_000_000_000`).

use parity_scale_codec::{Decode, Encode};
use scale_info::TypeInfo;

use crate::runtime::Ext;

use super::super::subnets;
use super::super::types::NetUid;

/// One alpha in rao: every subnet's price here.
pub const ALPHA_PRICE_RAO: u64 = 1_000_000_000;

/// `SubnetPrice`: one subnet's alpha price.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct SubnetPrice {
    /// The subnet (`NetUid`, a `u16`).
    pub netuid: u16,
    /// rao per alpha.
    pub price: u64,
}

/// `current_alpha_price`: rao per alpha of `netuid` (one TAO for every subnet).
pub fn current_alpha_price(_netuid: NetUid) -> u64 {
    ALPHA_PRICE_RAO
}

/// `current_alpha_price_all`: every subnet's price, root included, in netuid order.
pub fn current_alpha_price_all(ext: &mut Ext<'_>) -> Vec<SubnetPrice> {
    subnets::all_netuids(ext)
        .into_iter()
        .map(|netuid| SubnetPrice { netuid: netuid.0, price: current_alpha_price(netuid) })
        .collect()
}
