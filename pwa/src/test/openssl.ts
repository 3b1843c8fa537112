// Real openssl makes the certificates and .p12 files operators bring, so imports are tested on real files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class OpensslWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'mesh-pwa-certs-'));

  constructor() {
    // openssl only writes the ARRL callsign attribute into a subject once the OID has a name, as TQSL's own config gives it.
    this.write('openssl.cnf', 'oid_section = new_oids\n[new_oids]\nAROcallsign = 1.3.6.1.4.1.12348.1.1\n[req]\ndistinguished_name = dn\n[dn]\n');
  }

  run(...args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  read(name: string): Uint8Array<ArrayBuffer> {
    return Uint8Array.from(readFileSync(this.path(name)));
  }

  text(name: string): string {
    return readFileSync(this.path(name), 'utf8');
  }

  write(name: string, text: string): void {
    writeFileSync(this.path(name), text);
  }

  /** A root CA able to issue, as openssl makes it. */
  rootCa(name: string, keyArgs: string[]): void {
    this.run('req', '-config', 'openssl.cnf', '-x509', '-newkey', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '30',
      '-subj', `/CN=${name} Root`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  }

  /** An operator certificate issued by `ca`, with the callsign in the ARRL attribute and the person's name in CN. */
  operator(name: string, ca: string, subject: string, keyArgs: string[], extensions = 'basicConstraints=critical,CA:FALSE'): void {
    this.run('req', '-config', 'openssl.cnf', '-new', '-newkey', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    this.write(`${name}.ext`, extensions.split(';').join('\n') + '\n');
    this.run('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '30', '-extfile', `${name}.ext`);
  }
}
