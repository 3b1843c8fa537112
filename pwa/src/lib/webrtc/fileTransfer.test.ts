import { describe, expect, test } from 'vitest';
import { CHUNK_SIZE, FileTransferChannel, PartialFiles, sha256Hex, type ReceivedFile } from './fileTransfer';
import { ProgressMeter, formatBytes, formatSeconds } from './progress';
import { channelPair } from '../../test/channelPair';

function randomFile(size: number, name = 'data.bin'): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)));
  return new File([bytes], name, { type: 'application/octet-stream' });
}

function receiver(channel: ReturnType<typeof channelPair>[1], partials = new PartialFiles()) {
  const received: ReceivedFile[] = [];
  const progress: number[] = [];
  new FileTransferChannel(channel, { onReceived: (f) => received.push(f), onProgress: (_d, _f, p) => progress.push(p.done) }, partials);
  return { received, progress };
}

describe('file transfer over a data channel', () => {
  test('a 1 MB file arrives whole with a matching SHA-256 and steady progress', async () => {
    const [a, b] = channelPair();
    const file = randomFile(1024 * 1024 + 123);
    const { received, progress } = receiver(b);
    const result = await new FileTransferChannel(a).send(file);
    expect(result).toEqual({ verified: true, resumedFrom: 0, sent: file.size });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ name: 'data.bin', size: file.size, verified: true });
    expect(await sha256Hex(received[0].blob)).toBe(await sha256Hex(file));
    expect(progress.at(-1)).toBe(file.size);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
  });

  test('a corrupted chunk is caught by the hash on both sides', async () => {
    const [a, b] = channelPair();
    a.corruptBinarySend = 3;
    const { received } = receiver(b);
    const result = await new FileTransferChannel(a).send(randomFile(200_000));
    expect(result.verified).toBe(false);
    expect(received[0].verified).toBe(false);
  });

  test('a transfer cut mid-way resumes on a new channel from where the receiver stopped', async () => {
    const partials = new PartialFiles();
    const file = randomFile(40 * CHUNK_SIZE + 7);
    const [a1, b1] = channelPair();
    a1.cutAfterBinarySends = 15;
    receiver(b1, partials);
    await expect(new FileTransferChannel(a1).send(file)).rejects.toThrow(/send it again to resume/);

    const [a2, b2] = channelPair();
    const { received } = receiver(b2, partials);
    const result = await new FileTransferChannel(a2).send(file);
    expect(result.resumedFrom).toBe(15 * CHUNK_SIZE);
    expect(a2.sentBinaryBytes).toBe(file.size - 15 * CHUNK_SIZE);
    expect(result.verified).toBe(true);
    expect(received[0]).toMatchObject({ verified: true, resumedFrom: 15 * CHUNK_SIZE });
  });

  test('a declined file is reported to the sender', async () => {
    const [a, b] = channelPair();
    new FileTransferChannel(b, { acceptOffer: () => false });
    await expect(new FileTransferChannel(a).send(randomFile(10))).rejects.toThrow(/declined/);
  });

  test('an empty file still verifies', async () => {
    const [a, b] = channelPair();
    const { received } = receiver(b);
    expect((await new FileTransferChannel(a).send(new File([], 'empty.txt'))).verified).toBe(true);
    expect(received[0].size).toBe(0);
  });
});

describe('progress', () => {
  test('speed and time left come from the recent window', () => {
    let now = 0;
    const meter = new ProgressMeter(10_000, () => now, 3000);
    meter.update(0);
    now = 1000;
    expect(meter.update(1000)).toMatchObject({ bytesPerSecond: 1000, secondsLeft: 9, fraction: 0.1 });
    now = 2000;
    expect(meter.update(3000)).toMatchObject({ bytesPerSecond: 1500 });
  });

  test('sizes and durations read naturally', () => {
    expect([formatBytes(900), formatBytes(2048), formatBytes(5 * 1024 * 1024)]).toEqual(['900 B', '2.0 KB', '5.0 MB']);
    expect([formatSeconds(null), formatSeconds(4.2), formatSeconds(125)]).toEqual(['estimating…', '5 s', '2 min 5 s']);
  });
});
