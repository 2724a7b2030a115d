import { Writable } from 'node:stream';

/** A pino destination that keeps every log line, for assertions on what was (and was not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  /** Every response logged with status 500, kept across clear(): the suite must have none. */
  readonly internalErrors: string[] = [];

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      this.lines.push(line);
      if (line.includes('"statusCode":500')) this.internalErrors.push(line);
    }
    callback();
  }

  /** Parsed log records. */
  records(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Records of `event: "login"`. */
  logins(): Array<Record<string, unknown>> {
    return this.records().filter((r) => r.event === 'login');
  }

  /** Everything logged, as one string to grep. */
  text(): string {
    return this.lines.join('\n');
  }

  clear(): void {
    this.lines.length = 0;
  }
}
