// The node's address as a QR code (SVG markup), so a phone can join by pointing its camera at a laptop.
import qrcode from 'qrcode-generator';

export function qrSvg(text: string): string {
  const code = qrcode(0, 'M');
  code.addData(text);
  code.make();
  return code.createSvgTag({ cellSize: 4, margin: 4, scalable: true });
}
