/**
 * The renderer's own process (forked by renderClient.ts). Chromium and playwright-core live here, away from
 * the process that drives the pages: that one runs on a fixed clock and seeded randomness
 * (determinism.ts), which playwright's own timers, ids and clock reads would otherwise disturb — and the
 * work of sending pictures back and writing them spreads over the second core.
 */
import { Renderer, type RenderJob, type RenderResult } from './render';

export type ToWorker = { type: 'job'; id: number; job: RenderJob } | { type: 'close' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: RenderResult }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed'; timings: Record<string, number> }
  | { type: 'fatal'; message: string };

const send = (m: FromWorker): void => void process.send!(m);

async function main(): Promise<void> {
  const concurrency = Number(process.env.SCREENS_CONCURRENCY ?? 2);
  const renderer = await Renderer.start(concurrency);
  process.on('message', (m: ToWorker) => {
    if (m.type === 'job') {
      renderer.render(m.job).then(
        (result) => send({ type: 'done', id: m.id, result }),
        (err: unknown) => send({ type: 'failed', id: m.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      );
    } else {
      void renderer.close().then(() => {
        send({ type: 'closed', timings: renderer.timings });
        process.disconnect();
      });
    }
  });
  send({ type: 'ready' });
}

main().catch((err: unknown) => {
  send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
