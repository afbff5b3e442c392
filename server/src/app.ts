import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type { Logger } from 'pino';
import type { Config } from './config';
import { installPolicyPack, policyPack } from '../../shared/src/pack/active';
import { withFirstEffectiveFrom } from '../../shared/src/rules/parameters';
import type { Database } from './db/database';
import type { AppState } from './http/context';
import { errorHandler } from './http/errorHandler';
import { UnauthenticatedError } from './modules/errors';
import { RouteTable } from './http/routeTable';
import { RateLimits } from './http/rateLimits';
import { requestEncoding, securityHeaders } from './http/middleware';
import { AuditTrail } from './modules/audit/audit';
import { AuthService, type MiniProgramSessions } from './modules/auth/authService';
import { InvitationService } from './modules/auth/invitations';
import { ProfileService } from './modules/auth/profile';
import { AdminService } from './modules/admin/adminService';
import { HealthCheck } from './modules/health/health';
import { EligibilityService } from './modules/eligibility/eligibilityService';
import { FileService } from './modules/files';
import { createBlobStorage, type BlobStorage } from './storage';
import { FilingService } from './modules/providers/filingService';
import { ProviderRegistry } from './modules/providers/registry';
import { filingFileOwner } from './modules/providers/fileOwner';
import { ApplicationEngine } from './modules/applications/engine';
import type { ApplicationDeps } from './modules/applications/deps';
import { EnterpriseService } from './modules/enterprises/enterprises';
import { DraftService } from './modules/applications/drafts';
import { SettlementForms, SETTLEMENT_OWNER_TYPE, settlementFileOwner } from './modules/providerDesk/settlementForms';
import { CountyReview } from './modules/countyReview/countyReview';
import { JointReports } from './modules/countyReview/jointReports';
import { CityReview } from './modules/cityReview/cityReview';
import { Budgets } from './modules/cityReview/budget';
import { SubsidyLists } from './modules/cityReview/subsidyLists';
import { Disbursements } from './modules/ledger/disbursements';
import { AccountChanges } from './modules/ledger/accountChanges';
import { Inbox } from './modules/notifications/inbox';
import { NotificationPreferences } from './modules/notifications/preferences';
import { resolveNotificationSettings } from './modules/notifications/settings';
import { Chatbot } from './modules/officialAccount/chatbot';
import { BindingCodes } from './modules/officialAccount/binding';
import { MerchantAccounts } from './modules/payments/merchantAccounts';
import { PaymentService, type PaymentDeps } from './modules/payments/service';
import { PaymentCallbacks } from './modules/payments/callbacks';
import { PaymentReconciler } from './modules/payments/reconcile';
import { healthRoutes } from './http/routes/health';
import { authRoutes } from './http/routes/auth';
import { adminRoutes } from './http/routes/admin';
import { eligibilityRoutes } from './http/routes/eligibility';
import { fileRoutes } from './http/routes/files';
import { providerFilingRoutes } from './http/routes/providerFilings';
import { enterpriseRoutes } from './http/routes/enterprises';
import { ProfileChangeService } from './modules/enterprises/profileChanges';
import { providerDeskRoutes } from './http/routes/providerDesk';
import { countyRoutes } from './http/routes/county';
import { cityRoutes } from './http/routes/city';
import { roundRoutes } from './http/routes/rounds';
import { RoundService } from './modules/rounds/rounds';
import { RoundReminders } from './modules/rounds/reminders';
import { accountChangeRoutes } from './http/routes/accountChanges';
import { notificationRoutes } from './http/routes/notifications';
import { paymentRoutes } from './http/routes/payments';
import { officialAccountRoutes } from './http/routes/officialAccount';
import { OfficialAccountEndpoint } from './http/officialAccountEndpoint';
import { ProviderDesk } from './modules/providerDesk/confirmations';
import { applicationFileOwner } from './modules/applications/fileOwner';
import { enterpriseFileOwner } from './modules/enterprises/fileOwner';
import { Metrics } from './metrics';
import type { Redis } from 'ioredis';
import { requestMetrics } from './http/metrics';
import { databaseMetrics } from './modules/health/metricsSource';

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
  /** The process's metrics (main.ts adds the process's own figures); one of its own per app when absent. */
  metrics?: Metrics;
  /** Redis (REDIS_URL), where the rate limits' counters live when it is set. */
  redis?: Redis | null;
}

