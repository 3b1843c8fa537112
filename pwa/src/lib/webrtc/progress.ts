// Transfer speed and time left over a sliding window, so one slow burst does not swing the estimate.

export interface ProgressSnapshot {
  done: number;
  total: number;
  fraction: number;
  bytesPerSecond: number;
  secondsLeft: number | null;
}

export class ProgressMeter {
  private samples: Array<{ at: number; done: number }> = [];

  constructor(
    readonly total: number,
    private readonly now: () => number = () => performance.now(),
    private readonly windowMs = 3000,
  ) {}

  update(done: number): ProgressSnapshot {
    const at = this.now();
    this.samples.push({ at, done });
    while (this.samples.length > 2 && at - this.samples[0].at > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const elapsed = (at - first.at) / 1000;
    const bytesPerSecond = elapsed > 0 ? (done - first.done) / elapsed : 0;
    const left = this.total - done;
    return {
      done,
      total: this.total,
      fraction: this.total === 0 ? 1 : done / this.total,
      bytesPerSecond,
      secondsLeft: left <= 0 ? 0 : bytesPerSecond > 0 ? left / bytesPerSecond : null,
    };
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}
