import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

/** Structured logs; bearer tokens, secrets and phone numbers never reach them. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        '*.secret',
        '*.token',
        '*.password',
        '*.phone',
        '*.mobile',
        '*.apiV3Key',
        '*.privateKey',
        '*.privateKeyPem',
        '*.secrets',
      ],
      censor: '***',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** 13912345678 → 139****5678, for lists and logs. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return phone ?? null;
  return phone.replace(/(\d{3})\d{4}(\d{4})/, '$1****$2');
}
