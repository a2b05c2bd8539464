import type { EntityManager } from '@mikro-orm/sql';
import { ValidationError } from '@sluice/core';
import type { z } from 'zod';
import type { ExportUser } from '../elements/export-context.ts';
import { type ExportRequest, exportRequestSchema, upgradeStoredRequest } from '../pipeline/export-request.ts';
import type { ExportTask } from '../tasks/export-task-entity.ts';
import type { ExportTaskService, TaskCreateOptions } from '../tasks/export-task-service.ts';
import { SavedExport } from './saved-export-entity.ts';
import { SavedExportError } from './saved-export-error.ts';
import { savedExportInputSchema, savedExportUpdateSchema } from './saved-export-input.ts';
import { canSee, isShared } from './saved-export-sharing.ts';

/**
 * Saved exports: named export requests kept to run again, visible to their owner and to whom they are
 * shared with. A saved export the caller may not see answers `SAVED_EXPORT_NOT_FOUND`, like a missing
 * one; only its owner may change or delete it. Runs go through the {@link ExportTaskService} as the
 * caller, so a shared export never shows anyone rows they may not export themselves.
 *
 * @example
 * ```ts
 * const saved = new SavedExportService(taskService);
 * const board = await saved.create({ name: 'Board list', request: { export: 'list_people', formatter: { alias: 'xlsx' } }, sharedRoles: ['EXPORT'] }, alice);
 * const task = await saved.run(board.id, carol); // carol's rows only
 * await saved.update(board.id, { expectedVersion: board.version, name: 'Board list 2026' }, alice);
 * ```
 */
export class SavedExportService {
  readonly tasks: ExportTaskService;

  constructor(tasks: ExportTaskService) {
    this.tasks = tasks;
  }

  get #em(): EntityManager {
    return this.tasks.config.em.fork();
  }

  /** Validates `body` (its request by the registry, for `user`) and saves it, owned by `user`. */
  async create(body: unknown, user: ExportUser): Promise<SavedExport> {
    const input = parsed(savedExportInputSchema, body);
    const request = this.#validRequest(input.request, user);
    const em = this.#em;
    const now = new Date();
    const saved = em.create(SavedExport, {
      name: input.name,
      description: input.description,
      ownerId: user.id,
      ownerName: user.username,
      request,
      sharedRoles: input.sharedRoles,
      sharedScopes: input.sharedScopes,
      shared: isShared(input),
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    await em.flush();
    return saved;
  }

  /** What `user` may see: their own and those shared with them, by name. */
  async list(user: ExportUser): Promise<SavedExport[]> {
    const candidates = await this.#em.find(SavedExport, { $or: [{ ownerId: user.id }, { shared: true }] }, { orderBy: { name: 'asc', id: 'asc' } });
    return candidates.filter((saved) => canSee(saved, user));
  }

  /** The saved export if `user` may see it; `SAVED_EXPORT_NOT_FOUND` otherwise, exactly as for a missing one. */
  async get(id: number, user: ExportUser, em: EntityManager = this.#em): Promise<SavedExport> {
    const saved = Number.isSafeInteger(id) ? await em.findOne(SavedExport, { id }) : null;
    if (!saved || !canSee(saved, user)) throw SavedExportError.notFound(id);
    return saved;
  }

  /**
   * Changes the fields `body` names, if `body.expectedVersion` is still the current version: one UPDATE
   * guarded by id and version, so of two concurrent changes from the same version exactly one wins and
   * the other answers `SAVED_EXPORT_VERSION_CONFLICT`. Owner only.
   */
  async update(id: number, body: unknown, user: ExportUser): Promise<SavedExport> {
    const em = this.#em;
    const saved = await this.#owned(id, user, 'change', em);
    const { expectedVersion, request, ...fields } = parsed(savedExportUpdateSchema, body);
    const changes: Partial<SavedExport> = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    if (request !== undefined) changes.request = this.#validRequest(request, user);
    const sharing = { sharedRoles: changes.sharedRoles ?? saved.sharedRoles, sharedScopes: changes.sharedScopes ?? saved.sharedScopes };
    const updated = await em.nativeUpdate(
      SavedExport,
      { id, version: expectedVersion },
      { ...changes, shared: isShared(sharing), version: expectedVersion + 1, updatedAt: new Date() },
    );
    if (updated !== 1) {
      const current = await this.#em.findOne(SavedExport, { id });
      if (!current) throw SavedExportError.notFound(id);
      throw SavedExportError.versionConflict(id, expectedVersion, current.version);
    }
    return this.get(id, user);
  }

  /** A copy owned by `user` (who may see the original), named "<name> (copy)", shared with no one. */
  async duplicate(id: number, user: ExportUser): Promise<SavedExport> {
    const original = await this.get(id, user);
    const name = `${original.name.slice(0, 200 - ' (copy)'.length)} (copy)`;
    return this.create({ name, description: original.description ?? null, request: original.request }, user);
  }

  /** Deletes it; owner only. */
  async delete(id: number, user: ExportUser): Promise<void> {
    const em = this.#em;
    await this.#owned(id, user, 'delete', em);
    if ((await em.nativeDelete(SavedExport, { id, ownerId: user.id })) !== 1) throw SavedExportError.notFound(id);
  }

  /**
   * Queues a task of the saved request as `user`, with `user`'s rights: chosen scopes are narrowed to
   * those `user` uses, and the registry validates it again for `user` (roles, elements that still exist).
   */
  async run(id: number, user: ExportUser, options: Omit<TaskCreateOptions, 'savedExportId'> = {}): Promise<ExportTask> {
    const saved = await this.get(id, user);
    return this.tasks.create(asCaller(saved.request, user), user, { ...options, remark: options.remark ?? null, savedExportId: saved.id });
  }

  async #owned(id: number, user: ExportUser, action: string, em: EntityManager): Promise<SavedExport> {
    const saved = await this.get(id, user, em);
    if (saved.ownerId !== user.id) throw SavedExportError.forbidden(id, action);
    return saved;
  }

  /**
   * `body` checked by the registry for `user`, kept as written: a request without scopes stays without,
   * so that each run uses its caller's scopes.
   */
  #validRequest(body: unknown, user: ExportUser): ExportRequest {
    this.tasks.config.registry.prepare(body, user);
    return exportRequestSchema.parse(upgradeStoredRequest(body));
  }
}

/** `body` parsed by `schema`, or `VALIDATION_FAILED` with one issue per field. */
function parsed<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw ValidationError.fromIssues(result.error.issues.map((issue) => ({ path: issue.path.join('.') || 'body', message: issue.message })));
  }
  return result.data;
}

/**
 * The saved request for `user`: in their language when known, its chosen scopes narrowed to those
 * `user` uses. None left keeps the scopes as saved, so that the registry answers why `user` may not run it.
 */
function asCaller(request: ExportRequest, user: ExportUser): ExportRequest {
  const spoken = user.locale ? { ...request, locale: user.locale } : request;
  if (!spoken.scopes) return spoken;
  const mine = spoken.scopes.filter((scope) => user.scopes.includes(scope));
  return mine.length > 0 ? { ...spoken, scopes: mine } : spoken;
}
