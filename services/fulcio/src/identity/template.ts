/**
 * The subset of Go's text/template that Fulcio's ci-provider configurations use, with the option
 * `missingkey=error` (fulcio pkg/identity/ciprovider/principal.go). The data is always the claims map
 * (every value a string). Supported:
 *
 * - text, and actions `{{ pipeline }}` with `{{-` / `-}}` whitespace trimming and `{{/* comments *\/}}`;
 * - operands: `.` (the map), `.claim` (an identifier key; a missing key is an error), string literals
 *   ("…" with Go escapes, or `…`), `true`, `false`, and `( pipeline )`;
 * - functions: `index . "key"` (a missing key gives "", as Go's index does), `eq`, `ne`, `not`, `and`, `or`;
 * - `{{if …}} … {{else if …}} … {{else}} … {{end}}`.
 *
 * Everything else (`range`, `with`, variables, pipes `|`, numbers, `printf`…) is refused when the
 * configuration is loaded, so a template that loads always runs with upstream's meaning. Output is not
 * escaped (upstream switched from html/template to text/template in #2023).
 */

/** A template whose execution failed on the given data (a missing claim): the token's fault. */
export class TemplateExecutionError extends Error {
  override name = 'TemplateExecutionError';
}

type Value = string | boolean | ReadonlyMap<string, string>;

type Expr =
  | { readonly kind: 'dot' }
  | { readonly kind: 'field'; readonly names: readonly string[] }
  | { readonly kind: 'literal'; readonly value: string | boolean }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[] };

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'print'; readonly expr: Expr }
  | { readonly kind: 'if'; readonly cond: Expr; readonly then: readonly Node[]; readonly otherwise: readonly Node[] };

type Token =
  | { readonly kind: 'open' | 'close' | 'dot' }
  | { readonly kind: 'field'; readonly names: readonly string[] }
  | { readonly kind: 'ident'; readonly name: string }
  | { readonly kind: 'string'; readonly value: string };

/** Functions and their argument counts [min, max]. */
const FUNCTIONS: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['index', [1, Infinity]],
  ['eq', [2, Infinity]],
  ['ne', [2, 2]],
  ['not', [1, 1]],
  ['and', [1, Infinity]],
  ['or', [1, Infinity]],
] as const);

const UNSUPPORTED_KEYWORDS = new Set(['range', 'with', 'define', 'template', 'block', 'break', 'continue', 'nil']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
const SPACE = /[ \t\r\n]/;

function unquote(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (e !== undefined && Object.hasOwn(simple, e)) {
      out += simple[e] as string;
      continue;
    }
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = body.slice(i + 1, i + 1 + width);
    if (width === 0 || !new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(hex)) throw new Error(`invalid escape in string literal ${JSON.stringify(body)}`);
    const code = parseInt(hex, 16);
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new Error(`invalid escape in string literal ${JSON.stringify(body)}`);
    out += String.fromCodePoint(code);
    i += width;
  }
  return out;
}

/** Lexes one action starting at `pos` (after `{{` and any `-`); returns its tokens and where `}}` ends. */
function lexAction(src: string, start: number): { tokens: Token[]; end: number; trimRight: boolean } {
  const tokens: Token[] = [];
  let pos = start;
  for (;;) {
    while (pos < src.length && SPACE.test(src[pos] as string)) pos++;
    if (pos >= src.length) throw new Error('unclosed action');
    if (src.startsWith('}}', pos)) return { tokens, end: pos + 2, trimRight: false };
    if (src.startsWith('-}}', pos) && pos > start && SPACE.test(src[pos - 1] as string)) return { tokens, end: pos + 3, trimRight: true };
    const c = src[pos] as string;
    if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'open' : 'close' });
      pos++;
    } else if (c === '"' || c === '`') {
      const close = c === '`' ? src.indexOf('`', pos + 1) : findQuote(src, pos + 1);
      if (close < 0) throw new Error('unterminated string literal');
      const body = src.slice(pos + 1, close);
      tokens.push({ kind: 'string', value: c === '`' ? body : unquote(body) });
      pos = close + 1;
    } else if (c === '.') {
      const names: string[] = [];
      while (src[pos] === '.') {
        const m = IDENT.exec(src.slice(pos + 1, pos + 257));
        if (m === null) break;
        names.push(m[0]);
        pos += 1 + m[0].length;
      }
      if (names.length === 0) {
        tokens.push({ kind: 'dot' });
        pos++;
      } else {
        tokens.push({ kind: 'field', names });
      }
    } else {
      const m = IDENT.exec(src.slice(pos, pos + 256));
      if (m === null) throw new Error(`unsupported character ${JSON.stringify(c)} in action`);
      tokens.push({ kind: 'ident', name: m[0] });
      pos += m[0].length;
    }
  }
}

