/** RFC 6962 §4 JSON shapes, as certificate-transparency-go serves them (all binary values base64). */

/** add-chain / add-pre-chain response. */
export type AddChainResponse = { sct_version: number; id: string; timestamp: number; extensions: string; signature: string };

/** get-sth response. */
export type GetSthResponse = { tree_size: number; timestamp: number; sha256_root_hash: string; tree_head_signature: string };

export type GetSthConsistencyResponse = { consistency: string[] };

export type GetProofByHashResponse = { leaf_index: number; audit_path: string[] };

export type LeafEntry = { leaf_input: string; extra_data: string };

export type GetEntriesResponse = { entries: LeafEntry[] };

export type GetRootsResponse = { certificates: string[] };

export type GetEntryAndProofResponse = { leaf_input: string; extra_data: string; audit_path: string[] };
