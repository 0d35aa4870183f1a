//! BLAKE3 Merkle tree over a miner's tile digests, with inclusion proofs.
//!
//! Leaf `i` is `keyed_hash(K_leaf, i as u64 LE ‖ digest LE)`; an inner node is
//! `keyed_hash(K_node, left ‖ right)`, with both keys derived from the task tag, so a leaf can
//! never pass for a node. A level of odd width promotes its last node unchanged (no duplication,
//! which would let two different leaf lists share a root). The leaf count is part of the
//! commitment and fixes the tree's shape, which the verifier replays.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::error::MerkleError;

/// A 32-byte BLAKE3 output.
pub type Hash32 = [u8; 32];

static LEAF_KEY: LazyLock<Hash32> =
    LazyLock::new(|| blake3::derive_key("wtao-gemm-v1 merkle leaf", b""));
static NODE_KEY: LazyLock<Hash32> =
    LazyLock::new(|| blake3::derive_key("wtao-gemm-v1 merkle node", b""));

/// Hash of leaf `index` holding tile digest `digest`.
pub fn leaf_hash(index: u64, digest: u64) -> Hash32 {
    let mut data = [0u8; 16];
    for (slot, byte) in
        data.iter_mut().zip(index.to_le_bytes().into_iter().chain(digest.to_le_bytes()))
    {
        *slot = byte;
    }
    *blake3::keyed_hash(&LEAF_KEY, &data).as_bytes()
}

fn node_hash(left: &Hash32, right: &Hash32) -> Hash32 {
    let mut hasher = blake3::Hasher::new_keyed(&NODE_KEY);
    hasher.update(left);
    hasher.update(right);
    *hasher.finalize().as_bytes()
}

/// A Merkle tree over tile digests `0..n`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerkleTree {
    /// `levels[0]` are the leaf hashes, the last level is the root alone.
    levels: Vec<Vec<Hash32>>,
}

impl MerkleTree {
    /// The tree over `digests`, leaf `i` holding `digests[i]`.
    pub fn new(digests: &[u64]) -> Result<Self, MerkleError> {
        if digests.is_empty() {
            return Err(MerkleError::Empty);
        }
        let leaves: Vec<Hash32> =
            digests.iter().enumerate().map(|(i, d)| leaf_hash(i as u64, *d)).collect();
        let mut levels = vec![leaves];
        while let Some(level) = levels.last().filter(|l| l.len() > 1) {
            let next = level
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => node_hash(left, right),
                    // A lone last node is promoted unchanged.
                    _ => pair.first().copied().unwrap_or_default(),
                })
                .collect();
            levels.push(next);
        }
        Ok(Self { levels })
    }

    /// The root.
    pub fn root(&self) -> Hash32 {
        self.levels.last().and_then(|l| l.first()).copied().unwrap_or_default()
    }

    /// Number of leaves.
    pub fn leaf_count(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// The inclusion proof of leaf `index`.
    pub fn proof(&self, index: u64) -> Result<MerkleProof, MerkleError> {
        let count = self.leaf_count();
        if index >= count {
            return Err(MerkleError::IndexOutOfRange { index, count });
        }
        let mut siblings = Vec::with_capacity(self.levels.len());
        let mut idx = index as usize;
        for level in self.levels.iter().filter(|l| l.len() > 1) {
            if let Some(sibling) = level.get(idx ^ 1) {
                siblings.push(*sibling);
            }
            idx /= 2;
        }
        Ok(MerkleProof { siblings })
    }
}

/// The sibling hashes from a leaf up to the root (a promoted node has no sibling at its level).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MerkleProof {
    /// Siblings, leaf level first.
    #[serde(with = "crate::hex32::vec")]
    pub siblings: Vec<Hash32>,
}

impl MerkleProof {
    /// Whether this proof shows digest `digest` at leaf `index` of the `leaf_count`-leaf tree with
    /// root `root`. Extra or missing siblings fail.
    pub fn verify(&self, root: &Hash32, leaf_count: u64, index: u64, digest: u64) -> bool {
        if index >= leaf_count {
            return false;
        }
        let mut hash = leaf_hash(index, digest);
        let mut siblings = self.siblings.iter();
        let (mut idx, mut width) = (index, leaf_count);
        while width > 1 {
            if idx % 2 == 1 {
                let Some(sibling) = siblings.next() else { return false };
                hash = node_hash(sibling, &hash);
            } else if idx.saturating_add(1) < width {
                let Some(sibling) = siblings.next() else { return false };
                hash = node_hash(&hash, sibling);
            }
            idx /= 2;
            width = width.div_ceil(2);
        }
        siblings.next().is_none() && hash == *root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leaf_of_every_small_tree_proves_and_nothing_else_does() {
        for n in 1..=33u64 {
            let digests: Vec<u64> = (0..n).map(|i| i * 0x9E37 + 1).collect();
            let tree = MerkleTree::new(&digests).unwrap();
            let root = tree.root();
            for i in 0..n {
                let proof = tree.proof(i).unwrap();
                let d = digests[i as usize];
                assert!(proof.verify(&root, n, i, d), "n={n} i={i}");
                assert!(!proof.verify(&root, n, i, d ^ 1), "wrong digest n={n} i={i}");
                if n > 1 {
                    let j = (i + 1) % n;
                    assert!(!proof.verify(&root, n, j, d), "wrong index n={n} i={i}");
                }
                let mut longer = proof.clone();
                longer.siblings.push([0; 32]);
                assert!(!longer.verify(&root, n, i, d));
                if !proof.siblings.is_empty() {
                    let mut shorter = proof.clone();
                    shorter.siblings.pop();
                    assert!(!shorter.verify(&root, n, i, d));
                }
            }
            assert_eq!(tree.proof(n), Err(MerkleError::IndexOutOfRange { index: n, count: n }));
        }
    }

    #[test]
    fn root_depends_on_count_order_and_every_digest() {
        let d: Vec<u64> = (0..7).collect();
        let root = MerkleTree::new(&d).unwrap().root();
        assert_ne!(MerkleTree::new(&d[..6]).unwrap().root(), root);
        let mut swapped = d.clone();
        swapped.swap(0, 1);
        assert_ne!(MerkleTree::new(&swapped).unwrap().root(), root);
        for i in 0..7 {
            let mut e = d.clone();
            e[i] ^= 1 << 40;
            assert_ne!(MerkleTree::new(&e).unwrap().root(), root);
        }
        assert_eq!(MerkleTree::new(&[]), Err(MerkleError::Empty));
    }

    #[test]
    fn proof_round_trips_through_json_as_hex() {
        let tree = MerkleTree::new(&[1, 2, 3]).unwrap();
        let proof = tree.proof(2).unwrap();
        let json = serde_json::to_string(&proof).unwrap();
        assert!(json.contains("\"0x"), "{json}");
        assert_eq!(serde_json::from_str::<MerkleProof>(&json).unwrap(), proof);
    }
}
