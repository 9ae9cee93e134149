import type { RoleName } from './roles.js';

const DAY = 24 * 60 * 60;

/** How long a role's metadata is valid once signed, and how close to its expiry it is signed again (seconds). */
export type RoleExpiry = { validFor: number; refreshBefore: number };
export type ExpiryPolicy = Readonly<Record<RoleName, RoleExpiry>>;

/**
 * Production defaults: root and targets a year (signed again 60 days before expiry: root keys may be
 * offline, so leave time), snapshot 30 days (10 before), timestamp 7 days (3 before). Running
 * `sigstack trust` daily keeps every role fresh with days to spare.
 */
export const DEFAULT_EXPIRY: ExpiryPolicy = {
  root: { validFor: 365 * DAY, refreshBefore: 60 * DAY },
  targets: { validFor: 365 * DAY, refreshBefore: 60 * DAY },
  snapshot: { validFor: 30 * DAY, refreshBefore: 10 * DAY },
  timestamp: { validFor: 7 * DAY, refreshBefore: 3 * DAY },
};

/**
 * Dev mode: the trust service holds every key online and refreshes on a timer, so the timestamp
 * lives a day and is signed again at half-life; the rest as in production.
 */
export const DEV_EXPIRY: ExpiryPolicy = {
  ...DEFAULT_EXPIRY,
  timestamp: { validFor: DAY, refreshBefore: DAY / 2 },
};