/** Every use case, built once here (the composition root); the routes on top call them. */
export interface Services {
  audit: AuditTrail;
  health: HealthCheck;
  auth: AuthService;
  invitations: InvitationService;
  profile: ProfileService;
  admin: AdminService;
  eligibility: EligibilityService;
  files: FileService;
  filings: FilingService;
  registry: ProviderRegistry;
  engine: ApplicationEngine;
  enterprises: EnterpriseService;
  profileChanges: ProfileChangeService;
  drafts: DraftService;
  providerDesk: ProviderDesk;
  settlementForms: SettlementForms;
  countyReview: CountyReview;
  jointReports: JointReports;
  cityReview: CityReview;
  budgets: Budgets;
  subsidyLists: SubsidyLists;
  disbursements: Disbursements;
  accountChanges: AccountChanges;
  inbox: Inbox;
  preferences: NotificationPreferences;
  chatbot: Chatbot;
  rounds: RoundService;
  roundReminders: RoundReminders;
  bindingCodes: BindingCodes;
  merchants: MerchantAccounts;
  payments: PaymentService;
  callbacks: PaymentCallbacks;
  reconciler: PaymentReconciler;
}

export function createServices(deps: AppDeps): Services {
  const now = deps.now ?? Date.now;
  const { config, db } = deps;
  // 四（二）本细则自发布之日起施行: the text has no date, the bureau's POLICY_EFFECTIVE_FROM is the first version's first day.
  if (config.policyEffectiveFrom !== null) installPolicyPack(withFirstEffectiveFrom(policyPack(), config.policyEffectiveFrom));
  const audit = new AuditTrail(config.auditKey, now);
  const engine = new ApplicationEngine(audit, now, config.overdueDays);
  const payApiBase =
    deps.wechatPay?.apiBase ??
    (() => {
      const base = config.wechatPay.apiBase ?? (config.sandbox ? config.wechat.apiBase : null);
      if (!base) throw new Error('WeChat Pay API base unknown: set WECHAT_PAY_API_BASE');
      return base;
    });
  const notifyBase = deps.wechatPay?.notifyBaseUrl ?? (() => config.wechatPay.publicBaseUrl ?? `http://127.0.0.1:${config.port}`);
  const merchants = new MerchantAccounts(
    db,
    audit,
    config.wechatPay.secretsKey,
    { appid: config.wechat.mp.appid, apiBase: payApiBase, timeoutMs: config.wechatPay.timeoutMs, logger: deps.logger },
    now,
  );
  const paymentDeps: PaymentDeps = {
    db,
    audit,
    engine,
    merchants,
    notifyUrl: (accountId) => `${notifyBase().replace(/\/+$/, '')}/api/v1/wechat/pay/notify/${accountId}`,
    orderTtlMs: config.wechatPay.orderTtlMinutes * 60_000,
    now,
    logger: deps.logger,
  };
  const payments = new PaymentService(paymentDeps);
  const files = new FileService({ db, audit, storage: deps.storage ?? createBlobStorage(config), now });
  // Who may attach and read materials, per kind of owner.
  files.registerOwnerType('provider', filingFileOwner(db));
  files.registerOwnerType('application', applicationFileOwner(db));
  files.registerOwnerType('enterprise', enterpriseFileOwner(db));
  files.registerOwnerType(SETTLEMENT_OWNER_TYPE, settlementFileOwner(db));
  const applications: ApplicationDeps = { db, audit, engine, files, now, overdueDays: config.overdueDays };
  const eligibility = new EligibilityService(db, config, now);
  const rounds = new RoundService(applications);
  return {
    audit,
    health: new HealthCheck(db),
    auth: new AuthService(db, audit, deps.wechat.miniProgram, config.sessionTtlHours * 3600_000, now),
    invitations: new InvitationService(db, audit, now),
    profile: new ProfileService(db, audit, now),
    admin: new AdminService(db, audit, config.auditKey, now),
    eligibility,
    files,
    filings: new FilingService(db, audit, now),
    registry: new ProviderRegistry(db, now),
    engine,
    enterprises: new EnterpriseService(db, audit, now),
    profileChanges: new ProfileChangeService(db, audit, now),
    drafts: new DraftService(applications),
    providerDesk: new ProviderDesk(applications),
    settlementForms: new SettlementForms(applications),
    countyReview: new CountyReview(applications),
    jointReports: new JointReports(applications),
    cityReview: new CityReview(applications),
    rounds,
    roundReminders: new RoundReminders({ db, now, rounds, logger: deps.logger }),
    budgets: new Budgets(applications),
    subsidyLists: new SubsidyLists(applications),
    disbursements: new Disbursements(applications),
    accountChanges: new AccountChanges(applications),
    inbox: new Inbox(db, now),
    preferences: new NotificationPreferences(db, resolveNotificationSettings(undefined, config.sandbox), now),
    chatbot: new Chatbot({ config, db, audit, eligibility, now, logger: deps.logger.child({ module: 'officialAccount' }) }),
    // The binding code's HMAC key: the server's secret (AUDIT_KEY), used under a label of its own.
    bindingCodes: new BindingCodes(db, config.auditKey, now),
    merchants,
    payments,
    callbacks: new PaymentCallbacks(paymentDeps, payments),
    reconciler: new PaymentReconciler(paymentDeps, payments, deps.logger),
  };
}

