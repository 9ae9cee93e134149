/**
 * The entry-kind registry: dispatches a proposed entry `{kind, apiVersion, spec}` to its kind and
 * builds the canonical body `JCS({apiVersion, kind, spec})` (upstream `types.CanonicalizeEntry`).
 * Supported: hashedrekord 0.0.1, dsse 0.0.1, intoto 0.0.2.
 */
import { canonicalJsonBytes, parseJson, type JsonObject, type JsonValue } from '@sigstack/crypto/canonical-json';
import { ENTRY_KINDS, type EntryKindName } from '../config.js';
import { RekorError } from '../errors.js';
import { ALGORITHM_NAMES } from './algorithms.js';
import { DSSE_V001 } from './dsse.js';
import { invalid, objectAt, required, shown, stringAt } from './fields.js';
import { HASHEDREKORD_V001 } from './hashedrekord.js';
import { finishKeys } from './index-keys.js';
import { INTOTO_V002 } from './intoto.js';
import type { CanonicalEntry, EntryKind, KindContext, KindRegistry, KindRegistryOptions } from './types.js';

const KINDS: ReadonlyMap<string, EntryKind> = new Map([HASHEDREKORD_V001, DSSE_V001, INTOTO_V002].map((kind) => [kind.kind, kind]));

/** Default caps; upstream has the chain bound, rekor-tiles #684 added the other two. */
const DEFAULT_MAX = 10;
/** Largest accepted cap: past this the quadratic signature × verifier search gets expensive. */
const MAX_CAP = 100;

function configError(message: string): RekorError {
  return new RekorError('ERR_CONFIG_INVALID', message);
}

function cap(value: number | undefined, name: string): number {
  if (value === undefined) return DEFAULT_MAX;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_CAP) throw configError(`${name} must be an integer from 1 to ${MAX_CAP}, got ${String(value)}`);
  return value;
}

/** The kind and apiVersion of an entry; throws when the log does not support them. */
function dispatch(top: JsonObject, accepted: (kind: EntryKindName) => boolean): EntryKind {
  const kindName = stringAt(required(top, 'kind', 'entry'), 'entry.kind');
  const kind = KINDS.get(kindName);
  // A disabled kind is refused exactly like an unknown one (upstream answers 400 for both).
  if (kind === undefined || !accepted(kind.kind)) throw invalid(`unknown kind ${shown(kindName)} specified`);
  const apiVersion = stringAt(required(top, 'apiVersion', 'entry'), 'entry.apiVersion');
  if (apiVersion !== kind.apiVersion) throw invalid(`entry kind ${shown(kindName)} does not support apiVersion ${shown(apiVersion)}; use ${kind.apiVersion}`);
  return kind;
}

/**
 * Builds the registry. Throws RekorError ERR_CONFIG_INVALID for an unknown kind or algorithm name
 * or a cap outside 1..100.
 */
export function createKindRegistry(options: KindRegistryOptions): KindRegistry {
  for (const kind of options.enabled) {
    if (!(ENTRY_KINDS as readonly string[]).includes(kind)) throw configError(`unknown entry kind ${shown(kind)}`);
  }
  for (const name of options.algorithms) {
    if (!(ALGORITHM_NAMES as readonly string[]).includes(name)) throw configError(`unknown signing algorithm ${shown(name)}`);
  }
  const enabled = new Set<string>(options.enabled);
  const context: KindContext = {
    algorithms: new Set<string>(options.algorithms),
    maxSignatures: cap(options.maxDsseSignatures, 'maxDsseSignatures'),
    maxVerifiers: cap(options.maxVerifiers, 'maxVerifiers'),
    maxChain: cap(options.maxChain, 'maxChain'),
  };

  return {
    canonicalize(proposed: JsonValue): CanonicalEntry {
      const top = objectAt(proposed, 'entry', ['kind', 'apiVersion', 'spec']);
      const kind = dispatch(top, (name) => enabled.has(name));
      const result = kind.canonicalize(required(top, 'spec', 'entry'), context);
      let body: Uint8Array;
      try {
        body = canonicalJsonBytes({ apiVersion: kind.apiVersion, kind: kind.kind, spec: result.spec });
      } catch (err) {
        // Only strings that JCS cannot represent (lone surrogates from a non-parseJson caller) get here.
        throw invalid(`entry cannot be canonicalized: ${(err as Error).message}`, err);
      }
      return { kind: kind.kind, apiVersion: kind.apiVersion, body, searchKeys: finishKeys(result.searchKeys) };
    },

    searchKeys(body: Uint8Array): string[] {
      let parsed: JsonValue;
      try {
        parsed = parseJson(body);
      } catch (err) {
        throw invalid(`entry body is not valid json: ${(err as Error).message}`, err);
      }
      const top = objectAt(parsed, 'entry', ['kind', 'apiVersion', 'spec']);
      const kind = dispatch(top, () => true);
      return finishKeys(kind.searchKeys(required(top, 'spec', 'entry'), context));
    },
  };
}
