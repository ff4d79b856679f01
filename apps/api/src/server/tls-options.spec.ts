import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestPki } from '../test/test-pki.js';
import { loadTlsOptions, peerCertificateOk } from './tls-options.js';

describe('loadTlsOptions', () => {
  const pki = new TestPki();
  afterAll(() => pki.remove());

  it('is plain HTTP without settings, and loads a certificate, its key and a CA', () => {
    expect(loadTlsOptions({}).server).toBeNull();
    const ca = pki.ca('ca');
    const leaf = pki.leaf('leaf', ca);
    const tls = loadTlsOptions({ tlsCert: leaf.cert, tlsKey: leaf.key, tlsCa: ca.cert });
    expect(tls.server).toMatchObject({ requestCert: true, rejectUnauthorized: false, cert: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(tls.client).toMatchObject({ rejectUnauthorized: true, ca: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(tls.mutual).toBe(true);
    expect(peerCertificateOk(tls, { authorized: false })).toBe(false);
    expect(peerCertificateOk(tls, {})).toBe(false);
    expect(peerCertificateOk(tls, { authorized: true })).toBe(true);
    expect(peerCertificateOk(loadTlsOptions({ tlsCert: leaf.cert, tlsKey: leaf.key }), {})).toBe(true);
  });

  it('names the setting that is wrong', () => {
    const ca = pki.ca('ca2');
    const leaf = pki.leaf('leaf2', ca);
    const other = pki.leaf('other2', ca);
    expect(() => loadTlsOptions({ tlsCert: leaf.cert })).toThrow(/TLS_KEY: required with TLS_CERT/);
    expect(() => loadTlsOptions({ tlsCa: ca.cert })).toThrow(/TLS_CA: needs TLS_CERT/);
    expect(() => loadTlsOptions({ tlsCert: join(pki.dir, 'missing.crt'), tlsKey: leaf.key })).toThrow(/TLS_CERT: cannot read .*ENOENT/);
    expect(() => loadTlsOptions({ tlsCert: leaf.cert, tlsKey: other.key })).toThrow(/TLS_CERT \/ TLS_KEY \/ TLS_CA/);
    const garbage = join(pki.dir, 'garbage.pem');
    writeFileSync(garbage, 'not a pem');
    expect(() => loadTlsOptions({ tlsCert: garbage, tlsKey: leaf.key })).toThrow(/INVALID_CONFIG|TLS_CERT/);
  });
});
