/** The server's version, as published in /api/metrics and the OpenAPI document. */
export const VERSION = '0.1.0';
