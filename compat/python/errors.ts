/**
 * An exception the legacy view would raise on the same data (TypeError, KeyError, AttributeError,
 * OverflowError, ValueError, bson's InvalidBSON). Flask turns any of them into a 500, which the legacy app's
 * error handler answers with `{"erro": "Erro interno"}`; the gateway maps these errors to that same answer.
 */
export class PythonError extends Error {
  constructor(
    readonly pythonType: string,
    message: string,
  ) {
    super(`${pythonType}: ${message}`)
    this.name = 'PythonError'
  }
}

export const typeError = (message: string) => new PythonError('TypeError', message)
export const keyError = (key: string) => new PythonError('KeyError', `'${key}'`)
export const overflowError = (message: string) => new PythonError('OverflowError', message)
