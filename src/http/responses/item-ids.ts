// Ids of the Responses API's objects, in OpenAI's shapes (`resp_…`, `msg_…`,
// `fc_…`, `rs_…`): a prefix and 24 random bytes in hex, unguessable, so a
// response id alone reveals nothing (and is still checked against its key).
import { randomBytes } from 'node:crypto';

export type ItemIdPrefix = 'resp' | 'msg' | 'fc' | 'fco' | 'rs';

export const newItemId = (prefix: ItemIdPrefix): string => `${prefix}_${randomBytes(24).toString('hex')}`;
