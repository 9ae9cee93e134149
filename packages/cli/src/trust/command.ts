import { usage } from '../errors.js';
import type { Io } from '../io.js';

/** `sigstack trust`: (re)generates the trust material and TUF repository (placeholder until built). */
export async function trust(_args: string[], _io: Io): Promise<number> {
  throw usage('sigstack trust is not built yet');
}
