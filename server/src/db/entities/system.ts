import { EntitySchema } from 'typeorm';
import { col } from '../columns';

export interface WechatTokenRow {
  appid: string;
  accessToken: string;
  expireTime: number;
  updatedAt: number;
}
export const WechatTokenEntity = new EntitySchema<WechatTokenRow>({
  name: 'WechatToken',
  tableName: 'wechat_tokens',
  columns: {
    appid: { type: 'varchar', length: 64, primary: true },
    accessToken: { type: 'varchar', length: 512, name: 'access_token' },
    expireTime: { ...col.ms(), name: 'expire_time' },
    updatedAt: { ...col.ms(), name: 'updated_at' },
  },
});

export interface SequenceRow {
  name: string;
  value: number;
}
export const SequenceEntity = new EntitySchema<SequenceRow>({
  name: 'Sequence',
  tableName: 'sequences',
  columns: {
    name: { type: 'varchar', length: 64, primary: true },
    value: col.int(),
  },
});
