/** Rekor v1 wire shapes (openapi.yaml), as this service emits them. */

export type InclusionProof = {
  checkpoint: string;
  hashes: string[];
  logIndex: number;
  rootHash: string;
  treeSize: number;
};

export type LogEntryBody = {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: { inclusionProof: InclusionProof; signedEntryTimestamp: string };
};

/** A LogEntry is a one-key map from the 80-hex entry ID to the entry. */
export type LogEntry = Record<string, LogEntryBody>;

export type LogInfo = { rootHash: string; treeSize: number; signedTreeHead: string; treeID: string };

export type ConsistencyProof = { rootHash: string; hashes: string[] };
