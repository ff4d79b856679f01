import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM file paths of one certificate and its key. */
export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

/**
 * A throw-away PKI made with the `openssl` CLI in a temp dir: CAs and leaf certificates for
 * 127.0.0.1 (usable as server and as client certificates). `remove()` deletes everything.
 */
export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'meshcache-pki-'));

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  /** A self-signed CA; its `cert` is the bundle to give as TLS_CA. */
  ca(name: string): CertFiles {
    const files = { cert: join(this.dir, `${name}.crt`), key: join(this.dir, `${name}.key`) };
    this.openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', files.key, '-out', files.cert, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    return files;
  }

  /** A certificate for `san` (default 127.0.0.1 / localhost) signed by `ca`. */
  leaf(name: string, ca: CertFiles, san = 'IP:127.0.0.1,DNS:localhost'): CertFiles {
    const files = { cert: join(this.dir, `${name}.crt`), key: join(this.dir, `${name}.key`) };
    const csr = join(this.dir, `${name}.csr`);
    const ext = join(this.dir, `${name}.ext`);
    writeFileSync(ext, `subjectAltName=${san}\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n`);
    this.openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', files.key, '-out', csr, '-subj', `/CN=${name}`]);
    this.openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', files.cert, '-days', '2', '-extfile', ext]);
    return files;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
