import { invalid } from './errors.js';

/**
 * An absolute http(s) URL without query, fragment, credentials or trailing slash, as clients join
 * paths to it (`<url>/api/v1/...`). Returns it without trailing slashes.
 */
export function serviceUrl(text: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw invalid(`${what}: ${JSON.stringify(text)} is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid(`${what}: ${JSON.stringify(text)} is not an http(s) URL`);
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
    throw invalid(`${what}: ${JSON.stringify(text)} must not carry a query, fragment or credentials`);
  }
  return text.replace(/\/+$/, '');
}
