/**
 * How upstream's ci-provider turns token claims into template data (`mapValuesToString` in
 * fulcio pkg/identity/ciprovider/principal.go): a top-level number is printed with
 * `strconv.FormatFloat(v, 'f', -1, 64)` (never an exponent, fix #2406); everything else with Go's `%v`
 * (strings as they are, `true`, `<nil>`, arrays `[a b]`, objects `map[k:v …]` with sorted keys, nested
 * numbers in `%v` float form such as `1e+21`).
 */
import type { JsonValue } from '@sigstack/crypto/canonical-json';

/** The shortest round-trip decimal digits of |n| and its decimal exponent (n = 0.d1d2… × 10^(exp+1)). */
function shortestDigits(n: number): { digits: string; exponent: number } {
  const [mantissa, exp] = Math.abs(n).toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exponent: Number(exp) };
}

function sign(n: number): string {
  return n < 0 || Object.is(n, -0) ? '-' : '';
}

/** `strconv.FormatFloat(n, 'f', -1, 64)`: shortest digits, plain decimal notation. */
export function formatFloatF(n: number): string {
  if (n === 0) return `${sign(n)}0`;
  const { digits, exponent } = shortestDigits(n);
  let text: string;
  if (exponent < 0) {
    text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  } else if (digits.length <= exponent + 1) {
    text = digits + '0'.repeat(exponent + 1 - digits.length);
  } else {
    text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  return sign(n) + text;
}

/** Go's `%v` for a float64: `%g` with the shortest digits and an exponent below 1e-4 or from 1e21 on. */
export function formatFloatV(n: number): string {
  if (n === 0) return `${sign(n)}0`;
  const { digits, exponent } = shortestDigits(n);
  if (exponent < -4 || exponent >= 21) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent);
    return `${sign(n)}${mantissa}e${exponent < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return formatFloatF(n);
}

/** Go's `%v` of a decoded JSON value (`any`): maps with sorted keys, slices space-separated. */
export function formatV(value: JsonValue): string {
  if (value === null) return '<nil>';
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatFloatV(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(formatV).join(' ')}]`;
  // Go sorts map keys by byte order of the UTF-8 string; for keys from JSON that is code point order.
  const keys = Object.keys(value).sort(compareCodePoints);
  return `map[${keys.map((k) => `${k}:${formatV(value[k] as JsonValue)}`).join(' ')}]`;
}

function compareCodePoints(a: string, b: string): number {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return Buffer.compare(x, y);
}

/** The template data of upstream: every top-level claim as a string. */
export function flattenClaims(claims: { readonly [key: string]: JsonValue }): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(claims)) {
    out.set(key, typeof value === 'number' ? formatFloatF(value) : formatV(value));
  }
  return out;
}
