export { ConfigError, loadConfig, integer, boolean, text, list, oneOf, url, logLevel } from './config.js';
export type { ConfigOf, ConfigSources, Field, Parser, Schema } from './config.js';
export { registerErrorHandler, registerJsonParser } from './http.js';
export type { ErrorHandlerOptions } from './http.js';
export { runService, REDACT } from './run.js';
export type { Started } from './run.js';
