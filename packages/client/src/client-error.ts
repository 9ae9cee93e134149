import { SigstackError } from '@sigstack/crypto/errors';

/** A remote service did not answer as it should; `status` is the HTTP status when there was one. */
export class ClientError extends SigstackError {
  readonly status: number | undefined;
  readonly url: string;

  constructor(code: 'ERR_CLIENT_UNREACHABLE' | 'ERR_CLIENT_STATUS' | 'ERR_CLIENT_RESPONSE', message: string, url: string, status?: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.url = url;
    this.status = status;
  }
}
