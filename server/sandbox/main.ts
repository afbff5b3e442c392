/**
 * `npm run sandbox`: the WeChat sandbox on its own, for a second process or another instance:
 *
 *   npm run sandbox                                   # WeChat sandbox: http://127.0.0.1:3100/
 *   WECHAT_API_BASE=http://127.0.0.1:3100/ npm start  # a server using it (WeChat Pay answers there too)
 *
 * SANDBOX_PORT (default 3100; 0: any free port) and SANDBOX_HOST (default 127.0.0.1 — the sandbox has
 * no authentication of its own, so anything else exposes its control surface) choose where it listens.
 */
import { startSandbox, type RunningSandbox } from './index';

export const DEFAULT_SANDBOX_PORT = 3100;

export class SandboxSettingError extends Error {
  constructor(setting: string, reason: string) {
    super(`设置错误 ${setting}: ${reason}`);
    this.name = 'SandboxSettingError';
  }
}

export function sandboxListenSettings(env: Record<string, string | undefined>): { port: number; host: string } {
  const rawPort = env.SANDBOX_PORT?.trim() || undefined;
  let port = DEFAULT_SANDBOX_PORT;
  if (rawPort !== undefined) {
    if (!/^\d{1,5}$/.test(rawPort) || Number(rawPort) > 65535)
      throw new SandboxSettingError('SANDBOX_PORT', `须为 0 到 65535 的整数，现为 "${rawPort}"`);
    port = Number(rawPort);
  }
  const host = env.SANDBOX_HOST?.trim() || '127.0.0.1';
  if (!/^[0-9A-Za-z.:[\]-]+$/.test(host)) throw new SandboxSettingError('SANDBOX_HOST', `须为一个地址，例如 127.0.0.1，现为 "${host}"`);
  return { port, host };
}

if (require.main === module) {
  let running: RunningSandbox | null = null;
  const stop = () => {
    (running ? running.close() : Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  Promise.resolve()
    .then(() => startSandbox(sandboxListenSettings(process.env)))
    .then(
      (sandbox) => {
        running = sandbox;
        process.stdout.write(`WeChat sandbox: ${sandbox.baseUrl}\n`);
        process.stdout.write(
          `a server uses it with WECHAT_API_BASE=${sandbox.baseUrl} (WeChat Pay answers there too); log in with the code sandbox:<name>\n`,
        );
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
      (err: unknown) => {
        process.stderr.write(
          `${err instanceof SandboxSettingError ? err.message : `沙箱启动失败: ${err instanceof Error ? err.message : String(err)}`}\n`,
        );
        process.exit(1);
      },
    );
}
