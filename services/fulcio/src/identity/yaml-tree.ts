/**
 * YAML → a plain tree of objects, arrays, strings and null, for the issuer configuration's YAML form.
 *
 * Upstream decodes YAML with go-yaml v3 into typed structs, where any scalar fills a string field with its
 * text (`client-id: 123` is "123") and `null`/`~`/empty leave the field empty. The failsafe schema gives
 * exactly that: every scalar stays the text it was written as; plain `null`, `~` and empty values become
 * null here. Anchors and aliases (the public config uses them) are resolved; duplicate keys are an error.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export type YamlValue = null | string | YamlValue[] | { [key: string]: YamlValue };

/** Most nodes visited, aliases counted each time they are expanded: a "billion laughs" file stops here. */
const MAX_NODES = 100_000;
/** Deepest nesting; the configuration is four levels deep. */
const MAX_DEPTH = 32;
const NULLS = new Set(['null', 'Null', 'NULL', '~', '']);

/**
 * go-yaml (libyaml) ends an alias name at the first character outside `[A-Za-z0-9_-]`, so upstream's
 * public file writes alias map keys as `*github-type:`. YAML 1.2, and the `yaml` package, read that as an
 * alias named `github-type:`. Rewrite such line-leading alias keys to `*github-type :`, which both read
 * the same way.
 */
const GO_YAML_ALIAS_KEY = /^([ \t]*(?:-[ \t]+)?)\*([A-Za-z0-9_-]+):(?=[ \t]|$)/gm;

/** Parses `text` as one YAML document. Throws Error with every parse problem (line and column). */
export function parseYamlTree(text: string): YamlValue {
  const doc = parseDocument(text.replace(GO_YAML_ALIAS_KEY, '$1*$2 :'), { schema: 'failsafe', uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message.split('\n')[0]).join('; '));
  let visited = 0;
  const convert = (node: unknown, depth: number): YamlValue => {
    if (++visited > MAX_NODES) throw new Error(`yaml document expands to more than ${MAX_NODES} nodes`);
    if (depth > MAX_DEPTH) throw new Error(`yaml document nested deeper than ${MAX_DEPTH}`);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return convert(node.resolve(doc as Document), depth);
    if (isScalar(node)) {
      const value = node.value;
      if (value === null || value === undefined) return null;
      const text = String(value);
      return node.type === 'PLAIN' && NULLS.has(text) ? null : text;
    }
    if (isSeq(node)) return node.items.map((item) => convert(item, depth + 1));
    if (isMap(node)) {
      // A null-prototype object: keys such as "__proto__" stay ordinary data.
      const out = Object.create(null) as { [key: string]: YamlValue };
      for (const pair of node.items) {
        const key = convert(pair.key, depth + 1);
        if (typeof key !== 'string') throw new Error('yaml mapping keys must be scalars');
        out[key] = convert(pair.value, depth + 1);
      }
      return out;
    }
    throw new Error(`unsupported yaml node ${String((node as Node).constructor?.name)}`);
  };
  return convert(doc.contents, 0);
}
