import { expect, test } from 'vitest';
import { qrSvg } from './qr';

test('a node URL becomes an SVG QR code whose size grows with the text', () => {
  const short = qrSvg('http://10.0.0.5:8080');
  const long = qrSvg('http://a-much-longer-node-name.example.org:8080/with/a/path/that/needs/more/modules');
  expect(short.startsWith('<svg')).toBe(true);
  const size = (svg: string) => Number(/viewBox="0 0 (\d+)/.exec(svg)![1]);
  expect(size(long)).toBeGreaterThan(size(short));
});
