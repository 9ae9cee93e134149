import { usage } from '../errors.js';
import type { Io } from '../io.js';

/** `sigstack up`: the whole stack locally (placeholder until built). */
export async function up(_args: string[], _io: Io): Promise<number> {
  throw usage('sigstack up is not built yet');
}
