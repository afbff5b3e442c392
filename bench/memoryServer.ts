/**
 * The server as `npm start` runs it (server/dev.ts), plus one thing for the benchmark alone: asked
 * over the IPC channel that bench/run.ts opens, it forces a full garbage collection (node runs with
 * --expose-gc) and answers its heap, so that a long run shows whether live memory grows — RSS alone
 * follows the allocator and the collector's pace, not leaks. Nothing of this is in the product.
 */
import 'reflect-metadata';
import { loadConfig } from '../server/src/config';
import { runEntry } from '../server/src/main';
import { startDevelopment } from '../server/dev';

export interface HeapReport {
  heapUsedMb: number;
  rssMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

process.on('message', (m: unknown) => {
  if (m !== 'heap' || !process.send) return;
  const gc = (globalThis as { gc?: () => void }).gc;
  // Twice: the first pass may leave objects that finalizers of the first released.
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  const report: HeapReport = { heapUsedMb: mb(usage.heapUsed), rssMb: mb(usage.rss) };
  process.send(report);
});

runEntry(async () => startDevelopment(loadConfig()));
