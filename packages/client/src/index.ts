export { ClientError, request, json, expectStatus } from './http.js';
export type { HttpOptions, HttpResponse } from './http.js';
export { RekorClient, MAX_RETRIEVE } from './rekor.js';
export type { RekorEntry, RekorInclusionProof, RekorLogInfo, RekorSearchQuery, RekorConsistencyProof } from './rekor.js';
export { TilesClient } from './tiles.js';
export { CtLogClient, OID_CT_POISON, OID_CT_SCT_LIST, serializeSct, sctListExtensionValue, verifySct, type CtChain, type CtLeafEntry, type CtSct, type CtSignedTreeHead } from './ctlog.js';
