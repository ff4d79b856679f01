import { readFileSync } from 'node:fs';
import { createSecureContext, type TLSSocket } from 'node:tls';
import { ConfigError } from '../config/index.js';

/** The TLS settings of the configuration (file paths), as any listener of the node reads them. */
export interface TlsSettings {
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
}

/**
 * The PEM contents behind TLS_CERT / TLS_KEY / TLS_CA, loaded once at start-up.
 *
 * - `server`: options for `https.createServer` / `tls.createServer`. With a CA the server asks
 *   every client for a certificate but does not require one at the TLS layer (browsers and REST
 *   clients have none); listeners that only peers may use (the `/cluster` namespace) then call
 *   `peerCertificateOk` and refuse clients whose certificate does not chain to the CA.
 * - `client`: options for dialing a peer: verify its certificate against the CA (or the system
 *   roots without one) and present our own certificate, for the peer's mutual-TLS check.
 */
export interface TlsOptions {
  readonly server: { cert: string; key: string; ca?: string; requestCert: boolean; rejectUnauthorized: false } | null;
  readonly client: { ca?: string; cert?: string; key?: string; rejectUnauthorized: true };
  /** True when a CA is configured, so peers must present a certificate it signed. */
  readonly mutual: boolean;
}

const read = (path: string, env: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Invalid configuration:\n  ${env}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
};

/** Reads and checks the files; a missing pair, an unreadable file or a key that does not fit throws a ConfigError naming the variable. */
export const loadTlsOptions = (settings: TlsSettings): TlsOptions => {
  const { tlsCert, tlsKey, tlsCa } = settings;
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new ConfigError(`Invalid configuration:\n  ${tlsCert === undefined ? 'TLS_CERT' : 'TLS_KEY'}: required with ${tlsCert === undefined ? 'TLS_KEY' : 'TLS_CERT'}`);
  }
  if (tlsCa !== undefined && tlsCert === undefined) {
    throw new ConfigError('Invalid configuration:\n  TLS_CA: needs TLS_CERT and TLS_KEY (peers check our certificate as we check theirs)');
  }
  const cert = tlsCert === undefined ? undefined : read(tlsCert, 'TLS_CERT');
  const key = tlsKey === undefined ? undefined : read(tlsKey, 'TLS_KEY');
  const ca = tlsCa === undefined ? undefined : read(tlsCa, 'TLS_CA');
  if (cert !== undefined && key !== undefined) {
    try {
      createSecureContext({ cert, key, ...(ca === undefined ? {} : { ca }) });
    } catch (error) {
      throw new ConfigError(`Invalid configuration:\n  TLS_CERT / TLS_KEY / TLS_CA: ${(error as Error).message}`);
    }
  }
  const mutual = ca !== undefined;
  return {
    server: cert !== undefined && key !== undefined ? { cert, key, ...(ca === undefined ? {} : { ca }), requestCert: mutual, rejectUnauthorized: false } : null,
    client: { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }), rejectUnauthorized: true },
    mutual,
  };
};

/** For mutual TLS: the connection presented a certificate that chains to TLS_CA. */
export const peerCertificateOk = (tls: TlsOptions, socket: unknown): boolean =>
  !tls.mutual || (typeof (socket as Partial<TLSSocket>).authorized === 'boolean' && (socket as TLSSocket).authorized);
