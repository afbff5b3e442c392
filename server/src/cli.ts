import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from './config';
import { openDatabase, type Database } from './db/database';
import { AuditTrail, verifyAuditTrail } from './modules/audit/audit';
import { createInvitationSchema, InvitationService } from './modules/auth/invitations';
import { activeGrants, findUserByMpOpenid, insertGrant } from './db/users';
import { newId } from './ids';
import { separationOfDutiesConflict } from '../../shared/src/contracts/roles';
import { ConflictError, DomainError, NotFoundError } from './modules/errors';
import { backup, BackupRefused, restore } from './modules/ops/backup';
import { installPolicyPack, policyPack } from '../../shared/src/pack';

/** The help, its county example from the installed pack. */
const usage = (example = policyPack().counties[0]) => `用法: npm run cli -- <命令> [选项]

  invite --role <角色> [--county <县区代码>] [--hours <有效小时数>] [--note <备注>]
      生成一次性邀请码（只显示这一次）。角色: admin, city_miit, city_finance, county_miit, county_finance
      县级角色须加 --county，例如 --county ${example.code}（${example.name}）
  grant-admin --openid <小程序 openid>
      直接把管理员角色授予已登录过小程序的用户（用于第一位管理员）
  audit-verify
      校验整个审计链，发现篡改时以状态码 1 退出
  migrate
      执行数据库迁移（服务启动时也会自动执行；滚动发布新实例之前先执行）
  backup <目录>
      把数据库（一致的时间点，服务运行中也可以）和全部材料文件备份到一个新的或空的目录，
      附带清单 manifest.json（每个文件的大小和 sha256，用 AUDIT_KEY 封签）
  restore <目录>
      先核对备份清单和每个文件的 sha256，再把备份恢复到空的数据目录或空数据库；有任何不符即拒绝
`;

async function withDb<T>(fn: (db: Database, audit: AuditTrail, key: string) => Promise<T> | T): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    return await fn(db, new AuditTrail(config.auditKey), config.auditKey);
  } finally {
    await db.close();
  }
}

export async function runCli(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'invite': {
      const { values } = parseArgs({
        args: rest,
        options: {
          role: { type: 'string' },
          county: { type: 'string' },
          hours: { type: 'string' },
          note: { type: 'string' },
          name: { type: 'string' },
        },
      });
      const parsed = createInvitationSchema.safeParse({
        role: values.role,
        countyCode: values.county ?? null,
        expiresInHours: values.hours ? Number(values.hours) : undefined,
        note: values.note ?? null,
        name: values.name ?? null,
      });
      if (!parsed.success) {
        out(`邀请码未生成: ${parsed.error.issues.map((i) => i.message).join('；')}`);
        return 2;
      }
      return withDb(async (db, audit) => {
        const { code, invitation } = await new InvitationService(db, audit).create(null, parsed.data);
        out(`邀请码: ${code}`);
        out(
          `角色: ${invitation.role}${invitation.countyCode ? `（${invitation.countyCode}）` : ''}，有效至 ${new Date(invitation.expiresAt).toISOString()}`,
        );
        out('请把邀请码交给本人：在小程序“我的 → 使用邀请码”中输入。');
        return 0;
      });
    }
    case 'grant-admin': {
      const { values } = parseArgs({ args: rest, options: { openid: { type: 'string' } } });
      if (!values.openid) {
        out('请用 --openid 指定用户（该用户须先登录过小程序）');
        return 2;
      }
      const openid = values.openid;
      return withDb(async (db, audit) => {
        try {
          await db.transaction(async (tx) => {
            const user = await findUserByMpOpenid(tx, openid);
            if (!user) throw new NotFoundError(`没有 openid 为 ${openid} 的用户：请让其先登录一次小程序`);
            const held = await activeGrants(tx, user.id);
            if (held.some((g) => g.role === 'admin')) throw new ConflictError('该用户已是管理员', 'role_already_held');
            const conflict = separationOfDutiesConflict(held, { role: 'admin', countyCode: null });
            if (conflict) throw new ConflictError(conflict, 'separation_of_duties');
            const grantId = newId();
            await insertGrant(tx, {
              id: grantId,
              userId: user.id,
              role: 'admin',
              countyCode: null,
              grantedBy: null,
              invitationId: null,
              createdAt: Date.now(),
            });
            await audit.append(tx, {
              action: 'role.grant',
              actorId: null,
              entityType: 'user',
              entityId: user.id,
              data: { grantId, role: 'admin', via: 'cli' },
            });
          });
        } catch (err) {
          if (err instanceof DomainError) {
            out(err.message);
            return 1;
          }
          throw err;
        }
        out(`已授予管理员角色: ${openid}`);
        return 0;
      });
    }
    case 'audit-verify':
      return withDb(async (db, _audit, key) => {
        const result = await verifyAuditTrail(db, key);
        out(`审计链: ${result.chains} 条链, ${result.rows} 条记录`);
        for (const p of result.problems) out(`  ✗ ${p.chain}${p.seq !== null ? ` #${p.seq}` : ''}: ${p.problem}`);
        out(result.problems.length === 0 ? '未发现篡改' : `发现 ${result.problems.length} 处问题`);
        return result.problems.length === 0 ? 0 : 1;
      });
    case 'backup':
    case 'restore': {
      const dir = rest[0];
      if (!dir || dir.startsWith('-')) {
        out(
          `请指定${command === 'backup' ? '备份写入' : '要恢复的备份所在'}的目录，例如 npm run cli -- ${command} /var/backups/shangyun-2026-12-06`,
        );
        return 2;
      }
      try {
        await (command === 'backup' ? backup : restore)(loadConfig(), dir, out);
        return 0;
      } catch (err) {
        if (err instanceof BackupRefused) {
          out(err.message);
          return 1;
        }
        throw err;
      }
    }
    case 'migrate':
      return withDb(() => {
        out('数据库迁移已完成');
        return 0;
      });
    default:
      out(usage());
      return command === undefined || command === 'help' ? 0 : 2;
  }
}

if (require.main === module) {
  // The configured pack first: the help's example and every message name its counties.
  Promise.resolve()
    .then(() => {
      installPolicyPack(loadConfig().policyPack);
      return runCli(process.argv.slice(2));
    })
    .then(
      (code) => process.exit(code),
      (err: unknown) => {
        process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
}
