import { Presets, SingleBar } from 'cli-progress';

/**
 * Progress for the long-running scripts (simulate, loadtest): a cli-progress bar on a terminal, and a
 * few plain lines otherwise (CI has no TTY), always on stderr so stdout stays the report.
 */
export interface Progress {
  /** `value` out of the total; `detail` is shown next to the bar (or in the plain line). */
  update(value: number, detail?: string): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly label: string;
  readonly total: number;
  readonly unit?: string;
  /** @default process.stderr */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** @default the stream's isTTY */
  readonly tty?: boolean;
  /** Plain mode prints a line each time this share of the total is passed. @default 0.25 */
  readonly plainStep?: number;
  /** No output at all. */
  readonly silent?: boolean;
}

export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ? ` ${options.unit}` : '';
  if (options.silent) return { update: () => undefined, stop: () => undefined };

  if (options.tty ?? Boolean(stream.isTTY)) {
    const bar = new SingleBar(
      {
        format: `${options.label} [{bar}] {percentage}% | {value}/{total}${unit} {detail}`,
        stream: stream as NodeJS.WriteStream,
        hideCursor: true,
        clearOnComplete: false,
      },
      Presets.shades_classic,
    );
    bar.start(options.total, 0, { detail: '' });
    return {
      update: (value, detail) => bar.update(Math.round(Math.min(value, options.total)), { detail: detail ?? '' }),
      stop: () => bar.stop(),
    };
  }

  const step = Math.max(1e-9, options.plainStep ?? 0.25) * options.total;
  let nextMark = step;
  let last = 0;
  let lastDetail = '';
  const print = (value: number, detail: string) => {
    const share = options.total > 0 ? Math.floor((100 * value) / options.total) : 100;
    stream.write(`${options.label}: ${share}% (${Math.round(value)}/${options.total}${unit})${detail ? ` ${detail}` : ''}\n`);
  };
  return {
    update: (value, detail) => {
      last = value;
      lastDetail = detail ?? '';
      if (value >= nextMark && value < options.total) {
        print(value, lastDetail);
        while (nextMark <= value) nextMark += step;
      }
    },
    stop: () => print(Math.max(last, 0), lastDetail),
  };
}
