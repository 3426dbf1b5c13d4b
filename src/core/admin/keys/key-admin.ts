// Virtual key administration: validation and the lifecycle rules (create,
// update, rotate with a grace period, revoke, delete). Transport-agnostic.
import { randomUUID } from 'node:crypto';
import { durationMs } from '@bufbuild/protobuf/wkt';
import type {
  CreateKeyRequest,
  ListKeysRequest,
  RotateKeyRequest,
  UpdateKeyRequest,
  VirtualKey,
} from '../../../../gen/llmgateway/v1/keys_service_pb.js';
import type { BudgetRecord, KeysRepository, VirtualKeyRecord } from '../../../domain/virtual-key.js';
import { adoptExistingSecret, isAcceptableImportedSecret, issueVirtualKeySecret } from '../../auth/virtual-key-secret.js';
import { GatewayError, invalidArgument } from '../../../domain/gateway-error.js';
import { pageRequest, pageResponse } from '../paging.js';
import { storedRecords } from '../stored-records.js';
import { expectedVersionOf, versionedToProto, withVersion } from '../record-version.js';
import { INITIAL_VERSION } from '../../../domain/versioned-record.js';
import { fieldsToUpdate } from '../partial-update.js';
import { refuseWhileUsed, type ReferenceFinder } from '../references.js';
import { requireText, validateModelPatterns, validateStringMap } from '../validate.js';
import { budgetFromProto, expiryFromProto, keyRecordToProto, rateLimitsFromProto } from './key-conversion.js';

const MAX_GRACE_MS = 30 * 24 * 3600 * 1000;
const METADATA_LIMITS = { maxEntries: 64, maxKey: 64, maxValue: 512 };

export interface KeyAdminOptions {
  keys: KeysRepository;
  /** A key that prompt rules are scoped to is not deleted from under them (revoking it is never refused). */
  references: Pick<ReferenceFinder, 'usersOfKey'>;
  /** Called after every write, with the key written, so cached authentications see it at once. */
  onChange: (keyId: string) => void;
  /**
   * Before a write that sets a key's budget: counts what the key already spent in the budget's current period
   * (limits/logged-spend.ts), so a budget added or changed does not start from 0.
   */
  seedBudget: (keyId: string, budget: BudgetRecord) => Promise<void>;
  now?: () => number;
}

export interface KeyAdmin {
  create(request: CreateKeyRequest): Promise<{ key: VirtualKey; secret: string }>;
  get(id: string): Promise<VirtualKey>;
  list(request: ListKeysRequest): Promise<{ keys: VirtualKey[]; nextPageToken: string }>;
  update(request: UpdateKeyRequest): Promise<VirtualKey>;
  rotate(request: RotateKeyRequest): Promise<{ key: VirtualKey; secret: string }>;
  revoke(id: string): Promise<VirtualKey>;
  delete(id: string): Promise<void>;
}

/** A new secret, or the one an imported key already has (CreateKeyRequest.existing_secret). */
function secretForNewKey(existingSecret: string) {
  if (existingSecret === '') return issueVirtualKeySecret();
  if (!isAcceptableImportedSecret(existingSecret)) {
    throw invalidArgument('existing_secret', 'must be 8–200 visible ASCII characters (no spaces)');
  }
  return adoptExistingSecret(existingSecret);
}