function findQuote(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '"') return i;
    else if (src[i] === '\n') return -1;
  }
  return -1;
}

/** Parses a pipeline (one command) from `tokens`, which must all be consumed. */
function parsePipeline(tokens: readonly Token[]): Expr {
  let pos = 0;
  const operand = (): Expr => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error('missing value');
    switch (t.kind) {
      case 'dot':
        return { kind: 'dot' };
      case 'field':
        return { kind: 'field', names: t.names };
      case 'string':
        return { kind: 'literal', value: t.value };
      case 'open': {
        const expr = command(true);
        if (tokens[pos++]?.kind !== 'close') throw new Error('unclosed left paren');
        return expr;
      }
      case 'close':
        throw new Error('unexpected right paren');
      case 'ident':
        if (t.name === 'true' || t.name === 'false') return { kind: 'literal', value: t.name === 'true' };
        if (FUNCTIONS.has(t.name)) return { kind: 'call', fn: t.name, args: [] };
        throw new Error(`function ${JSON.stringify(t.name)} not supported`);
    }
  };
  const command = (inParens: boolean): Expr => {
    const first = operand();
    const args: Expr[] = [];
    while (pos < tokens.length && !(inParens && tokens[pos]?.kind === 'close')) args.push(operand());
    if (first.kind === 'call' && first.args.length === 0) {
      const [min, max] = FUNCTIONS.get(first.fn) as readonly [number, number];
      if (args.length < min || args.length > max) throw new Error(`wrong number of args for ${first.fn}: got ${args.length}`);
      return { kind: 'call', fn: first.fn, args };
    }
    if (args.length > 0) throw new Error("can't give argument to non-function");
    return first;
  };
  if (tokens.length === 0) throw new Error('missing value for command');
  const expr = command(false);
  if (pos !== tokens.length) throw new Error('unexpected token in command');
  return expr;
}

/** Parses `source`; throws Error naming the first construct outside the supported subset. */
function parse(source: string): Node[] {
  const root: Node[] = [];
  // The stack of open `if`s: where text goes next, and the if-node being filled.
  const stack: { then: Node[]; otherwise: Node[]; inElse: boolean; chained: number }[] = [];
  let out = root;
  let pos = 0;
  let trimNext = false;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    let text = source.slice(pos, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open < 0) {
      if (text !== '') out.push({ kind: 'text', text });
      break;
    }
    let start = open + 2;
    if (source[start] === '-' && SPACE.test(source[start + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      start += 1;
    }
    if (text !== '') out.push({ kind: 'text', text });
    // Comments: `{{/* … */}}`, possibly with trim markers.
    const afterSpace = source.slice(start).match(/^[ \t\r\n]*/)?.[0].length ?? 0;
    if (source.startsWith('/*', start + afterSpace) && (afterSpace === 0 || start !== open + 2)) {
      const close = source.indexOf('*/', start + afterSpace + 2);
      if (close < 0) throw new Error('unclosed comment');
      const tail = /^[ \t\r\n]*(-?)}}/.exec(source.slice(close + 2));
      if (tail === null) throw new Error('comment ends before closing delimiter');
      trimNext = tail[1] === '-';
      pos = close + 2 + tail[0].length;
      continue;
    }
    const { tokens, end, trimRight } = lexAction(source, start);
    trimNext = trimRight;
    pos = end;
    const head = tokens[0];
    const keyword = head?.kind === 'ident' ? head.name : undefined;
    if (keyword !== undefined && UNSUPPORTED_KEYWORDS.has(keyword)) throw new Error(`{{${keyword}}} is not supported`);
    if (keyword === 'if') {
      const then: Node[] = [];
      const otherwise: Node[] = [];
      out.push({ kind: 'if', cond: parsePipeline(tokens.slice(1)), then, otherwise });
      stack.push({ then, otherwise, inElse: false, chained: 0 });
      out = then;
    } else if (keyword === 'else') {
      const frame = stack[stack.length - 1];
      if (frame === undefined || frame.inElse) throw new Error('unexpected {{else}}');
      frame.inElse = true;
      out = frame.otherwise;
      if (tokens[1]?.kind === 'ident' && tokens[1].name === 'if') {
        // `else if` is an `if` nested in the else branch, closed by the same `end`.
        const then: Node[] = [];
        const otherwise: Node[] = [];
        out.push({ kind: 'if', cond: parsePipeline(tokens.slice(2)), then, otherwise });
        stack.push({ then, otherwise, inElse: false, chained: frame.chained + 1 });
        out = then;
      } else if (tokens.length > 1) {
        throw new Error('unexpected tokens after {{else}}');
      }
    } else if (keyword === 'end') {
      if (tokens.length > 1) throw new Error('unexpected tokens after {{end}}');
      let frame = stack.pop();
      if (frame === undefined) throw new Error('unexpected {{end}}');
      for (let n = frame.chained; n > 0; n--) frame = stack.pop() as typeof frame;
      const parent = stack[stack.length - 1];
      out = parent === undefined ? root : parent.inElse ? parent.otherwise : parent.then;
    } else {
      out.push({ kind: 'print', expr: parsePipeline(tokens) });
    }
  }
  if (stack.length > 0) throw new Error('unexpected EOF: {{if}} without {{end}}');
  return root;
}

