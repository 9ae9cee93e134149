import { invalid } from './errors.js';

/** RFC 3339 UTC with whole seconds (`2026-01-01T00:00:00Z`): the form TUF and protobuf-specs readers all accept. */
export function rfc3339(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw invalid('time is not a valid date');
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 time (as written in trust configs and trusted roots); `what` names it in errors. */
export function parseTime(text: string, what: string): Date {
  // Date.parse accepts many loose forms ("2026", "Jan 1"); only RFC 3339 is meant.
  if (typeof text !== 'string' || !RFC3339.test(text)) throw invalid(`${what}: ${JSON.stringify(text)} is not an RFC 3339 time`);
  const date = new Date(text);
  if (!Number.isFinite(date.getTime())) throw invalid(`${what}: ${JSON.stringify(text)} is not a valid time`);
  return date;
}
