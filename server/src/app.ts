import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Database } from './db/database';
import type { AppState } from './http/context';
import { errorHandler } from './http/errorHandler';
import { UnauthenticatedError } from './modules/errors';
import { RouteTable } from './http/routes';
import { RateLimits } from './http/rateLimits';
import { requestEncoding, securityHeaders } from './http/middleware';
import { AuditTrail } from './modules/audit/audit';
import { AuthService, type MiniProgramSessions } from './modules/auth/authService';
import { InvitationService } from './modules/auth/invitations';
import { authRoutes } from './modules/auth/routes';
import { AdminService } from './modules/admin/adminService';
import { adminRoutes } from './modules/admin/routes';
import { healthRoutes } from './modules/health/routes';
import { eligibilityRoutes } from './modules/eligibility/routes';
import { EligibilityService } from './modules/eligibility/eligibilityService';
import { FileService, fileRoutes } from './modules/files';
import { createBlobStorage, type BlobStorage } from './storage';
import { FilingService } from './modules/providers/filingService';
import { ProviderRegistry } from './modules/providers/registry';
import { providerRoutes } from './modules/providers/routes';
import { filingFileOwner } from './modules/providers/fileOwner';
import { ApplicationEngine } from './modules/applications/engine';
import type { ApplicationDeps } from './modules/applications/deps';
import { countyRoutes } from './modules/applications/countyRoutes';
import { cityRoutes } from './modules/applications/cityRoutes';
import { enterpriseRoutes } from './modules/applications/enterpriseRoutes';
import { officialAccountRoutes } from './modules/officialAccount/routes';
import { notificationRoutes } from './modules/notifications/routes';
import { applicationFileOwner, enterpriseFileOwner } from './modules/applications/fileOwners';
import { MerchantAccounts } from './modules/payments/merchantAccounts';
import { PaymentService, type PaymentDeps } from './modules/payments/service';
import { PaymentCallbacks } from './modules/payments/callbacks';
import { PaymentReconciler } from './modules/payments/reconcile';
import { paymentRoutes } from './modules/payments/routes';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  wechat: { miniProgram: MiniProgramSessions };
  /** Where materials live; the local-disk default under DATA_DIR when absent. */
  storage?: BlobStorage;
  now?: () => number;
  /** Where WeChat Pay (or the sandbox) is, and where it should call us back; from the settings when absent. */
  wechatPay?: { apiBase?: () => string; notifyBaseUrl?: () => string };
}

export interface Services {
  audit: AuditTrail;
  auth: AuthService;
  invitations: InvitationService;
  admin: AdminService;
  eligibility: EligibilityService;
  files: FileService;
  filings: FilingService;
  registry: ProviderRegistry;
  engine: ApplicationEngine;
  merchants: MerchantAccounts;
  payments: PaymentService;
  callbacks: PaymentCallbacks;
  reconciler: PaymentReconciler;
}

export function createServices(deps: AppDeps): Services {
  const now = deps.now ?? Date.now;
  const audit = new AuditTrail(deps.config.auditKey, now);
  const engine = new ApplicationEngine(audit, now);
  const { config } = deps;
  const payApiBase = deps.wechatPay?.apiBase ?? (() => {
    const base = config.wechatPay.apiBase ?? (config.sandbox ? config.wechat.apiBase : null);
    if (!base) throw new Error('WeChat Pay API base unknown: set WECHAT_PAY_API_BASE');
    return base;
  });
  const notifyBase = deps.wechatPay?.notifyBaseUrl ?? (() => config.wechatPay.publicBaseUrl ?? `http://127.0.0.1:${config.port}`);
  const merchants = new MerchantAccounts(deps.db, audit, config.wechatPay.secretsKey, { appid: config.wechat.mp.appid, apiBase: payApiBase, timeoutMs: config.wechatPay.timeoutMs, logger: deps.logger }, now);
  const paymentDeps: PaymentDeps = { db: deps.db, audit, engine, merchants, notifyUrl: (accountId) => `${notifyBase().replace(/\/+$/, '')}/api/v1/wechat/pay/notify/${accountId}`, orderTtlMs: config.wechatPay.orderTtlMinutes * 60_000, now, logger: deps.logger };
  const payments = new PaymentService(paymentDeps);
  return {
    audit,
    auth: new AuthService(deps.db, audit, deps.wechat.miniProgram, deps.config.sessionTtlHours * 3600_000, now),
    invitations: new InvitationService(deps.db, audit, now),
    admin: new AdminService(deps.db, audit, deps.config.auditKey, now),
    eligibility: new EligibilityService(deps.db, deps.config, now),
    files: new FileService({ db: deps.db, audit, storage: deps.storage ?? createBlobStorage(deps.config), now }),
    filings: new FilingService(deps.db, audit, now),
    registry: new ProviderRegistry(deps.db, now),
    engine,
    merchants,
    payments,
    callbacks: new PaymentCallbacks(paymentDeps, payments),
    reconciler: new PaymentReconciler(paymentDeps, payments, deps.logger),
  };
}

