import { BSON, type Collection, type Document, type Filter, type FindOptions, type WithId } from 'mongodb'

const CHECKING_UTF8 = { promoteValues: false, validation: { utf8: true } } as const
const NOT_CHECKING_UTF8 = { promoteValues: false, validation: { utf8: false } } as const

/**
 * `collection.find(filter, options).toArray()` with every value in its BSON type (`promoteValues: false`,
 * how legacy data is read here), for the reads that return many documents. The driver hands over each
 * document's bytes (`raw`) and they are decoded here with one constant options object; left to the driver,
 * each document is decoded with a fresh copy of the cursor's options. That was a fifth of the client CPU of
 * the hierarchy's 190-item find on the development machine (docs/benchmarks.md). UTF-8 is checked as the
 * client is configured (`MONGODB_UTF8_VALIDATION`), and a bad string throws the driver's own BSONError.
 */
export async function findMany<T extends Document>(
  collection: Collection<T>,
  filter: Filter<T>,
  options: Omit<FindOptions, 'raw' | 'promoteValues'>,
): Promise<WithId<T>[]> {
  const decoding = collection.bsonOptions.enableUtf8Validation === false ? NOT_CHECKING_UTF8 : CHECKING_UTF8
  const documents = (await collection.find(filter, { raw: true, ...options }).toArray()) as unknown as Uint8Array[]
  return documents.map((bytes) => BSON.deserialize(bytes, decoding) as WithId<T>)
}
