/**
 * Turns the services' pino JSON lines into lines for people. The whole log goes to a file; the
 * terminal shows what needs attention (warnings and worse, and anything that is not a log record,
 * such as a crash before the logger existed), prefixed with the service's name.
 */

/** pino's numeric levels. */
const LEVELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const WARN = 40;
/** Longest line shown; a runaway line must not flood the terminal. */
const MAX_SHOWN = 2000;

type LogRecord = { level?: unknown; time?: unknown; msg?: unknown; err?: { message?: unknown }; address?: unknown };

function parse(line: string): LogRecord | undefined {
  if (!line.startsWith('{') || line.length > 1024 * 1024) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as LogRecord) : undefined;
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** `12:00:01.234 fatal: could not listen: listen EADDRINUSE …` for a record; the line itself otherwise. */
export function readable(line: string, withTime = true): string {
  const record = parse(line);
  if (record === undefined) return clip(line);
  const level = typeof record.level === 'number' ? (LEVELS[record.level] ?? String(record.level)) : 'log';
  const msg = typeof record.msg === 'string' ? record.msg : '';
  const err = typeof record.err?.message === 'string' && record.err.message !== msg ? `: ${record.err.message}` : '';
  const time = withTime && typeof record.time === 'number' && Number.isFinite(record.time) ? `${new Date(record.time).toISOString().slice(11, 23)} ` : '';
  return clip(`${time}${level}: ${msg}${err}`);
}

/** The terminal line for one line a service printed, or undefined when it is routine. */
export function terminalLine(name: string, line: string): string | undefined {
  if (line.trim() === '') return undefined;
  const record = parse(line);
  if (record !== undefined && typeof record.level === 'number' && record.level < WARN) return undefined;
  return `  ${name}: ${readable(line, false)}`;
}