/** Builds the HTTP application. It never listens: main.ts does, and tests drive it in-process. */
export function createApp(deps: AppDeps): { app: Koa<AppState>; routes: RouteTable; services: Services } {
  const services = createServices(deps);
  const app = new Koa<AppState>();
  // The client's address is the socket's unless TRUST_PROXY names the proxies in front of us: then it
  // is the address the outermost trusted proxy saw, and whatever a caller put further left is ignored.
  app.proxy = deps.config.trustProxy > 0;
  app.maxIpsCount = deps.config.trustProxy;
  const limits = new RateLimits(deps.config.rateLimits, { db: deps.db, mysqlDatabase: deps.config.database.kind === 'mysql' ? deps.config.database.name : null });
  const routes = new RouteTable(limits);

  healthRoutes(routes, { db: deps.db });
  authRoutes(routes, { auth: services.auth, invitations: services.invitations, db: deps.db });
  adminRoutes(routes, { invitations: services.invitations, admin: services.admin });
  eligibilityRoutes(routes, { eligibility: services.eligibility });
  services.files.registerOwnerType('provider', filingFileOwner(deps.db));
  fileRoutes(routes, { files: services.files });
  providerRoutes(routes, { filings: services.filings, registry: services.registry, now: deps.now ?? Date.now });
  const applicationDeps: ApplicationDeps = { db: deps.db, audit: services.audit, engine: services.engine, files: services.files, now: deps.now ?? Date.now, overdueDays: deps.config.overdueDays };
  services.files.registerOwnerType('application', applicationFileOwner(deps.db));
  services.files.registerOwnerType('enterprise', enterpriseFileOwner(deps.db));
  enterpriseRoutes(routes, applicationDeps);
  countyRoutes(routes, applicationDeps);
  cityRoutes(routes, applicationDeps);
  notificationRoutes(routes, { db: deps.db, config: deps.config, now: deps.now ?? Date.now });
  paymentRoutes(routes, { db: deps.db, merchants: services.merchants, payments: services.payments, callbacks: services.callbacks, reconciler: services.reconciler });
  officialAccountRoutes(routes, { config: deps.config, db: deps.db, audit: services.audit, eligibility: services.eligibility, now: deps.now ?? Date.now });

  // Koa reports here what happens after a response is under way; a phone that hangs up is routine.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.code === 'ECANCELED' || err.code === 'ERR_STREAM_PREMATURE_CLOSE') deps.logger.debug({ code: err.code }, 'client went away');
    else deps.logger.error({ err }, 'error after response started');
  });
  app.use(securityHeaders());
  app.use(errorHandler(deps.logger));
  app.use(async (ctx, next) => {
    ctx.state.requestId = randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    await next();
  });
  app.use(
    requestEncoding(
      bodyParser({
        enableTypes: ['json'],
        jsonLimit: '256kb',
        // A JSON body must be an object or array; a bare string or number is refused by the parser.
        jsonStrict: true,
      }),
    ),
  );
  app.use(async (ctx, next) => {
    const header = ctx.get('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const auth = m ? await services.auth.authenticate(m[1]!) : null;
      if (!auth) throw new UnauthenticatedError();
      ctx.state.auth = auth;
    }
    await next();
  });
  app.use(routes.router.routes());
  app.use(routes.router.allowedMethods({ throw: true }));
  return { app, routes, services };
}
