/** The driving process's side of the renderer: jobs go to renderWorker.ts, results come back. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { RenderJob, RenderResult } from './render';
import type { FromWorker, ToWorker } from './renderWorker';

export class RenderClient {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: RenderResult) => void; reject: (e: Error) => void }>();
  private timings: Record<string, number> = {};
  private closed: (() => void) | null = null;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: FromWorker) => {
      if (m.type === 'done') this.settle(m.id, (p) => p.resolve(m.result));
      else if (m.type === 'failed') this.settle(m.id, (p) => p.reject(new Error(m.message)));
      else if (m.type === 'closed') {
        this.timings = m.timings;
        this.closed?.();
      }
    });
    child.on('exit', (code) => {
      for (const p of this.pending.values()) p.reject(new Error(`the renderer stopped (exit ${code})`));
      this.pending.clear();
      this.closed?.();
    });
  }

  static start(): Promise<RenderClient> {
    // The same Node flags (tsx's loader) as this process.
    const child = fork(path.join(__dirname, 'renderWorker.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      const first = (m: FromWorker) => {
        child.off('message', first);
        if (m.type === 'ready') resolve(new RenderClient(child));
        else reject(new Error(m.type === 'fatal' ? m.message : `unexpected ${m.type}`));
      };
      child.on('message', first);
      child.once('exit', (code) => reject(new Error(`the renderer did not start (exit ${code})`)));
    });
  }

  private settle(id: number, f: (p: { resolve: (r: RenderResult) => void; reject: (e: Error) => void }) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    f(p);
  }

  render(job: RenderJob): Promise<RenderResult> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: ToWorker = { type: 'job', id, job };
      this.child.send(message);
    });
  }

  /** Closes Chromium; returns the time spent per step, summed over the pages (ms). */
  async close(): Promise<Record<string, number>> {
    await new Promise<void>((resolve) => {
      this.closed = resolve;
      const message: ToWorker = { type: 'close' };
      this.child.send(message);
    });
    return this.timings;
  }
}
