import { ObjectId, type Db } from 'mongodb'
import type { Logger } from '../../core/logger.js'
import { legacyJsonText } from '../../core/legacy-json.js'
import { PyJsonError, parsePythonJson } from '../../compat/python/json-decode.js'
import { pythonJsonDumps } from '../../compat/python/json-encode.js'
import { writeAdmission, type WriteAdmission } from '../shared/write-admission.js'
import { PendingMovementError, applyMovement, type MovementOutcome } from './apply-movement.js'
import { checkMovementBody, type Checked } from './create-validate.js'
import { DEFAULT_LEASE_MS, IdempotencyStore, fingerprint } from './idempotency.js'
import { recoverPendingMovements } from '../shared/pending-movements.js'

export type RecordDeps = { db: Db; logger: Logger; admission?: WriteAdmission; leaseMs?: number }

export type RecordRequest = {
  userId: string
  /** `current_user.email`, stored as the movement's `usuario`. */
  email: string
  /** A valid Idempotency-Key header, if any (the route checked its format). */
  key?: string
  mimetype: string
  body: Uint8Array
}

/** The answer to send: JSON text, plus headers beyond `content-type: application/json`. */
export type Recorded = { status: number; text: string; headers?: Record<string, string> }

const SHUTTING_DOWN: Recorded = {
  status: 503,
  text: `${legacyJsonText({ erro: 'Serviço reiniciando, tente novamente' })}\n`,
  headers: { 'retry-after': '1', connection: 'close' },
}

/** `POST /api/movimentacoes` past the header checks: decode and check the body, apply it once per key. */
export async function recordMovement(deps: RecordDeps, request: RecordRequest): Promise<Recorded> {
  const checked = checkBody(request.body)
  const admission = deps.admission ?? writeAdmission
  if (request.key === undefined) {
    if (!checked.ok) return checked.answer
    try {
      return (await admission.run(() => applyMovement(deps.db, checked.input, request.email))) ?? SHUTTING_DOWN
    } catch (error) {
      if (!(error instanceof PendingMovementError)) throw error
      // The client gets a 5xx, but the movement will be recorded: retries are only safe with an Idempotency-Key.
      deps.logger.warn({ err: error.cause }, 'movement left pending; the recovery step finishes it')
      throw error.cause
    }
  }
  return (await admission.run(() => recordIdempotent(deps, request, checked))) ?? SHUTTING_DOWN
}

type CheckedBody = { ok: true; input: Extract<Checked, { ok: true }>['input'] } | { ok: false; answer: MovementOutcome }

function checkBody(body: Uint8Array): CheckedBody {
  let dados
  try {
    dados = parsePythonJson(body)
  } catch (error) {
    // Werkzeug's BadRequest, written by the legacy error handler (Python's default separators).
    if (error instanceof PyJsonError) return { ok: false, answer: { status: 400, text: `${pythonJsonDumps({ erro: 'Requisição inválida' }, false)}\n` } }
    throw error
  }
  const checked = checkMovementBody(dados)
  return checked.ok ? checked : { ok: false, answer: refusal(checked.erro) }
}

function refusal(erro: string): MovementOutcome {
  return { status: 400, text: `${legacyJsonText({ erro })}\n` }
}

async function recordIdempotent(deps: RecordDeps, request: RecordRequest, checked: CheckedBody): Promise<Recorded> {
  const store = new IdempotencyStore(deps.db, deps.leaseMs ?? DEFAULT_LEASE_MS)
  // Before a dead request's key is taken over, finish what it left pending on this body's item: if it got as far
  // as writing, its answer becomes the key's answer (replayed) instead of the movement being applied again.
  const settle = checked.ok
    ? async (owner: ObjectId) => void (await recoverPendingMovements(deps.db, { olderThanMs: 0, itemId: new ObjectId(checked.input.itemId.toLowerCase()), movementId: owner }))
    : undefined
  const claim = await store.claim(request.userId, request.key!, fingerprint(request.mimetype, request.body), settle)
  if (claim.kind === 'replay') return { status: claim.response.status, text: claim.response.body, headers: { 'idempotent-replayed': 'true' } }
  if (claim.kind === 'mismatch') return { status: 422, text: `${legacyJsonText({ erro: 'Chave de idempotência reutilizada com outro conteúdo' })}\n` }
  if (claim.kind === 'in-progress') return inProgress()

  const stopRenewing = store.keepAlive(claim.id, claim.owner)
  try {
    if (!checked.ok) {
      await store.complete(claim.id, claim.owner, { status: checked.answer.status, body: checked.answer.text })
      return checked.answer
    }
    const outcome = await applyMovement(deps.db, checked.input, request.email, { movementId: claim.owner, keyId: claim.id })
    if (outcome.superseded) {
      // A retry took the key over while this attempt ran (its lease lapsed): the key's answer is the one to give.
      const answer = await store.answerOf(claim.id)
      return answer ? { status: answer.status, text: answer.body, headers: { 'idempotent-replayed': 'true' } } : inProgress()
    }
    if (outcome.status !== 201) await store.complete(claim.id, claim.owner, { status: outcome.status, body: outcome.text })
    return outcome
  } catch (error) {
    if (error instanceof PendingMovementError) {
      // Written as pending: the key stays with this attempt, so a retry (after the lease) replays its answer once
      // the recovery step, or the retry itself, has finished it.
      deps.logger.warn({ err: error.cause, key: claim.id }, 'movement left pending; the recovery step finishes it')
      throw error.cause
    }
    // Nothing was written: a retry may run at once.
    await store.release(claim.id, claim.owner).catch(() => undefined)
    throw error
  } finally {
    stopRenewing()
  }
}

function inProgress(): Recorded {
  return { status: 409, text: `${legacyJsonText({ erro: 'Requisição com esta chave de idempotência ainda em andamento' })}\n` }
}
