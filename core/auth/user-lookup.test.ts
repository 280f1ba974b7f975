import { ObjectId, type Collection } from 'mongodb'
import { describe, expect, it } from 'vitest'
import { createUserLookup, type UserDoc } from './user-lookup.js'

const ANA = new ObjectId('0123456789abcdef01234567')

/** A `usuarios` collection with one user whose `ativo` flag the test flips; counts the lookups. */
function users() {
  const state = { ativo: true, lookups: 0 }
  const collection = {
    findOne: async (filter: { _id: ObjectId; ativo: boolean }) => {
      state.lookups++
      await new Promise((resolve) => setTimeout(resolve, 5))
      return filter._id.equals(ANA) && state.ativo === filter.ativo ? { _id: ANA, email: 'ana@x', nome: 'Ana' } : null
    },
  } as unknown as Collection<UserDoc>
  return { collection, state }
}

describe('createUserLookup', () => {
  it('ttl 0: one lookup per call', async () => {
    const { collection, state } = users()
    const lookup = createUserLookup(collection, { ttlMs: 0, maxEntries: 10 })
    await lookup(ANA)
    await lookup(ANA)
    expect(state.lookups).toBe(2)
  })

  it('remembers an active user for at most the TTL; concurrent lookups share one query', async () => {
    const { collection, state } = users()
    let clock = 1_000
    const lookup = createUserLookup(collection, { ttlMs: 1000, maxEntries: 10, now: () => clock })
    const docs = await Promise.all([lookup(ANA), lookup(ANA), lookup(ANA)])
    expect(docs.map((d) => d?.email)).toEqual(['ana@x', 'ana@x', 'ana@x'])
    expect(state.lookups).toBe(1)
    // Deactivated in the database: still let in from memory, but never past the TTL.
    state.ativo = false
    clock += 999
    expect((await lookup(ANA))?.email).toBe('ana@x')
    clock += 2
    expect(await lookup(ANA)).toBeNull()
    expect(state.lookups).toBe(2)
  })

  it('never remembers a miss: a reactivated user gets in at once', async () => {
    const { collection, state } = users()
    const lookup = createUserLookup(collection, { ttlMs: 10_000, maxEntries: 10 })
    state.ativo = false
    expect(await lookup(ANA)).toBeNull()
    state.ativo = true
    expect((await lookup(ANA))?.email).toBe('ana@x')
    expect(await lookup(new ObjectId())).toBeNull()
    expect(await lookup(new ObjectId())).toBeNull()
    expect(state.lookups).toBe(4)
  })

  it('a failed lookup is not remembered and reaches the caller', async () => {
    let fail = true
    const collection = {
      findOne: async () => {
        if (fail) throw new Error('mongodb down')
        return { _id: ANA, email: 'ana@x' }
      },
    } as unknown as Collection<UserDoc>
    const lookup = createUserLookup(collection, { ttlMs: 10_000, maxEntries: 10 })
    await expect(lookup(ANA)).rejects.toThrow('mongodb down')
    fail = false
    expect((await lookup(ANA))?.email).toBe('ana@x')
  })
})
