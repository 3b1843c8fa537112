// PEM text in and out.

export interface PemBlock {
  label: string;
  der: Uint8Array<ArrayBuffer>;
}

export function parsePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (const match of text.matchAll(pattern)) {
    const body = match[2].replace(/^[A-Za-z-]+:.*$/gm, '').replace(/\s+/g, '');
    blocks.push({ label: match[1], der: base64ToBytes(body) });
  }
  return blocks;
}

export function toPem(label: string, der: ArrayBuffer | Uint8Array): string {
  const base64 = bytesToBase64(der instanceof Uint8Array ? der : new Uint8Array(der));
  return `-----BEGIN ${label}-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function looksLikePem(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 2048)).includes('-----BEGIN ');
}
