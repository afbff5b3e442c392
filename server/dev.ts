/**
 * The development entry (`npm start`, run by tsx): the production entry's `start()`, plus the WeChat
 * sandbox in sandbox mode. With no settings at all it serves on the embedded SQLite file, local files
 * and a sandbox started beside it on loopback. The sandbox is loaded by a dynamic import only then, so
 * nothing of it is reachable from server/src (the production build): with WECHAT_API_BASE set (a
 * sandbox of `npm run sandbox`, or WeChat itself) or with WeChat secrets, none is started.
 */
import 'reflect-metadata';
import { loadConfig, type Config } from './src/config';
import { createLogger } from './src/logger';
import { runEntry, start, type Running } from './src/main';

export async function startDevelopment(config: Config): Promise<Running> {
  if (!config.sandbox || config.wechat.apiBase !== null) return start(config);
  const { startSandbox } = await import('./sandbox');
  // No authentication of its own: loopback only.
  const sandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
  createLogger(config).info({ apiBase: sandbox.baseUrl }, 'WeChat sandbox started: log in with the code sandbox:<name>');
  let running: Running;
  try {
    running = await start({ ...config, wechat: { ...config.wechat, apiBase: sandbox.baseUrl } });
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  return {
    server: running.server,
    stop: async () => {
      await running.stop();
      await sandbox.close();
    },
    stopBoundMs: running.stopBoundMs + 5000,
  };
}

if (require.main === module) {
  runEntry(async () => startDevelopment(loadConfig()));
}