function truth(value: Value): boolean {
  if (typeof value === 'string') return value !== '';
  if (typeof value === 'boolean') return value;
  return value.size > 0;
}

function printed(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const keys = [...value.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `map[${keys.map((k) => `${k}:${value.get(k) as string}`).join(' ')}]`;
}

function kindOf(value: Value): string {
  return typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : 'map';
}

function evaluate(expr: Expr, data: ReadonlyMap<string, string>): Value {
  switch (expr.kind) {
    case 'dot':
      return data;
    case 'literal':
      return expr.value;
    case 'field': {
      const [first, ...more] = expr.names as [string, ...string[]];
      const value = data.get(first);
      if (value === undefined) throw new TemplateExecutionError(`map has no entry for key ${JSON.stringify(first)}`);
      if (more.length > 0) throw new TemplateExecutionError(`can't evaluate field ${more[0] as string} in type string`);
      return value;
    }
    case 'call':
      return call(expr.fn, expr.args, data);
  }
}

function call(fn: string, args: readonly Expr[], data: ReadonlyMap<string, string>): Value {
  const arg = (i: number): Value => evaluate(args[i] as Expr, data);
  switch (fn) {
    case 'index': {
      let item = arg(0);
      for (let i = 1; i < args.length; i++) {
        const key = arg(i);
        if (typeof item === 'string' || typeof item === 'boolean') throw new TemplateExecutionError(`can't index item of type ${kindOf(item)}`);
        if (typeof key !== 'string') throw new TemplateExecutionError(`value has type ${kindOf(key)}; should be string`);
        // Go's index gives the zero value for a missing map key; missingkey=error does not apply.
        item = item.get(key) ?? '';
      }
      return item;
    }
    case 'eq':
    case 'ne': {
      const first = arg(0);
      if (typeof first !== 'string' && typeof first !== 'boolean') throw new TemplateExecutionError('invalid type for comparison');
      let equal = false;
      for (let i = 1; i < args.length; i++) {
        const other = arg(i);
        if (typeof other !== typeof first) throw new TemplateExecutionError('incompatible types for comparison');
        if (other === first) equal = true;
      }
      return fn === 'eq' ? equal : !equal;
    }
    case 'not':
      return !truth(arg(0));
    default: {
      // and / or: Go returns the first argument that decides, evaluating lazily.
      let value = arg(0);
      for (let i = 1; i < args.length; i++) {
        if (fn === 'and' ? !truth(value) : truth(value)) return value;
        value = arg(i);
      }
      return value;
    }
  }
}

function run(nodes: readonly Node[], data: ReadonlyMap<string, string>, out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.text);
    else if (node.kind === 'print') out.push(printed(evaluate(node.expr, data)));
    else run(truth(evaluate(node.cond, data)) ? node.then : node.otherwise, data, out);
  }
}

/** A parsed template, or a bare claim name to copy (upstream: a value without `{{`). */
export interface ClaimTemplate {
  readonly source: string;
  /** The value for `data` (claims merged over defaults). Throws TemplateExecutionError. */
  execute(data: ReadonlyMap<string, string>): string;
}

/**
 * Compiles an extension or SAN template. A value containing `{{` is a template; any other value is the
 * name of a claim to copy, which must then be present (upstream: "value <x> not present in either claims
 * or defaults"). Throws Error for a template outside the supported subset.
 */
export function compileTemplate(source: string): ClaimTemplate {
  if (!source.includes('{{')) {
    return Object.freeze({
      source,
      execute(data: ReadonlyMap<string, string>): string {
        const value = data.get(source);
        if (value === undefined) throw new TemplateExecutionError(`value <${source}> not present in either claims or defaults`);
        return value;
      },
    });
  }
  const nodes = parse(source);
  return Object.freeze({
    source,
    execute(data: ReadonlyMap<string, string>): string {
      const out: string[] = [];
      run(nodes, data, out);
      return out.join('');
    },
  });
}
