import { Init1764460000000 } from './1764460000000-Init';
import { ProviderFiling1764470000000 } from './1764470000000-ProviderFiling';
import { Applications1764480000000 } from './1764480000000-Applications';
import { OfficialAccount1764490000000 } from './1764490000000-OfficialAccount';
import { NotificationDelivery1764500000000 } from './1764500000000-NotificationDelivery';
import { StageCounts1764510000000 } from './1764510000000-StageCounts';
import { WechatPay1764520000000 } from './1764520000000-WechatPay';
import { OpenDoors1764530000000 } from './1764530000000-OpenDoors';
import { DocumentVersions1764540000000 } from './1764540000000-DocumentVersions';
import { AccountChanges1764545000000 } from './1764545000000-AccountChanges';
import { LedgerConfirmations1764546000000 } from './1764546000000-LedgerConfirmations';
import { ProfileChanges1764547000000 } from './1764547000000-ProfileChanges';
import { SettlementPaidAmount1764550000000 } from './1764550000000-SettlementPaidAmount';
import { NoticeEndAnnounced1764610000000 } from './1764610000000-NoticeEndAnnounced';
import { InvitationName1764630000000 } from './1764630000000-InvitationName';
import { Rounds1764660000000 } from './1764660000000-Rounds';
import { ListRound1764700000000 } from './1764700000000-ListRound';
import { SubscribeConsents1764700100000 } from './1764700100000-SubscribeConsents';
import { PolicyVersion1764710000000 } from './1764710000000-PolicyVersion';

/** Listed explicitly (not globbed) so that tsx, jest and a compiled build all find the same set. */
export const MIGRATIONS = [
  Init1764460000000,
  ProviderFiling1764470000000,
  Applications1764480000000,
  OfficialAccount1764490000000,
  NotificationDelivery1764500000000,
  StageCounts1764510000000,
  WechatPay1764520000000,
  OpenDoors1764530000000,
  DocumentVersions1764540000000,
  AccountChanges1764545000000,
  LedgerConfirmations1764546000000,
  ProfileChanges1764547000000,
  SettlementPaidAmount1764550000000,
  NoticeEndAnnounced1764610000000,
  InvitationName1764630000000,
  Rounds1764660000000,
  ListRound1764700000000,
  SubscribeConsents1764700100000,
  PolicyVersion1764710000000,
];
