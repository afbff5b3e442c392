import { isUnavailable } from '../../db/errors';
import type { Logger } from 'pino';
import type { PaymentReconciler } from './reconcile';

const SWEEP_EVERY_MS = 60_000;

/**
 * The reconciliation jobs in the serving process: every minute the open orders and refunds, and (once
 * the hour has come) yesterday's trade bills, which each instance may attempt — every step is a
 * conditional write or a unique row, so two instances doing it at once settle nothing twice.
 */
export function startPaymentJobs(reconciler: PaymentReconciler, logger: Logger, everyMs = SWEEP_EVERY_MS): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = (async () => {
      try {
        const report = await reconciler.sweep();
        if (report.checked || report.refundsChecked) logger.info(report, 'payments swept');
        await reconciler.dailyBills();
      } catch (err) {
        // An outage is logged once by the app when it starts and ends, not once per round.
        if (!isUnavailable(err)) logger.warn({ err }, 'payment jobs failed; next round in a minute');
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
