/**
 * The part of Go's net/url that decides the URIs Fulcio writes into certificates: `url.Parse`,
 * `URL.String`, `URL.Hostname` and `URL.JoinPath`. Upstream builds every URI SAN and several extension
 * values with these, so the same inputs must give the same bytes here (`https://github.com/` joined with
 * `org/repo/.github/workflows/x.yml@refs/heads/main`, a GitLab `ci_config_ref_uri` without a scheme, a
 * ci-provider template output).
 *
 * Narrower than Go on purpose: a userinfo (`user@host`) or a percent sign in the host is refused, since no
 * identity URI needs one and both hide the real host from a reader of the certificate.
 */

/** A parsed URL, Go's fields. `path` is unescaped; `rawPath` is the original encoding when it differs. */
export interface GoUrl {
  readonly scheme: string;
  readonly opaque: string;
  readonly host: string;
  readonly path: string;
  readonly rawPath: string;
  readonly omitHost: boolean;
  readonly forceQuery: boolean;
  readonly rawQuery: string;
  readonly fragment: string;
  readonly rawFragment: string;
}

type Mode = 'path' | 'host' | 'fragment';

/** Go's shouldEscape for the modes used here (RFC 3986 with Go's choices). */
function shouldEscape(c: number, mode: Mode): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  const ch = String.fromCharCode(c);
  if (mode === 'host') {
    if ('!$&\'()*+,;=:[]<>"'.includes(ch)) return false;
  }
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) return mode === 'path' ? ch === '?' : false;
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

const HEX = '0123456789ABCDEF';

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Go's unescape: `%XX` sequences to bytes, UTF-8 decoded; a bad sequence throws. */
function unescape(text: string): string {
  if (!text.includes('%')) return text;
  const bytes = Buffer.from(text, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b !== 0x25) {
      out.push(b);
      continue;
    }
    const h = bytes[i + 1];
    const l = bytes[i + 2];
    if (h === undefined || l === undefined || !isHex(h) || !isHex(l)) throw new Error(`invalid URL escape ${JSON.stringify(Buffer.from(bytes.subarray(i, i + 3)).toString('latin1'))}`);
    out.push(parseInt(String.fromCharCode(h, l), 16));
    i += 2;
  }
  return Buffer.from(out).toString('utf8');
}

/** Go's escape: every byte of the UTF-8 form that shouldEscape in `mode` becomes `%XX`. */
function escape(text: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    out += shouldEscape(b, mode) ? `%${HEX[b >> 4]}${HEX[b & 15]}` : String.fromCharCode(b);
  }
  return out;
}

/** Go's validEncoded: `text` may be used as it is in `mode`. */
function validEncoded(text: string, mode: Mode): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ("!$&'()*+,;=:@[]%".includes(text[i] as string)) continue;
    if (c > 0x7f || shouldEscape(c, mode)) return false;
  }
  return true;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Go's getScheme: a leading `[A-Za-z][A-Za-z0-9+.-]*:`, else no scheme. */
function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

/** A host as Go's parseHost accepts it, restricted: reg-name or bracketed IPv6, optional numeric port, no `%`. */
const HOST = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]*|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?$/;

function withPath(fields: Omit<GoUrl, 'path' | 'rawPath'>, rawPath: string): GoUrl {
  const path = unescape(rawPath);
  return { ...fields, path, rawPath: escape(path, 'path') === rawPath ? '' : rawPath };
}

/** Go's `url.Parse`. Throws Error with Go-like messages. */
export function parseGoUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const beforeFragment = hash < 0 ? raw : raw.slice(0, hash);
  const frag = hash < 0 ? '' : raw.slice(hash + 1);
  if (hasControl(raw)) throw new Error('invalid control character in URL');
  let [scheme, rest] = splitScheme(beforeFragment);
  scheme = scheme.toLowerCase();
  let forceQuery = false;
  let rawQuery = '';
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  const fragment = unescape(frag);
  const fragmentFields = { fragment, rawFragment: escape(fragment, 'fragment') === frag ? '' : frag };
  const base = { scheme, opaque: '', host: '', omitHost: false, forceQuery, rawQuery, ...fragmentFields };
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { ...base, opaque: rest, path: '', rawPath: '' };
    const segment = rest.split('/', 1)[0] as string;
    if (segment.includes(':')) throw new Error('first path segment in URL cannot contain colon');
  }
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    rest = slash < 0 ? '' : authority.slice(slash);
    authority = slash < 0 ? authority : authority.slice(0, slash);
    if (authority.includes('@')) throw new Error('userinfo in URL is not accepted');
    if (!HOST.test(authority)) throw new Error(`invalid host ${JSON.stringify(authority)}`);
    return withPath({ ...base, host: authority }, rest);
  }
  return withPath({ ...base, omitHost: scheme !== '' && rest.startsWith('/') }, rest);
}

function escapedPath(u: GoUrl): string {
  if (u.rawPath !== '' && validEncoded(u.rawPath, 'path')) {
    try {
      if (unescape(u.rawPath) === u.path) return u.rawPath;
    } catch {
      // fall through to escaping the decoded path, as Go does
    }
  }
  if (u.path === '*') return '*';
  return escape(u.path, 'path');
}

function escapedFragment(u: GoUrl): string {
  if (u.rawFragment !== '' && validEncoded(u.rawFragment, 'fragment')) {
    try {
      if (unescape(u.rawFragment) === u.fragment) return u.rawFragment;
    } catch {
      // fall through
    }
  }
  return escape(u.fragment, 'fragment');
}

/** Go's `URL.String`. */
export function goUrlString(u: GoUrl): string {
  let out = '';
  if (u.scheme !== '') out += `${u.scheme}:`;
  if (u.opaque !== '') {
    out += u.opaque;
  } else {
    if (u.scheme !== '' || u.host !== '') {
      if (!(u.omitHost && u.host === '')) {
        if (u.host !== '' || u.path !== '') out += '//';
        if (u.host !== '') out += escape(u.host, 'host');
      }
    }
    const path = escapedPath(u);
    if (path !== '' && !path.startsWith('/') && u.host !== '') out += '/';
    if (out === '' && (path.split('/', 1)[0] as string).includes(':')) out += './';
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== '') out += `?${u.rawQuery}`;
  if (u.fragment !== '') out += `#${escapedFragment(u)}`;
  return out;
}

/** Go's `URL.Hostname`: the host without port and IPv6 brackets. */
export function goUrlHostname(u: GoUrl): string {
  const host = u.host;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host.slice(1) : host.slice(1, end);
  }
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/** Go's `path.Clean`. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's `path.Join`: empty elements are ignored; the result is cleaned. */
function joinPaths(elems: readonly string[]): string {
  const parts = elems.filter((e) => e !== '');
  return parts.length === 0 ? '' : cleanPath(parts.join('/'));
}

/** Go's `URL.JoinPath`: the path elements joined onto `u`'s escaped path and cleaned. Throws on a bad `%`. */
export function goUrlJoinPath(u: GoUrl, ...elems: string[]): GoUrl {
  const all = [escapedPath(u), ...elems];
  let p: string;
  if (!(all[0] as string).startsWith('/')) {
    all[0] = `/${all[0] as string}`;
    p = joinPaths(all).slice(1);
  } else {
    p = joinPaths(all);
  }
  if ((all[all.length - 1] as string).endsWith('/') && !p.endsWith('/')) p += '/';
  return withPath({ ...u }, p);
}