/** Builds the HTTP application. It never listens: main.ts does, and tests drive it in-process. */
export function createApp(deps: AppDeps): { app: Koa<AppState>; routes: RouteTable; services: Services; metrics: Metrics } {
  const services = createServices(deps);
  const metrics = deps.metrics ?? new Metrics({ processMetrics: false });
  metrics.watch(databaseMetrics(deps.db, deps.config.overdueDays), deps.now);
  const app = new Koa<AppState>();
  // The client's address is the socket's unless TRUST_PROXY names the proxies in front of us: then it
  // is the address the outermost trusted proxy saw, and whatever a caller put further left is ignored.
  app.proxy = deps.config.trustProxy > 0;
  app.maxIpsCount = deps.config.trustProxy;
  const limits = new RateLimits(
    deps.config.rateLimits,
    {
      db: deps.db,
      mysqlDatabase: deps.config.database.kind === 'mysql' ? deps.config.database.name : null,
      redis: deps.redis ?? null,
      keyPrefix: deps.config.redis.keyPrefix,
    },
    (limit) => metrics.rateLimitRefusals.inc({ limit }),
  );
  const routes = new RouteTable(limits);

  // Registered in this order, which @koa/router matches in (docs/openapi.json keeps it).
  healthRoutes(routes, services);
  authRoutes(routes, services);
  adminRoutes(routes, services);
  eligibilityRoutes(routes, services);
  fileRoutes(routes, services);
  providerFilingRoutes(routes, services);
  enterpriseRoutes(routes, services);
  providerDeskRoutes(routes, services);
  countyRoutes(routes, services);
  cityRoutes(routes, services);
  roundRoutes(routes, services.rounds);
  accountChangeRoutes(routes, services.accountChanges);
  notificationRoutes(routes, services);
  paymentRoutes(routes, services);
  officialAccountRoutes(routes, {
    ...services,
    endpoint: new OfficialAccountEndpoint(
      deps.config,
      services.chatbot,
      deps.logger.child({ module: 'officialAccount' }),
      deps.now ?? Date.now,
      limits,
    ),
  });

  // An outage is logged once when it starts and once when it ends, not once per request.
  deps.db.onAvailability((a) => {
    if (a.state === 'down') deps.logger.error({ code: a.code }, 'database unreachable: answering 503 until it is back');
    else deps.logger.warn({ downForMs: a.downForMs }, 'database reachable again');
  });
  // Koa reports here what happens after a response is under way; a phone that hangs up is routine.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.code === 'ECANCELED' || err.code === 'ERR_STREAM_PREMATURE_CLOSE')
      deps.logger.debug({ code: err.code }, 'client went away');
    else deps.logger.error({ err }, 'error after response started');
  });
  app.use(requestMetrics(metrics, deps.config.metrics.token));
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
      const auth = m ? await services.auth.authenticate(m[1]) : null;
      if (!auth) throw new UnauthenticatedError();
      ctx.state.auth = auth;
    }
    await next();
  });
  app.use(routes.router.routes());
  app.use(routes.router.allowedMethods({ throw: true }));
  return { app, routes, services, metrics };
}