export function createKeyAdmin(options: KeyAdminOptions): KeyAdmin {
  const now = options.now ?? Date.now;
  const { keys } = options;

  const records = storedRecords({ repository: keys, kind: 'key', keyField: 'id', trimKey: false });
  const { load } = records;
  const toProto = versionedToProto(keyRecordToProto);

  /**
   * Applies `change` to the stored key (again, should another write come first; with `expectedVersion`,
   * only to that version) and announces the write.
   */
  const update = async (
    id: string,
    change: (stored: VirtualKeyRecord) => VirtualKeyRecord | Promise<VirtualKeyRecord>,
    expectedVersion?: number,
  ): Promise<VirtualKey> => {
    const written = await records.update(id, change, expectedVersion);
    options.onChange(written.record.id);
    return toProto(written);
  };

  return {
    async create(request) {
      const instant = now();
      const issued = secretForNewKey(request.existingSecret);
      const record: VirtualKeyRecord = {
        id: `key_${randomUUID().replace(/-/g, '')}`,
        name: requireText('name', request.name, { max: 200 }),
        secretHash: issued.hash,
        secretPrefix: issued.displayPrefix,
        secretLast4: issued.last4,
        previousSecretHash: null,
        previousSecretExpiresAt: null,
        enabled: request.enabled ?? true,
        expiresAt: expiryFromProto('expires_at', request.expiresAt, instant),
        revokedAt: null,
        allowedModels: validateModelPatterns('allowed_models', request.allowedModels),
        rateLimits: rateLimitsFromProto('rate_limits', request.rateLimits),
        // Its id is new, so no spend of it to count yet (limits/logged-spend.ts: a budget set by an update).
        budget: budgetFromProto('budget', request.budget),
        cacheEnabled: request.cacheEnabled,
        logRequestBodies: request.logRequestBodies,
        metadata: validateStringMap('metadata', request.metadata, METADATA_LIMITS),
        createdAt: instant,
        updatedAt: instant,
      };
      await keys.insert(record);
      options.onChange(record.id);
      return { key: withVersion(keyRecordToProto(record), INITIAL_VERSION), secret: issued.secret };
    },

    async get(id) {
      return toProto(await records.loadVersioned(id));
    },

    async list(request) {
      const page = await keys.listVersioned({
        ...pageRequest(request),
        nameContains: request.nameContains.trim() || null,
        enabled: request.enabled ?? null,
      });
      return pageResponse('keys', page, toProto);
    },

    update(request) {
      const expectedVersion = expectedVersionOf(request);
      return update(request.id, async (record) => {
        const fields = fieldsToUpdate(request.updateMask, {
          name: request.name !== undefined,
          enabled: request.enabled !== undefined,
          expires_at: request.expiresAt !== undefined,
          allowed_models: request.allowedModels.length > 0,
          rate_limits: request.rateLimits !== undefined,
          budget: request.budget !== undefined,
          cache_enabled: request.cacheEnabled !== undefined,
          log_request_bodies: request.logRequestBodies !== undefined,
          metadata: Object.keys(request.metadata).length > 0,
        });
        const instant = now();
        const next: VirtualKeyRecord = { ...record, updatedAt: instant };
        if (fields.has('name')) next.name = requireText('name', request.name ?? '', { max: 200 });
        if (fields.has('enabled')) {
          if (request.enabled && record.revokedAt !== null) {
            throw new GatewayError('failed_precondition', 'a revoked key cannot be enabled again; create a new key');
          }
          next.enabled = request.enabled ?? false;
        }
        if (fields.has('expires_at')) next.expiresAt = expiryFromProto('expires_at', request.expiresAt, instant);
        if (fields.has('allowed_models')) next.allowedModels = validateModelPatterns('allowed_models', request.allowedModels);
        if (fields.has('rate_limits')) next.rateLimits = rateLimitsFromProto('rate_limits', request.rateLimits);
        if (fields.has('budget')) next.budget = budgetFromProto('budget', request.budget);
        if (fields.has('cache_enabled')) next.cacheEnabled = request.cacheEnabled ?? false;
        if (fields.has('log_request_bodies')) next.logRequestBodies = request.logRequestBodies ?? false;
        if (fields.has('metadata')) next.metadata = validateStringMap('metadata', request.metadata, METADATA_LIMITS);
        // Seeded before the write: every process that sees the new budget finds its period's spend in place.
        // Again for an unchanged period, or on a retry, it only confirms it (raiseTo never counts twice).
        if (next.budget && fields.has('budget')) await options.seedBudget(record.id, next.budget);
        return next;
      }, expectedVersion);
    },

    async rotate(request) {
      const issued = issueVirtualKeySecret();
      const key = await update(request.id, (record) => {
        if (record.revokedAt !== null) throw new GatewayError('failed_precondition', 'a revoked key cannot be rotated');
        const graceMs = request.gracePeriod ? durationMs(request.gracePeriod) : 0;
        if (!Number.isFinite(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS) {
          throw invalidArgument('grace_period', 'must be between 0 and 30 days');
        }
        const instant = now();
        return {
          ...record,
          secretHash: issued.hash,
          secretPrefix: issued.displayPrefix,
          secretLast4: issued.last4,
          // The secret replaced is the one stored when the write lands, so it is the one a client holds.
          previousSecretHash: graceMs > 0 ? record.secretHash : null,
          previousSecretExpiresAt: graceMs > 0 ? instant + graceMs : null,
          updatedAt: instant,
        };
      });
      return { key, secret: issued.secret };
    },

    async revoke(id) {
      const keyId = records.requireKey(id);
      // One conditional write of its own (keys-repository.ts), never a read-modify-write: no concurrent
      // update can undo it, and an update computed before it fails its version check and re-reads.
      const revoked = await keys.revoke(keyId, now());
      const stored = await records.loadVersioned(keyId);
      if (revoked) options.onChange(keyId);
      return toProto(stored);
    },

    async delete(id) {
      await load(id);
      refuseWhileUsed(`key ${id} is`, await options.references.usersOfKey(id));
      await records.delete(id);
      options.onChange(id);
    },
  };
}

