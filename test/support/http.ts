/** Response JSON for assertions: tests inspect it structurally, so it is typed loosely on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readJson(response: Response): Promise<any> {
  const text = await response.text()
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`expected JSON, got ${response.status} ${response.headers.get('content-type')}: ${text.slice(0, 300)}`)
  }
}
