export { ClientError, request, json, expectStatus } from './http.js';
export type { HttpOptions, HttpResponse } from './http.js';
