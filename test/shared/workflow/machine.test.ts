import { acceptedEvents, transition, type MachineDef } from '../../../shared/src/workflow/machine';

/** The interpreter on a small machine of its own: a door that opens, closes, and locks with a key. */
type S = 'closed' | 'open' | 'locked';
type E = 'open' | 'close' | 'lock' | 'unlock' | 'kick';
type G = 'hasKey' | 'keyFits' | 'strong';
type F = 'creak' | 'click' | 'bang';
interface C {
  key: boolean;
  fits: boolean;
  strong: boolean;
}

const door: MachineDef<S, E, G, F, C> = {
  id: 'door',
  initial: 'closed',
  states: {
    closed: {
      labels: { reviewer: '关着', applicant: '门关着' },
      on: {
        open: { target: 'open', roles: ['enterprise', 'provider'], effects: ['creak'] },
        lock: { target: 'locked', roles: ['enterprise'], guards: ['hasKey', 'keyFits'], effects: ['click'] },
        // Tried in order: a kick by the strong bursts it open; otherwise it stays closed, loudly.
        kick: [
          { target: 'open', roles: ['admin'], guards: ['strong'], effects: ['bang', 'creak'] },
          { target: 'closed', roles: ['admin', 'city_miit'], guards: ['hasKey'] },
        ],
      },
    },
    open: { labels: { reviewer: '开着', applicant: '门开着' }, on: { close: { target: 'closed', roles: ['enterprise'] } } },
    locked: {
      labels: { reviewer: '锁着', applicant: '门锁着' },
      final: true,
      refuse: { open: '门锁着，请先开锁' },
    },
  },
  guards: {
    hasKey: (c) => (c.key ? null : '没有钥匙'),
    keyFits: (c) => (c.fits ? null : '钥匙不对'),
    strong: (c) => (c.strong ? null : '踢不开'),
  },
};

const OK: C = { key: true, fits: true, strong: true };

describe('transition', () => {
  test('an accepted event moves to its target with its effects; none declared is none', () => {
    expect(transition(door, 'closed', 'open', ['provider'], OK)).toEqual({ ok: true, from: 'closed', to: 'open', effects: ['creak'] });
    expect(transition(door, 'open', 'close', ['enterprise'], OK)).toEqual({ ok: true, from: 'open', to: 'closed', effects: [] });
  });

  test('an event the state does not take: its own words, else the state’s label; an unknown state by its name', () => {
    expect(transition(door, 'locked', 'open', ['enterprise'], OK)).toEqual({
      ok: false,
      reason: 'not_allowed_in_state',
      message: '门锁着，请先开锁',
    });
    expect(transition(door, 'locked', 'close', ['enterprise'], OK)).toEqual({
      ok: false,
      reason: 'not_allowed_in_state',
      message: '当前状态“锁着”下不能进行此操作',
    });
    expect(transition(door, 'open', 'lock', ['enterprise'], OK)).toMatchObject({ message: '当前状态“开着”下不能进行此操作' });
    expect(transition(door, 'ajar' as S, 'open', ['enterprise'], OK)).toEqual({
      ok: false,
      reason: 'not_allowed_in_state',
      message: '当前状态“ajar”下不能进行此操作',
    });
  });

  test('a role that may not send it; any one of several roles may', () => {
    expect(transition(door, 'closed', 'lock', ['provider', 'county_miit'], OK)).toEqual({
      ok: false,
      reason: 'role_not_allowed',
      message: '您的角色不能进行此操作',
    });
    expect(transition(door, 'closed', 'lock', ['provider', 'enterprise'], OK)).toMatchObject({ ok: true, to: 'locked' });
    expect(transition(door, 'closed', 'open', [], OK)).toMatchObject({ ok: false, reason: 'role_not_allowed' });
  });

  test('guards are checked in order; the first that fails answers, by name and reason', () => {
    expect(transition(door, 'closed', 'lock', ['enterprise'], { ...OK, key: false, fits: false })).toEqual({
      ok: false,
      reason: 'guard_failed',
      guard: 'hasKey',
      message: '没有钥匙',
    });
    expect(transition(door, 'closed', 'lock', ['enterprise'], { ...OK, fits: false })).toEqual({
      ok: false,
      reason: 'guard_failed',
      guard: 'keyFits',
      message: '钥匙不对',
    });
  });

  test('candidates: the first whose role and guards pass wins; the refusal is the first permitted candidate’s', () => {
    expect(transition(door, 'closed', 'kick', ['admin'], OK)).toEqual({ ok: true, from: 'closed', to: 'open', effects: ['bang', 'creak'] });
    expect(transition(door, 'closed', 'kick', ['admin'], { ...OK, strong: false })).toEqual({
      ok: true,
      from: 'closed',
      to: 'closed',
      effects: [],
    });
    expect(transition(door, 'closed', 'kick', ['admin'], { ...OK, strong: false, key: false })).toEqual({
      ok: false,
      reason: 'guard_failed',
      guard: 'strong',
      message: '踢不开',
    });
    // city_miit may only send the second candidate: the first is not tried for it.
    expect(transition(door, 'closed', 'kick', ['city_miit'], OK)).toMatchObject({ ok: true, to: 'closed' });
    expect(transition(door, 'closed', 'kick', ['city_miit'], { ...OK, key: false })).toMatchObject({ ok: false, guard: 'hasKey' });
    expect(transition(door, 'closed', 'kick', ['enterprise'], OK)).toMatchObject({ ok: false, reason: 'role_not_allowed' });
  });
});

test('acceptedEvents: every (state, event, definition), candidates one by one', () => {
  expect(acceptedEvents(door).map((d) => [d.from, d.event, d.def.target])).toEqual([
    ['closed', 'open', 'open'],
    ['closed', 'lock', 'locked'],
    ['closed', 'kick', 'open'],
    ['closed', 'kick', 'closed'],
    ['open', 'close', 'closed'],
  ]);
  expect(acceptedEvents(door)[1].def).toBe(door.states.closed.on!.lock);
});
